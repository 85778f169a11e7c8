# Training from R generators, R-hosted (R embeds Python through
# reticulate): the R twin of bench/r_generator.py, with the same workloads
# (bench/r_workloads.R), the same timing callback and Keras baselines
# (bench/bench_support.py) and the same tables. See r_generator.py for what
# each section measures. Here kfit is the R package (`kfit::fit()`), Keras
# is reticulate::import("keras").
#
# Runs in either R world (see the Makefile): Debian's reticulate 1.28, or
# the "cran" world (reticulate >= 1.39 and keras3). A fourth section (here
# only, every world) times the start-up of a worker whose generator holds a
# 1 GiB matrix, and the worker's peak memory. In the cran world a fifth
# section compares R callbacks: keras3::callback_lambda() on every batch,
# trained by kfit's fit() and by keras3's own fit().
#
#   Rscript bench/r_generator.R [--repeats 3] [--steps 150] [--index-steps 100]
#     [--batch-steps 2000] [--callback-batches 60]
#     [--only overlap|workers|per-batch|startup|callbacks]

options(warn = 1, error = function() { traceback(3); q(status = 1) })
argv <- commandArgs(trailingOnly = TRUE)
option <- function(name, default) {
  at <- match(paste0("--", name), argv)
  if (is.na(at)) return(default)
  value <- argv[[at + 1L]]
  if (is.numeric(default)) as.integer(value) else value
}
repeats <- option("repeats", 3L)
steps <- option("steps", 150L)
index_steps <- option("index-steps", 100L)
batch_steps <- option("batch-steps", 2000L)
callback_batches <- option("callback-batches", 60L)
only <- option("only", "")
wants <- function(section) !nzchar(only) || identical(only, section)

file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
here <- if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg[[1]]))) else "bench"
source(file.path(here, "r_workloads.R"))

suppressPackageStartupMessages(library(kfit))
keras <- reticulate::import("keras")
np <- reticulate::import("numpy", convert = FALSE)
sup <- reticulate::import_from_path("bench_support", path = here, convert = FALSE)
num <- function(x) reticulate::py_to_r(x)
item <- function(x, i) reticulate::py_get_item(x, as.integer(i)) # 0-based

ROWS <- 128L
COLS <- 784L
POOL <- 8L
# (Without loading keras3: its namespace registers its own fit() method for
# Keras models over kfit's, see section 4.)
world <- if (utils::packageVersion("reticulate") >= "1.39" &&
               nzchar(system.file(package = "keras3"))) "cran" else "debian"
started <- proc.time()[["elapsed"]]
load_average <- function() {
  tryCatch(as.numeric(strsplit(readLines("/proc/loadavg"), " ")[[1]][1]), error = function(e) NA)
}

cat(sprintf(paste0("R-hosted, world \"%s\": %s, reticulate %s, Python %s, keras %s, numpy %s; ",
                   "%d cores, load average %.2f\n"),
            world, R.version.string, utils::packageVersion("reticulate"),
            reticulate::py_config()$version, keras$`__version__`,
            num(np$`__version__`), parallel::detectCores(), load_average()))

