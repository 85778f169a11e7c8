# Issue 19's table, R-hosted, side by side in one R process: each row of
# the table with kfit's figure, the baseline's and the target. In the cran
# world the baseline is keras3 itself (keras3's fit() on the same R
# function, or on the same rows in memory); in the debian world (no keras3)
# it is Keras' model$fit() on the rows in memory. Every fit starts from a
# fresh model and is timed whole (wall clock, as a user waits for it);
# rounds alternate who goes first; figures are medians (of the per-round
# ratios where a row says "paired"). R workers are warm
# (a fit before the rounds started them), as in any session after its
# first fit.
#
#   Rscript bench/r_table.R [--rounds 3] [--only overlap|trivial|arrays|fixed|index|scaling|gpu]
#
# The workers-scaling row (workers = 1, 2, 4, 8 on a CPU-bound index dataset)
# and the GPU row report what the machine they run on allows, named beside
# each figure.

options(warn = 1, error = function() { traceback(3); q(status = 1) })
argv <- commandArgs(trailingOnly = TRUE)
option <- function(name, default) {
  at <- match(paste0("--", name), argv)
  if (is.na(at)) return(default)
  value <- argv[[at + 1L]]
  if (is.numeric(default)) as.integer(value) else value
}
rounds <- option("rounds", 3L)
only <- option("only", "")
wants <- function(section) !nzchar(only) || identical(only, section)

file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
here <- if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg[[1]]))) else "bench"
source(file.path(here, "r_workloads.R"))

suppressPackageStartupMessages(library(kfit))
keras <- reticulate::import("keras")
has_keras3 <- utils::packageVersion("reticulate") >= "1.39" &&
  requireNamespace("keras3", quietly = TRUE)
world <- if (has_keras3) "cran" else "debian"
cores <- parallel::detectCores()
cpu <- tryCatch(sub(".*: ", "", grep("^model name", readLines("/proc/cpuinfo"), value = TRUE)[[1]]),
                error = function(e) "unknown CPU")
machine <- sprintf("%s (%d cores, %s)", Sys.info()[["nodename"]], cores, cpu)
cat(sprintf("R-hosted, world \"%s\": %s, reticulate %s, keras %s, backend %s; machine %s; load average %s\n",
            world, R.version.string, utils::packageVersion("reticulate"), keras$`__version__`,
            keras$backend$backend(), machine, readLines("/proc/loadavg")))
baseline_name <- if (has_keras3) "keras3" else "Keras arrays"
# keras3's fit() passes shuffle = TRUE with a generator, and Keras warns
# that it ignores it, at every fit: not a finding of this table.
reticulate::py_run_string(paste0("import warnings; warnings.filterwarnings('ignore', ",
                                 "message='`shuffle=True` was passed')"))

keras3_fit <- if (has_keras3) utils::getFromNamespace("fit.keras.src.models.model.Model", "keras3")
kfit_fit <- kfit::kfit_fit

make_model <- function(cols, units, optimizer = "adam") {
  keras$utils$set_random_seed(1L)
  layers <- c(list(keras$Input(shape = list(as.integer(cols)))),
              lapply(units, function(u) keras$layers$Dense(as.integer(u), activation = "relu")),
              list(keras$layers$Dense(1L)))
  model <- keras$Sequential(layers)
  model$compile(optimizer = optimizer, loss = "mse")
  model
}

# Wall seconds of f(), with the CPU seconds this process used meanwhile
# (its threads too: TensorFlow's) as attribute "cpu". The garbage of what
# ran before (models, datasets, arrays: R and Python collect them when they
# get to it) is collected first, untimed: else one fit's clean-up lands in
# the next one's time (measured: the second fit of a pair was up to 1.6x
# slower than the first, whoever went first).
py_gc <- reticulate::import("gc")
elapsed <- function(f) {
  invisible(gc(verbose = FALSE))
  py_gc$collect()
  invisible(gc(verbose = FALSE))
  t0 <- proc.time()
  f()
  t <- proc.time() - t0
  structure(t[["elapsed"]], cpu = t[["user.self"]] + t[["sys.self"]])
}
cpu_of <- function(f) attr(f(), "cpu")