# kfit's fit() for the keras model; sections 1-3 run before keras3 is loaded,
# so kfit::fit() dispatches to kfit's own method there.
kfit_run <- function(model, gen, n, workers) {
  timer <- sup$Timer()
  timer$mark()
  kfit::fit(model, gen, steps_per_epoch = as.integer(n), epochs = 1L, verbose = 0L,
            workers = as.integer(workers), callbacks = list(timer), view_metrics = FALSE)
  timer
}
trained <- function(timer, from = 0L) num(timer$trained(as.integer(from)))
startup <- function(timer) num(timer$startup())
train_alone <- function(model, data, n) {
  sup$train_alone(model, item(data, 0), item(data, 1), ROWS, as.integer(n))
}
gen_alone <- function(gen, n, index = FALSE) time_generator(gen, n, index)
numpy_data <- function(pool, n) {
  batches <- sup$as_batches(pool)
  sup$tiled(item(batches, 0), item(batches, 1), as.integer(n))
}
rotated <- function(variants, round) {
  n <- length(variants)
  variants[(seq_len(n) + round - 2L) %% n + 1L]
}
run_round <- function(variants, round) {
  out <- list()
  for (name in names(rotated(variants, round))) out[[name]] <- variants[[name]]()
  out
}
table_start <- function(columns) {
  cat("round", sprintf("%10s", columns), "\n")
  data.frame()
}
table_add <- function(table, row) {
  cat(sprintf("%5d", nrow(table) + 1L), sprintf("%10.3f", unlist(row)), "\n")
  flush.console()
  rbind(table, as.data.frame(row, check.names = FALSE))
}
med <- function(table, column) stats::median(table[[column]])

model <- sup$dense_model(COLS, list(512L, 512L))
sleep_pool <- bench_pool(POOL, ROWS, COLS, seed = 1L)

# -- 1. overlap ---------------------------------------------------------------
overlap <- function(label, target, gen, train_pool) {
  data <- numpy_data(train_pool, steps)
  half <- steps %/% 2L
  train_alone(model, data, 10L)
  kfit_run(model, gen, 10L, 1L)
  kfit_run(model, gen, 10L, 0L)
  gen_alone(gen, 10L)
  cat(sprintf("\n== Overlap: %s; %dx%d batches, Dense 512-512-1, %d steps (seconds; training from batch 0 on)\n",
              label, ROWS, COLS, steps))
  table <- table_start(c("gen_alone", "train_alone", "kfit_w1", "serial_w0", "ratio",
                         "serial_rat", "steady_rat", "startup_w1", "startup_w0"))
  for (round in seq_len(repeats)) {
    variants <- list(
      gen = function() gen_alone(gen, steps),
      train = function() train_alone(model, data, steps),
      w1 = function() kfit_run(model, gen, steps, 1L),
      w0 = function() kfit_run(model, gen, steps, 0L)
    )
    got <- run_round(variants, round)
    base <- max(got$gen, trained(got$train))
    steady_base <- max(got$gen * (steps - half) / steps, trained(got$train, half))
    row <- list(
      gen_alone = got$gen, train_alone = trained(got$train),
      kfit_w1 = trained(got$w1), serial_w0 = trained(got$w0),
      ratio = trained(got$w1) / base, serial_rat = trained(got$w0) / base,
      steady_rat = trained(got$w1, half) / steady_base,
      startup_w1 = startup(got$w1), startup_w0 = startup(got$w0)
    )
    table <- table_add(table, row)
  }
  cat(sprintf("median: gen_alone %.3f s, train_alone %.3f s, kfit_w1 %.3f s, serial_w0 %.3f s; start-up w1 %.3f s, w0 %.3f s\n",
              med(table, "gen_alone"), med(table, "train_alone"), med(table, "kfit_w1"),
              med(table, "serial_w0"), med(table, "startup_w1"), med(table, "startup_w0")))
  cat(sprintf("ratio = kfit / max(gen alone, training alone) = %.3f (target <= %.2f); steady (last %d steps) %.3f\n",
              med(table, "ratio"), target, steps - half, med(table, "steady_rat")))
  cat(sprintf("serial_ratio = serial / max(gen alone, training alone) = %.3f (about 1.6 expected)\n",
              med(table, "serial_rat")))
}

if (wants("overlap")) {
  cal <- calibrate_cpu(ROWS, COLS, 10)
  cat(sprintf("calibration: CPU generator = rnorm() %.2f ms + %d passes x %.3f ms = %.2f ms per batch (target 10 ms)\n",
              cal$base_ms, cal$passes, cal$per_pass_ms, cal$ms))
  sleep_gen <- make_sleep_generator(sleep_pool, 0.01)
  cpu_gen <- make_cpu_generator(ROWS, COLS, cal$passes)
  cpu_pool <- lapply(seq_len(POOL), function(i) cpu_gen())
  overlap("R generator that sleeps 10 ms (I/O-like)", 1.05, sleep_gen, sleep_pool)
  overlap("R generator that computes ~10 ms (CPU-bound)", 1.20, cpu_gen, cpu_pool)
}

# -- 2. workers = 2 -------------------------------------------------------------
if (wants("workers")) {
  data60 <- numpy_data(sleep_pool, 60L)
  train_alone(model, data60, 10L)
  step_ms <- stats::median(vapply(1:3, function(r) {
    trained(train_alone(model, data60, 60L)) / 60 * 1000
  }, numeric(1)))
  work_ms <- 2 * step_ms
  cal <- calibrate_passes(sleep_pool, work_ms)
  cat(sprintf("\n== workers = 2: index dataset function(i), R work ~2x the training step (%.1f ms): %.1f ms; %d steps\n",
              step_ms, work_ms, index_steps))
  cat(sprintf("calibration (CPU work): batch from the pool %.2f ms + %d passes x %.3f ms = %.2f ms per batch\n",
              cal$base_ms, cal$passes, cal$per_pass_ms, cal$ms))
  datasets <- list(
    sleep = make_index_dataset(sleep_pool, "sleep", seconds = work_ms / 1000),
    cpu = make_index_dataset(sleep_pool, "cpu", passes = cal$passes)
  )
  data <- numpy_data(sleep_pool, index_steps)
  half <- index_steps %/% 2L
  for (kind in names(datasets)) {
    ds <- datasets[[kind]]
    train_alone(model, data, 10L)
    kfit_run(model, ds, 10L, 1L)
    kfit_run(model, ds, 10L, 2L)
    cat(sprintf("-- R work that %s\n", if (kind == "sleep") "sleeps" else "computes"))
    table <- table_start(c("gen_alone", "train_alone", "kfit_w1", "kfit_w2", "w2/w1",
                           "steady", "startup_w1", "startup_w2", "floor/w1"))
    for (round in seq_len(repeats)) {
      got <- run_round(list(
        gen = function() gen_alone(ds, index_steps, index = TRUE),
        train = function() train_alone(model, data, index_steps),
        w1 = function() kfit_run(model, ds, index_steps, 1L),
        w2 = function() kfit_run(model, ds, index_steps, 2L)
      ), round)
      table <- table_add(table, list(
        gen_alone = as.numeric(got$gen), train_alone = trained(got$train),
        kfit_w1 = trained(got$w1), kfit_w2 = trained(got$w2),
        `w2/w1` = trained(got$w2) / trained(got$w1),
        steady = trained(got$w2, half) / trained(got$w1, half),
        startup_w1 = startup(got$w1), startup_w2 = startup(got$w2),
        `floor/w1` = num(sup$cores_floor(trained(got$train), num(got$train$trained_cpu()),
                                         got$gen, attr(got$gen, "cpu"), 2L)) /
          trained(got$w1)
      ))
    }
    ideal <- max(med(table, "train_alone"), med(table, "gen_alone") / 2) / med(table, "gen_alone")
    cat(sprintf("%s: t(workers=2) / t(workers=1) = %.3f (target <= 0.65); steady (last %d steps) %.3f; ideal max(train, gen/2) / gen = %.3f; floor on %d cores %.3f\n",
                kind, med(table, "w2/w1"), index_steps - half, med(table, "steady"), ideal,
                parallel::detectCores(), med(table, "floor/w1")))
  }
}