# `n` rounds of the named timings in `runs` (functions returning seconds),
# each round in a rotated order: a matrix, one row per round.
in_rounds <- function(runs, n = rounds) {
  times <- matrix(NA_real_, n, length(runs), dimnames = list(NULL, names(runs)))
  for (round in seq_len(n)) {
    order <- names(runs)[(seq_along(runs) + round - 2L) %% length(runs) + 1L]
    for (name in order) times[round, name] <- runs[[name]]()
  }
  times
}

# The medians of `n` rounds of the named timings in `runs` (see in_rounds()).
medians <- function(runs, n = rounds) apply(in_rounds(runs, n), 2L, stats::median)

# `a` and `b` run back to back `n` times, who goes first alternating: per
# round, list(a = a(), b = b()).
alternate <- function(a, b, n = rounds) {
  lapply(seq_len(n), function(round) {
    if (round %% 2L) {
      ra <- a()
      list(a = ra, b = b())
    } else {
      rb <- b()
      list(a = a(), b = rb)
    }
  })
}

# `a` against `b` (functions returning seconds), alternated: the medians of
# the per-round ratios a / b and differences a - b (a slow spell of a
# shared machine hits both of a pair alike), the medians of each, and the
# rounds as alternate() returns them (for what the timings carry besides).
paired <- function(a, b, n = rounds) {
  results <- alternate(a, b, n)
  ta <- vapply(results, function(r) r$a[[1]], numeric(1))
  tb <- vapply(results, function(r) r$b[[1]], numeric(1))
  list(ratio = stats::median(ta / tb), difference = stats::median(ta - tb),
       a = stats::median(ta), b = stats::median(tb), rounds = results)
}

# Milliseconds per step of `run(n)` (a timing of n steps): (run(n) - run(2))
# / (n - 2), so that what every run pays once (tracing, a worker's LOAD)
# cancels.
ms_per_step <- function(run, n) 1000 * (run(n) - run(2L)) / (n - 2L)

# The rows in memory that a generator's batches hold, as one matrix / vector.
stacked <- function(pool, steps) {
  picks <- rep_len(seq_along(pool), steps)
  list(x = do.call(rbind, lapply(pool[picks], `[[`, 1L)),
       y = unlist(lapply(pool[picks], `[[`, 2L)))
}

# Keras on the rows in memory (the baseline of "training alone"): keras3's
# fit() in the cran world, model$fit() on NumPy views in the debian world.
fit_arrays <- function(model, x, y, batch_size, epochs = 1L) {
  if (has_keras3) {
    keras3_fit(model, x, y, batch_size = as.integer(batch_size), epochs = epochs,
               shuffle = FALSE, verbose = 0)
  } else {
    model$fit(reticulate::r_to_py(x), reticulate::r_to_py(array(y)),
              batch_size = as.integer(batch_size), epochs = as.integer(epochs),
              shuffle = FALSE, verbose = 0L)
  }
}

row <- function(label, value, target, note = "") {
  cat(sprintf("  %-58s %9s   target %-10s %s\n", label, value, target, note))
  flush.console()
}

# Seconds of train() in this session while R code runs in plain Rscripts of
# their own, timed until all are done: each process (an element of `codes`,
# list(setup = , work = ), R code that may use bench/r_workloads.R) is
# started and set up first, then released (a "go" file) as training starts.
# What the cores allow R work and training beside each other, with no data
# between them.
beside_processes <- function(train, codes) {
  go <- tempfile("apart-go-")
  files <- lapply(seq_along(codes), function(j) {
    c(ready = tempfile("apart-ready-"), done = tempfile("apart-done-"),
      script = tempfile("apart-", fileext = ".R"))
  })
  on.exit(unlink(c(go, unlist(files))), add = TRUE)
  for (j in seq_along(codes)) {
    f <- files[[j]]
    writeLines(c(sprintf('source("%s")', file.path(here, "r_workloads.R")), codes[[j]]$setup,
                 sprintf('invisible(file.create("%s"))', f[["ready"]]),
                 sprintf('while (!file.exists("%s")) Sys.sleep(0.001)', go),
                 sprintf("invisible(%s)", codes[[j]]$work),
                 sprintf('invisible(file.create("%s"))', f[["done"]])), f[["script"]])
    system2(file.path(R.home("bin"), "Rscript"), f[["script"]], wait = FALSE)
  }
  all_exist <- function(which) all(file.exists(vapply(files, `[[`, "", which)))
  while (!all_exist("ready")) Sys.sleep(0.002)
  elapsed(function() {
    file.create(go)
    train()
    while (!all_exist("done")) Sys.sleep(0.002)
  })
}

# -- R generator overlapping training -----------------------------------------------
if (wants("overlap")) {
  steps <- 150L
  cal <- calibrate_cpu(128L, 784L, target_ms = 10)
  gen <- make_cpu_generator(128L, 784L, cal$passes)
  data <- stacked(bench_pool(8L, 128L, 784L), steps)
  units <- c(512L, 512L)
  kfit_fit(make_model(784L, units), gen, steps_per_epoch = 2L, verbose = 0)  # warm workers
  np <- reticulate::import("numpy", convert = FALSE)
  # The generator in a plain Rscript of its own (no data passed).
  apart_code <- list(list(setup = sprintf("gen <- make_cpu_generator(128L, 784L, %dL)", cal$passes),
                          work = sprintf("time_generator(gen, %dL)", steps)))
  beside_generator <- function(train) beside_processes(train, apart_code)
  trivial <- make_pool_generator(bench_pool(8L, 128L, 784L))
  runs <- list(
    gen = function() time_generator(gen, steps)[[1]],
    train = function() elapsed(function() fit_arrays(make_model(784L, units), data$x, data$y, 128L)),
    w1 = function() elapsed(function() kfit_fit(make_model(784L, units), gen, steps_per_epoch = steps, verbose = 0)),
    # The same with a bound of 40 batches ahead (the default, "auto", allows
    # 64 MiB of batches: about 160 of these).
    w1_q40 = function() elapsed(function() kfit_fit(make_model(784L, units), gen,
                                                    steps_per_epoch = steps, verbose = 0,
                                                    max_queue_size = 40)),
    # The two sharing the cores with no data between them: the generator in
    # a plain Rscript of its own while this session trains, on the rows in
    # memory (apart) or from kfit's worker making nothing but copies of
    # ready batches (beside); timed until both are done. What the cores
    # allow a pipeline (what the CPU-seconds bound below leaves out: two
    # busy processes slow each other down more than their CPU seconds say).
    apart = function() beside_generator(function() {
      fit_arrays(make_model(784L, units), data$x, data$y, 128L)
    }),
    beside = function() beside_generator(function() {
      kfit_fit(make_model(784L, units), trivial, steps_per_epoch = steps, verbose = 0)
    })
  )
  if (has_keras3) {
    runs$keras3 <- function() elapsed(function() keras3_fit(make_model(784L, units), gen,
                                                              steps_per_epoch = steps, verbose = 0))
  }
  m <- medians(runs)
  best <- max(m[["gen"]], m[["train"]])
  # What the cores allow: the generator's and the training's CPU seconds
  # shared by the cores (both use CPU; training on all cores it may).
  cpu <- cpu_of(function() time_generator(gen, steps)) +
    cpu_of(function() elapsed(function() fit_arrays(make_model(784L, units), data$x, data$y, 128L)))
  floor <- max(best, cpu / cores) / best
  cat(sprintf("\n== R generator, %.1f ms of R work per 128x784 batch, Dense 512-512-1, %d steps: generator alone %.3f s, training alone %.3f s (%s)\n",
              cal$ms, steps, m[["gen"]], m[["train"]], baseline_name))
  row("kfit fit(), workers = 1: time / max(generator, training)",
      sprintf("%.3f", m[["w1"]] / best), "<= 1.03",
      sprintf("(max_queue_size = 40: %.3f; on %d cores: CPU-seconds bound %.3f; the generator in a process apart, training on arrays %.3f, from kfit %.3f%s)",
              m[["w1_q40"]] / best, cores, floor, m[["apart"]] / best, m[["beside"]] / best,
              if (has_keras3) sprintf("; keras3 fit(): %.3f", m[["keras3"]] / best) else ""))
  # workers = 0 against the serial loop, per step: (a run of `long` steps -
  # a run of 2) / (long - 2), so that what each pays once cancels (fit()
  # traces Keras' train function over an iterator, train_on_batch() over a
  # batch). The generator is timed inside both: the time besides it is what
  # each adds to the user's R work. Ratios per round (each pair run back to
  # back), median of `w0_rounds`: the generator's own time varies by some
  # percent from run to run on a shared machine.
  long <- 302L
  w0_rounds <- max(rounds, 7L)
  inside <- 0
  timed_gen <- function() {
    t0 <- proc.time()[["elapsed"]]
    on.exit(inside <<- inside + proc.time()[["elapsed"]] - t0)
    gen()
  }
  timed <- function(run) {
    inside <<- 0
    total <- elapsed(run)[[1]]
    c(total = total, besides = total - inside)
  }
  in_session <- function(n) timed(function() {
    kfit_fit(make_model(784L, units), timed_gen, steps_per_epoch = n, verbose = 0, workers = 0)
  })
  # Serial, literally: the generator, then a training step, `n` times in
  # this session.
  serial_loop <- function(n) timed(function() {
    model <- make_model(784L, units)
    for (i in seq_len(n)) {
      batch <- timed_gen()
      model$train_on_batch(np$asarray(batch[[1]], dtype = "float32"),
                           np$asarray(batch[[2]], dtype = "float32"))
    }
  })
  pairs <- alternate(function() ms_per_step(in_session, long),
                     function() ms_per_step(serial_loop, long), w0_rounds)
  med <- function(who, part) stats::median(vapply(pairs, function(p) p[[who]][[part]], numeric(1)))
  ratio <- function(part) stats::median(vapply(pairs, function(p) p$a[[part]] / p$b[[part]], numeric(1)))
  row("kfit fit(), workers = 0: per step / serial loop's per step",
      sprintf("%.3f", ratio("total")), "<= 1.00",
      sprintf("(%.2f ms / %.2f ms, %d steps, median of %d rounds; besides the generator %.2f ms / %.2f ms = %.3f)",
              med("a", "total"), med("b", "total"), long, w0_rounds,
              med("a", "besides"), med("b", "besides"), ratio("besides")))
}