# -- 3. per-batch cost ------------------------------------------------------------
if (wants("per-batch")) {
  small_pool <- bench_pool(POOL, 32L, 10L, seed = 3L)
  small <- sup$as_batches(small_pool)
  gen <- make_pool_generator(small_pool)
  small_model <- sup$dense_model(10L, list())
  dataset <- sup$generator_dataset(item(small, 0), item(small, 1))
  sup$train_from_generator(small_model, dataset, 20L)
  kfit_run(small_model, gen, 20L, 1L)
  cat(sprintf("\n== Per-batch cost: trivial R generator (32x10 from a pool), Dense 10-1, %d steps (microseconds per step, from batch 0 on)\n",
              batch_steps))
  table <- table_start(c("keras_gen", "kfit_w1", "ratio", "startup_w1"))
  for (round in seq_len(repeats)) {
    variants <- list(
      keras = function() sup$train_from_generator(small_model, dataset, batch_steps),
      kfit = function() kfit_run(small_model, gen, batch_steps, 1L)
    )
    got <- run_round(variants, round)
    k <- trained(got$keras)
    f <- trained(got$kfit)
    row <- list(keras_gen = k / batch_steps * 1e6, kfit_w1 = f / batch_steps * 1e6,
                ratio = f / k, startup_w1 = startup(got$kfit))
    table <- table_add(table, row)
  }
  cat(sprintf("per-batch ratio = kfit / keras from_generator = %.3f (target <= 1.3); %.1f us per batch above Keras\n",
              med(table, "ratio"), med(table, "kfit_w1") - med(table, "keras_gen")))
}

# -- 4. start-up and memory of a worker whose generator holds 1 GiB ---------------
# The generator captures a 1 GiB matrix (2^20 x 128 doubles), copied into its
# worker with the closure: the payload is serialized once (timed alone
# here), the worker reads it, then makes the first batch. Against the same
# generator over 1024 rows: the time from fit() to the begin of batch 0, and
# the peak resident memory (VmHWM) the worker reports at its first call.
if (wants("startup")) {
  big_generator <- function(rows, mem_file) {
    data <- matrix(runif(rows * 128), rows, 128L)
    targets <- runif(rows)
    first <- TRUE
    function() {
      if (first) {
        first <<- FALSE
        writeLines(grep("^VmHWM", readLines("/proc/self/status"), value = TRUE), mem_file)
      }
      i <- sample.int(rows, 128L)
      list(data[i, , drop = FALSE], targets[i])
    }
  }
  peak_mb <- function(mem_file) {
    as.numeric(gsub("[^0-9]", "", readLines(mem_file))) / 1024
  }
  model128 <- sup$dense_model(128L, list(64L))
  cat("\n== Start-up of a worker whose generator holds a 1 GiB matrix (2^20 x 128 doubles), against 1024 rows; 20 steps of 128\n")
  table <- table_start(c("startup_1GB", "startup_small", "extra_s", "serialize_s",
                         "worker_MB_1GB", "worker_MB_sm"))
  for (round in seq_len(repeats)) {
    got <- list()
    for (rows in c(2^20, 1024)) {
      mem_file <- tempfile()
      gen <- big_generator(rows, mem_file)
      kfit::kfit_stop_workers()  # a new worker each time: its start-up and peak memory
      timer <- kfit_run(model128, gen, 20L, 1L)
      got[[as.character(rows)]] <- list(startup = startup(timer), mb = peak_mb(mem_file))
      if (rows > 1024) {
        serialize_s <- system.time({
          plan <- kfit:::worker_prepare(gen, 1L)
        })[["elapsed"]]
        unlink(plan$path)
      }
      rm(gen)
      invisible(gc())
    }
    big <- got[[as.character(2^20)]]
    small <- got[["1024"]]
    table <- table_add(table, list(
      startup_1GB = big$startup, startup_small = small$startup,
      extra_s = big$startup - small$startup, serialize_s = serialize_s,
      worker_MB_1GB = big$mb, worker_MB_sm = small$mb
    ))
  }
  cat(sprintf("a 1 GiB closure starts %.1f s later (%.1f s of it serializing in the session); the worker peaks at %.0f MB (%.0f MB with 1024 rows)\n",
              med(table, "extra_s"), med(table, "serialize_s"),
              med(table, "worker_MB_1GB"), med(table, "worker_MB_sm")))
}