# -- trivial generator: the cost per step ---------------------------------------------
# Per step: (a fit of 1202 steps - a fit of 2) / 1200, so that what every fit
# pays once (tracing the model's functions, a warm worker's LOAD) cancels;
# kfit and the rows in memory paired round by round.
if (wants("trivial")) {
  steps <- 1202L
  pool <- bench_pool(8L, 32L, 10L)
  gen <- make_pool_generator(pool)
  model <- function() make_model(10L, integer(), "sgd")
  kfit_fit(model(), gen, steps_per_epoch = 2L, verbose = 0)
  arrays <- lapply(c(long = steps, short = 2L), function(n) stacked(pool, n))
  kfit_run <- function(n) elapsed(function() kfit_fit(model(), gen, steps_per_epoch = n, verbose = 0))
  arrays_run <- function(n) {
    rows <- if (n == 2L) arrays$short else arrays$long
    elapsed(function() fit_arrays(model(), rows$x, rows$y, 32L))
  }
  trivial_rounds <- max(9L, rounds)
  p <- paired(function() ms_per_step(kfit_run, steps), function() ms_per_step(arrays_run, steps),
              n = trivial_rounds)
  keras3_ms <- if (has_keras3) {
    stats::median(vapply(seq_len(rounds), function(i) ms_per_step(function(n) elapsed(function() {
      keras3_fit(model(), gen, steps_per_epoch = n, verbose = 0)
    }), 402L), numeric(1)))
  }
  cat(sprintf("\n== Trivial R generator, 32x10 batches, Dense(1): ms per step ((%d steps - 2 steps) / %d); in memory (%s) %.2f ms\n",
              steps, steps - 2L, baseline_name, p$b))
  row("kfit fit(), workers = 1: ms per step / in-memory ms per step",
      sprintf("%.2fx", p$ratio), "<= 1.2x",
      sprintf("(paired: median of %d rounds; kfit %.2f ms%s)", trivial_rounds, p$a,
              if (has_keras3) sprintf(", keras3 fit() on the generator %.2f ms (402-step fits)", keras3_ms) else ""))
}