# -- 5. R callbacks: kfit's fit() against keras3's own -------------------------------
if (wants("callbacks")) {
  if (world != "cran") {
    cat("\n== R callbacks: skipped (keras3 needs the cran world: reticulate >= 1.42 and keras3)\n")
  } else {
    before <- utils::getS3method("fit", "keras.src.models.model.Model")
    fit_kfit <- utils::getFromNamespace("fit.keras.src.models.model.Model", "kfit")
    fit_keras3 <- utils::getFromNamespace("fit.keras.src.models.model.Model", "keras3")
    m3 <- keras3::keras_model_sequential(input_shape = 10L)
    keras3::layer_dense(m3, 16L, activation = "relu")
    keras3::layer_dense(m3, 1L)
    m3$compile(optimizer = "adam", loss = "mse")
    # Which method does kfit::fit() reach, before and after keras3 is loaded?
    whose <- function(method) {
      if (identical(method, fit_kfit)) "kfit's" else if (identical(method, fit_keras3)) "keras3's" else "another"
    }
    reached <- sprintf("%s before keras3 was loaded, %s after",
                       whose(before), whose(utils::getS3method("fit", "keras.src.models.model.Model")))
    set.seed(5)
    n <- callback_batches * 32L
    x <- matrix(rnorm(n * 10L), n, 10L)
    y <- rnorm(n)
    cb <- keras3::callback_lambda(on_train_batch_end = function(batch, logs) NULL)
    run_fit <- function(f, callbacks) {
      t0 <- proc.time()[["elapsed"]]
      f(m3, x, y, batch_size = 32L, epochs = 1L, verbose = 0L, callbacks = callbacks,
        view_metrics = FALSE)
      proc.time()[["elapsed"]] - t0
    }
    for (f in list(fit_keras3, fit_kfit)) {
      run_fit(f, list(cb))
      run_fit(f, NULL)
    }
    cat(sprintf("\n== R callbacks: keras3 model (Dense 16-1), %d batches of 32, keras3::callback_lambda(on_train_batch_end = function(batch, logs) NULL)\n",
                callback_batches))
    cat(sprintf("(kfit::fit() on a Keras model reaches %s method: %s; so both are called here as their own methods)\n",
                "the registered", reached))
    table <- table_start(c("keras3_cb", "kfit_cb", "ratio", "keras3_nocb", "kfit_nocb",
                           "ratio_nocb"))
    for (round in seq_len(max(repeats, 7L))) {
      got <- run_round(list(
        keras3_cb = function() run_fit(fit_keras3, list(cb)),
        kfit_cb = function() run_fit(fit_kfit, list(cb)),
        keras3_nocb = function() run_fit(fit_keras3, NULL),
        kfit_nocb = function() run_fit(fit_kfit, NULL)
      ), round)
      table <- table_add(table, list(
        keras3_cb = got$keras3_cb, kfit_cb = got$kfit_cb,
        ratio = got$kfit_cb / got$keras3_cb, keras3_nocb = got$keras3_nocb,
        kfit_nocb = got$kfit_nocb, ratio_nocb = got$kfit_nocb / got$keras3_nocb
      ))
    }
    cat(sprintf("callback ratio = kfit / keras3 (whole fit() with the R callback) = %.3f (target <= 1.1); without the callback %.3f\n",
                med(table, "ratio"), med(table, "ratio_nocb")))
    cat(sprintf("the R callback costs %.0f us per batch in kfit, %.0f us in keras3\n",
                (med(table, "kfit_cb") - med(table, "kfit_nocb")) / callback_batches * 1e6,
                (med(table, "keras3_cb") - med(table, "keras3_nocb")) / callback_batches * 1e6))
  }
}

cat(sprintf("\n(done in %.0f s; load average now %.2f)\n",
            proc.time()[["elapsed"]] - started, load_average()))