# -- in-memory R matrix -----------------------------------------------------------------
if (wants("arrays")) {
  rows <- 20000L
  x <- matrix(rnorm(rows * 784L), rows, 784L)
  y <- rnorm(rows)
  mb <- length(x) * 8 / 1e6
  convert <- reticulate::import("kfit.r.convert", convert = FALSE)
  decode <- reticulate::import("kfit.r.function", convert = FALSE)$decode_record
  conversion <- stats::median(vapply(seq_len(5L), function(i) elapsed(function() {
    frame <- kfit:::encode_for_core(list(x), arrays = TRUE)
    value <- decode(reticulate::r_to_py(c(list(ok = TRUE), frame)))$value
    convert$r_to_numpy(value$items[0L])
  }), numeric(1)))
  # The cast alone, into memory the process has touched already: a fresh
  # array's first touch costs page faults, whoever converts (keras3 too).
  reticulate::py_run_string(paste(
    "import numpy as np, time",
    "def cast_alone(view):",
    "    out = np.empty(view.shape, np.float32); out[...] = view",
    "    t = time.perf_counter(); out[...] = view; return time.perf_counter() - t",
    sep = "\n"))
  cast <- stats::median(vapply(seq_len(5L), function(i) {
    reticulate::py$cast_alone(reticulate::r_to_py(x))
  }, numeric(1)))
  cat(sprintf("\n== In-memory R matrix %d x 784 (%.0f MB), every fit from a fresh model, 7 rounds\n", rows, mb))
  row("R double matrix -> core float32 array: GB/s", sprintf("%.2f", mb / 1000 / conversion),
      ">= 1", sprintf("(%.3f s; the cast into touched memory: %.3f s, %.1f GB/s)",
                      conversion, cast, mb / 1000 / cast))
  # What kfit itself adds, told apart from the noise of training: the
  # seconds each spends outside Keras' own model$fit() (measured in the same
  # runs, by a clock around the model's fit), and kfit's per-step hooks
  # (timed on their own, through Keras' callback dispatch).
  support <- reticulate::import_from_path("bench_support", path = here)
  hooks_us <- support$hooks_us_per_step(make_model(784L, 64L))
  for (case in list(list("light: Dense 64-1, 1 epoch", 64L, 1L, "<= 1.05x"),
                    list("heavy: Dense 512-512-1, 3 epochs", c(512L, 512L), 3L, "<= 1.02x"))) {
    units <- case[[2]]
    epochs <- case[[3]]
    kfit_fit(make_model(784L, units), x, y, epochs = 1, verbose = 0)
    clock <- support$FitClock()
    watched <- function() clock$watch(make_model(784L, units))
    # Both with their defaults (batch_size 32, shuffle = TRUE), as users call them.
    base <- if (has_keras3) {
      function(model) keras3_fit(model, x, y, epochs = epochs, verbose = 0)
    } else {
      function(model) model$fit(reticulate::r_to_py(x), reticulate::r_to_py(array(y)),
                                epochs = as.integer(epochs), verbose = 0L)
    }
    # seconds, with the seconds outside Keras' fit() as attribute "outside"
    timed <- function(run) {
      total <- elapsed(run)
      structure(total[[1]], outside = total[[1]] - clock$last())
    }
    p <- paired(function() timed(function() kfit_fit(watched(), x, y, epochs = epochs, verbose = 0)),
                function() timed(function() base(watched())), n = 7L)
    outside <- function(who) stats::median(vapply(p$rounds, function(r) attr(r[[who]], "outside"), numeric(1)))
    outside_a <- outside("a")
    outside_b <- outside("b")
    steps <- epochs * ceiling(rows / 32)
    own <- outside_a - outside_b + hooks_us * 1e-6 * steps
    row(sprintf("%s: kfit / %s", case[[1]], baseline_name), sprintf("%.3fx", p$ratio),
        case[[4]], sprintf("(paired: median of 7 rounds; medians %.3f s / %.3f s)", p$a, p$b))
    row("  what kfit adds: its own seconds / the baseline's fit", sprintf("%.4fx", 1 + own / p$b),
        case[[4]], sprintf("(%+.3f s: outside Keras' fit() %.3f s / %.3f s, hooks %.1f us x %d steps)",
                           own, outside_a, outside_b, hooks_us, steps))
    if (length(units) > 1L) {
      # The same paired statistic with the baseline on both sides (A/A): how
      # far this machine moves it when nothing differs.
      same <- paired(function() elapsed(function() base(make_model(784L, units))),
                     function() elapsed(function() base(make_model(784L, units))), n = 7L)
      row(sprintf("  %s / %s (A/A: what noise alone gives)", baseline_name, baseline_name),
          sprintf("%.3fx", same$ratio), "-", "(paired: median of 7 rounds)")
    }
  }
}

# -- fixed cost of a short fit --------------------------------------------------------
if (wants("fixed")) {
  pool <- bench_pool(8L, 32L, 10L)
  gen <- make_pool_generator(pool)
  data <- stacked(pool, 2L)
  kfit_fit(make_model(10L, integer(), "sgd"), gen, steps_per_epoch = 2L, verbose = 0)
  warm <- function() elapsed(function() kfit_fit(make_model(10L, integer(), "sgd"), gen,
                                                 steps_per_epoch = 2L, verbose = 0))
  base <- if (has_keras3) {
    function() elapsed(function() keras3_fit(make_model(10L, integer(), "sgd"), gen,
                                             steps_per_epoch = 2L, verbose = 0))
  } else {
    function() elapsed(function() fit_arrays(make_model(10L, integer(), "sgd"), data$x, data$y, 32L))
  }
  n <- max(9L, rounds)
  p <- paired(warm, base, n = n)
  cold <- stats::median(vapply(seq_len(rounds), function(i) elapsed(function() {
    kfit_stop_workers()
    kfit_fit(make_model(10L, integer(), "sgd"), gen, steps_per_epoch = 2L, verbose = 0)
  }), numeric(1)))
  cat(sprintf("\n== Fixed cost: a 2-step fit() with a trivial R generator (%s: %.3f s)\n",
              if (has_keras3) "keras3 fit() on the generator" else "Keras on the 64 rows in memory",
              p$b))
  row(sprintf("kfit, warm worker: seconds over %s", baseline_name),
      sprintf("%+.3f s", p$difference), "<= +0.05 s",
      sprintf("(paired: median of %d rounds; kfit %.3f s; with a new worker %.3f s)",
              n, p$a, cold))
}

# -- index dataset over workers -------------------------------------------------------
# CPU seconds the session's idle (warm) R workers have used so far.
workers_cpu <- function() {
  pids <- reticulate::import("kfit.workers.warm")$WARM$pids()
  sum(vapply(pids, function(pid) {
    stat <- tryCatch(readLines(sprintf("/proc/%d/stat", as.integer(pid)), warn = FALSE),
                     error = function(e) "")
    fields <- strsplit(sub(".*\\) ", "", stat), " ")[[1]]
    if (length(fields) < 13L) 0 else sum(as.numeric(fields[12:13])) / 100
  }, numeric(1)))
}

index_times <- function(workers, steps, ds) {
  kfit_fit(make_model(784L, 64L), ds, steps_per_epoch = 4L, verbose = 0, workers = max(workers))
  runs <- lapply(workers, function(w) {
    function() elapsed(function() kfit_fit(make_model(784L, 64L), ds, steps_per_epoch = steps,
                                           verbose = 0, workers = w))
  })
  names(runs) <- paste0("w", workers)
  medians(runs)
}

if (wants("index")) {
  steps <- 60L
  pool <- bench_pool(8L, 128L, 784L)
  passes <- calibrate_passes(pool, 20)
  ds <- make_index_dataset(pool, "cpu", passes = passes$passes)
  gen_run <- time_generator(ds, steps, index = TRUE)
  gen_alone <- gen_run[[1]]
  data <- stacked(pool, steps)
  train_run <- elapsed(function() fit_arrays(make_model(784L, 64L), data$x, data$y, 128L))
  train <- train_run[[1]]
  # The R work split over 2 plain Rscripts (batches 1, 3, 5, ... and 2, 4,
  # ...) while this session trains on the rows in memory: what the cores
  # allow 2 workers, measured.
  apart_code <- lapply(1:2, function(j) {
    list(setup = c("pool <- bench_pool(8L, 128L, 784L)",
                   sprintf('ds <- make_index_dataset(pool, "cpu", passes = %dL)', passes$passes)),
         work = sprintf("for (i in seq(%dL, %dL, by = 2L)) ds(i)", j, steps))
  })
  # How busy workers = 2 keeps the cores: the CPU seconds of this process
  # and of its two (warm) workers, over the fit's wall time and the cores.
  busy <- numeric()
  kfit_fit(make_model(784L, 64L), ds, steps_per_epoch = 4L, verbose = 0, workers = 2L)
  runs <- list(
    w1 = function() elapsed(function() kfit_fit(make_model(784L, 64L), ds, steps_per_epoch = steps,
                                                verbose = 0, workers = 1L))[[1]],
    w2 = function() {
      before <- workers_cpu()
      run <- elapsed(function() kfit_fit(make_model(784L, 64L), ds, steps_per_epoch = steps,
                                         verbose = 0, workers = 2L))
      busy <<- c(busy, (attr(run, "cpu") + workers_cpu() - before) / (run[[1]] * cores))
      run[[1]]
    },
    apart = function() {
      beside_processes(function() fit_arrays(make_model(784L, 64L), data$x, data$y, 128L),
                       apart_code)[[1]]
    })
  n <- max(5L, rounds)
  times <- in_rounds(runs, n)
  per_round <- function(name) stats::median(times[, name] / times[, "w1"])
  # What the cores allow workers = 2: the R work split over 2 workers, no
  # faster than training alone, and all the CPU seconds (R's and
  # training's) shared by the cores; as a ratio to workers = 1 as measured.
  floor_w2 <- max(gen_alone / 2, train, (attr(gen_run, "cpu") + attr(train_run, "cpu")) / cores) /
    stats::median(times[, "w1"])
  cat(sprintf("\n== Index dataset function(i), %.1f ms of R work per 128x784 batch, Dense 64-1, %d steps, on %s: generator alone %.3f s, training alone %.3f s\n",
              passes$ms, steps, machine, gen_alone, train))
  row("kfit workers = 2 / workers = 1", sprintf("%.3f", per_round("w2")),
      "<= 0.65", sprintf("(paired: median of %d rounds; on %d cores: CPU-seconds bound %.3f; the R work in 2 processes apart, training on arrays %.3f; workers = 2 keeps the %d cores %.0f%% busy)",
                         n, cores, floor_w2, per_round("apart"), cores, 100 * stats::median(busy)))
}

if (wants("scaling")) {
  steps <- 96L
  pool <- bench_pool(8L, 128L, 784L)
  passes <- calibrate_passes(pool, 20)
  ds <- make_index_dataset(pool, "cpu", passes = passes$passes)
  counts <- c(1L, 2L, 4L, 8L)
  m <- index_times(counts, steps, ds)
  cat(sprintf("\n== Workers scaling on %s: index dataset, %.1f ms of R work per batch, %d steps (seconds, speed-up over workers = 1)\n",
              machine, passes$ms, steps))
  for (w in counts) {
    row(sprintf("workers = %d", w), sprintf("%.3f s", m[[paste0("w", w)]]), "-",
        sprintf("(%.2fx)", m[["w1"]] / m[[paste0("w", w)]]))
  }
}

if (wants("gpu")) {
  tf <- tryCatch(reticulate::import("tensorflow"), error = function(e) NULL)
  gpus <- if (is.null(tf)) list() else tf$config$list_physical_devices("GPU")
  cat(sprintf("\n== GPU training on %s\n", machine))
  if (!length(gpus)) {
    row("GPU", "none", "-", "(kfit needs none: the rows above ran on the CPU)")
  } else {
    pool <- bench_pool(8L, 256L, 784L)
    gen <- make_pool_generator(pool)
    data <- stacked(pool, 200L)
    units <- c(1024L, 1024L)
    kfit_fit(make_model(784L, units), gen, steps_per_epoch = 2L, verbose = 0)
    m <- medians(list(
      arrays = function() elapsed(function() fit_arrays(make_model(784L, units), data$x, data$y, 256L)),
      kfit = function() elapsed(function() kfit_fit(make_model(784L, units), gen, steps_per_epoch = 200L,
                                                    verbose = 0))
    ))
    row(sprintf("%s: R generator / in memory, Dense 1024-1024-1, 200 steps", gpus[[1]]$name),
        sprintf("%.3fx", m[["kfit"]] / m[["arrays"]]), "-",
        sprintf("(%.3f s / %.3f s)", m[["kfit"]], m[["arrays"]]))
  }
}
kfit_stop_workers()
