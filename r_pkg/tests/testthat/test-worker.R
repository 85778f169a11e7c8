# R generators in worker processes: the semantics users rely on.

test_that("a stateful closure yields in a worker exactly what it yields in the session", {
  skip_if_no_core()
  make_gen <- function() {
    i <- 0
    function() {
      i <<- i + 1
      x <- matrix(sin(i * seq_len(32)), 8, 4)
      list(x, rowSums(x) / 4 + i / 100)
    }
  }
  trained <- lapply(c(0, 1), function(w) {
    model <- regression_model()
    fit(model, make_gen(), steps_per_epoch = 5, epochs = 3, workers = w, verbose = 0)
    model_weights(model)
  })
  expect_identical(trained[[1]], trained[[2]])
})

# Globals of the session: found and shipped (defined at top level below).
gen_data <- matrix(cos(seq_len(400)), 100, 4)
gen_rows <- function(i) ((i - 1) * 10 + 1):(i * 10)
session_gen <- local({
  i <- 0
  function() {
    i <<- i %% 10 + 1
    rows <- gen_rows(i)
    list(gen_data[rows, ], gen_data[rows, 1] * 2)
  }
}, envir = globalenv())

test_that("a generator that refers to session globals works in a worker", {
  skip_if_no_core()
  assign("gen_data", gen_data, globalenv())
  assign("gen_rows", gen_rows, globalenv())
  environment(session_gen) <- globalenv()
  trained <- lapply(c(0, 1), function(w) {
    model <- regression_model()
    h <- fit(model, session_gen, steps_per_epoch = 10, epochs = 2, workers = w,
             verbose = 0)
    expect_length(h$metrics$loss, 2L)
    model_weights(model)
  })
  expect_identical(trained[[1]], trained[[2]])
  rm("gen_data", "gen_rows", envir = globalenv())
})

test_that("worker_globals and worker_packages reach the workers", {
  skip_if_no_core()
  hidden <- new.env()
  local_value <- 3
  gen <- function() {
    scale_by <- get("scale_by") # not detectable: found only at run time
    x <- matrix(tools::toTitleCase("a") == "A", 4, 4) * scale_by
    list(x, rowSums(x))
  }
  scale_by <- 2
  h <- fit(regression_model(), gen, steps_per_epoch = 2, epochs = 1, verbose = 0,
           worker_globals = "scale_by", worker_packages = "tools")
  expect_length(h$metrics$loss, 1L)
  expect_error(
    fit(regression_model(), gen, steps_per_epoch = 2, verbose = 0,
        worker_globals = "no_such_object"),
    class = "kfit_value_error"
  )
})

test_that("workers = 2 with function(i) trains every index once per epoch, in order", {
  skip_if_no_core()
  data <- matrix(sin(seq_len(4 * 80)), 80, 4)
  batch <- function(i) {
    rows <- ((i - 1) * 8 + 1):(i * 8)
    list(data[rows, ], data[rows, 2] + i)
  }
  seen <- integer()
  recording <- function(i) {
    seen <<- c(seen, i)
    batch(i)
  }
  reference <- regression_model()
  fit(reference, recording, steps_per_epoch = 10, epochs = 3, workers = 0, verbose = 0)
  expect_identical(seen, rep(1:10, 3))
  parallel <- regression_model()
  h <- fit(parallel, batch, steps_per_epoch = 10, epochs = 3, workers = 2, verbose = 0)
  expect_length(h$metrics$loss, 3L)
  expect_identical(model_weights(parallel), model_weights(reference))
})

test_that("a zero-argument generator with workers > 1 is an error with a hint", {
  skip_if_no_core()
  gen <- function() list(matrix(0, 2, 4), c(0, 0))
  expect_snapshot(
    fit(regression_model(), gen, steps_per_epoch = 2, workers = 2, verbose = 0),
    error = TRUE
  )
  expect_error(fit(regression_model(), function(i) list(matrix(0, 2, 4), c(0, 0)),
                   workers = 2, verbose = 0),
               class = "kfit_value_error")
})

test_that("set.seed() before fit() makes runs with workers identical", {
  skip_if_no_core()
  gen <- function() {
    x <- matrix(rnorm(32), 8, 4)
    list(x, rowSums(x))
  }
  runs <- lapply(1:2, function(k) {
    set.seed(42)
    model <- regression_model()
    fit(model, gen, steps_per_epoch = 4, epochs = 2, verbose = 0)
    model_weights(model)
  })
  expect_identical(runs[[1]], runs[[2]])
  set.seed(43)
  other <- regression_model()
  fit(other, gen, steps_per_epoch = 4, epochs = 2, verbose = 0)
  expect_false(identical(model_weights(other), runs[[1]]))
})

test_that("an R error in a worker names epoch and step and keeps the history", {
  skip_if_no_core()
  gen <- local({
    i <- 0
    function() {
      i <<- i + 1
      if (i == 8) stop("the data source is gone")
      list(matrix(i, 4, 4), rep(1, 4))
    }
  })
  err <- expect_error(
    fit(regression_model(), gen, steps_per_epoch = 3, epochs = 5, verbose = 0),
    class = "kfit_training_error"
  )
  expect_match(conditionMessage(err), "the data source is gone")
  expect_match(conditionMessage(err), "epoch 3, step 2")
  expect_identical(err$epoch, 3L)
  expect_identical(err$step, 2L)
  expect_s3_class(err$history, "keras_training_history")
  expect_length(err$history$metrics$loss, 2L)
  expect_identical(last_history(), err$history)
})

test_that("a worker that dies gives a worker error naming it, with the history", {
  skip_if_no_core()
  gen <- local({
    i <- 0
    function() {
      i <<- i + 1
      if (i == 7) tools::pskill(Sys.getpid(), tools::SIGKILL)
      list(matrix(i, 4, 4), rep(1, 4))
    }
  })
  err <- expect_error(
    fit(regression_model(), gen, steps_per_epoch = 3, epochs = 5, verbose = 0),
    class = "kfit_worker_error"
  )
  expect_s3_class(err, "kfit_training_error")
  expect_match(conditionMessage(err), "R worker 1 \\(pid [0-9]+\\)")
  expect_match(conditionMessage(err), "killed by signal 9 \\(SIGKILL\\)")
  expect_identical(err$worker, 1L)
  expect_identical(err$exit, "killed by signal 9 (SIGKILL)")
  expect_length(err$history$metrics$loss, 2L)
  # The session goes on: training works again.
  h <- fit(regression_model(), function() list(matrix(1, 4, 4), rep(1, 4)),
           steps_per_epoch = 2, verbose = 0)
  expect_length(h$metrics$loss, 1L)
})

# The session dies (SIGKILL: an OOM kill, RStudio's "Terminate R") while its
# worker is inside user code that does not touch kfit's socket: the worker
# must not outlive it.
orphan_script <- function(work, dir) c(
  "library(kfit)",
  "keras <- reticulate::import('keras')",
  "model <- keras$Sequential(list(keras$Input(shape = list(2L)), keras$layers$Dense(1L)))",
  "model$compile(optimizer = 'sgd', loss = 'mse')",
  sprintf("dir <- %s", deparse(dir)),
  "writeLines(as.character(Sys.getpid()), file.path(dir, 'session'))",
  "n <- 0",
  "gen <- function() {",
  "  n <<- n + 1",
  "  if (n == 2) {",  # the first batch was peeked: now the worker is busy
  "    writeLines(as.character(Sys.getpid()), file.path(dir, 'worker'))",
  work,
  "  }",
  "  list(matrix(1, 4, 2), matrix(1, 4, 1))",
  "}",
  "fit(model, gen, steps_per_epoch = 10, verbose = 0)"
)

orphan_works <- c(
  sleep = "    Sys.sleep(600)",
  busy = "    repeat { x <- sum(runif(1e5)) }",
  fifo = paste0("    f <- file.path(dir, 'fifo'); system2('mkfifo', f); ",
                "readLines(file(f, 'r'))")
)

test_that("a killed session takes its busy worker with it within 2 s (sleep, busy loop, blocked read; 5 rounds)", {
  skip_if_no_core()
  skip_on_os(c("windows", "mac"))  # Linux's parent-death signal
  for (round in 1:5) {
    runs <- lapply(names(orphan_works), function(kind) {
      dir <- tempfile("kfit-orphan-")
      dir.create(dir)
      list(kind = kind, dir = dir,
           child = start_child(orphan_script(orphan_works[[kind]], dir), timeout = 300))
    })
    for (run in runs) {
      worker_file <- file.path(run$dir, "worker")
      for (i in 1:600) if (file.exists(worker_file)) break else Sys.sleep(0.1)
      info <- paste(round, run$kind)
      expect_true(file.exists(worker_file), info = info)
      session <- readLines(file.path(run$dir, "session"))
      worker <- readLines(worker_file)
      expect_true(process_alive(worker), info = info)
      tools::pskill(as.integer(session), tools::SIGKILL)
      Sys.sleep(2)
      expect_false(process_alive(worker), info = info)
      if (process_alive(worker)) tools::pskill(as.integer(worker), tools::SIGKILL)
      finish_child(run$child)
      unlink(run$dir, recursive = TRUE)
    }
  }
})

# What a worker gets a copy of but cannot use: refused before any worker
# starts, naming the object and where it was found; workers = 0 trains.
test_that("captured connections, Python objects and external pointers are refused, named", {
  skip_if_no_core()
  path <- withr::local_tempfile()
  writeLines(rep("1,2,3,4,5", 400), path)
  con <- file(path, "r")
  on.exit(close(con), add = TRUE)
  np <- reticulate::import("numpy")
  pointer <- methods::new("externalptr")
  holder <- new.env()
  holder$settings <- list(rows = 8, source = con)
  batch <- function() list(matrix(0.5, 8, 4), rep(1, 8))
  cases <- list(
    connection = list(
      gen = local({ c <- con; function() {
        v <- scan(c, what = numeric(), sep = ",", nlines = 8, quiet = TRUE)
        x <- matrix(v, ncol = 5, byrow = TRUE)
        list(x[, 1:4], x[, 5])
      } }),
      name = "`c` (in its environment): a connection"),
    python = list(
      gen = local({ numpy <- np; function() { numpy$sqrt(4); batch() } }),
      name = "`numpy` (in its environment): a Python object (python.builtin.module)"),
    pointer = list(
      gen = local({ p <- pointer; function() { force(p); batch() } }),
      name = "`p` (in its environment): an external pointer"),
    nested = list(
      gen = local({ env <- holder; function() { env$settings$rows; batch() } }),
      name = "`env$settings$source` (in its environment): a connection")
  )
  for (kind in names(cases)) {
    case <- cases[[kind]]
    model <- regression_model()
    started <- Sys.time()
    e <- tryCatch(fit(model, case$gen, steps_per_epoch = 3, verbose = 0),
                  error = identity)
    expect_lt(as.numeric(Sys.time() - started, units = "secs"), 5)
    expect_s3_class(e, "kfit_worker_capture_error")
    expect_s3_class(e, "kfit_worker_error")
    msg <- gsub("\\s+", " ", conditionMessage(e))
    expect_match(msg, paste("The R generator `x` captures", case$name), fixed = TRUE,
                 info = kind)
    expect_match(msg, "`workers = 0`", fixed = TRUE, info = kind)
    h <- fit(model, case$gen, steps_per_epoch = 3, verbose = 0, workers = 0)
    expect_length(h$metrics$loss, 1L)
  }
})

test_that("a generator that uses a package starting Python says so once, with the cost", {
  skip_if_no_core()
  # reticulate:: is referred to, not called: the warning comes from what the
  # worker would load, before it runs
  gen <- function() {
    if (FALSE) reticulate::py_available()
    list(matrix(0.5, 8, 4), rep(1, 8))
  }
  warnings <- list()
  h <- withCallingHandlers(
    fit(regression_model(), gen, steps_per_epoch = 2, verbose = 0),
    kfit_warning = function(w) {
      warnings[[length(warnings) + 1L]] <<- w
      invokeRestart("muffleWarning")
    })
  expect_length(h$metrics$loss, 1L)
  expect_length(warnings, 1L)
  expect_match(conditionMessage(warnings[[1]]),
               "The R generator `x` uses reticulate: each of its 1 worker process loads it",
               fixed = TRUE)
  expect_match(conditionMessage(warnings[[1]]), "about 5 s per worker", fixed = TRUE)
  # in the session (workers = 0) nothing is loaded anew: no warning
  expect_no_warning(fit(regression_model(), gen, steps_per_epoch = 2, verbose = 0,
                        workers = 0))
})

test_that("a worker's messages reach the session's message stream, a line each, after the bar's line", {
  skip_if_no_core()
  n <- 0
  gen <- function() {
    n <<- n + 1
    if (n %% 4 == 0) message("made batch ", n)
    x <- matrix(runif(32 * 4), 32, 4)
    list(x, rowSums(x))
  }
  # Both streams into one file, as a terminal shows them.
  out <- withr::local_tempfile()
  con <- file(out, open = "wt")
  sink(con)
  sink(con, type = "message")
  h <- tryCatch(fit(regression_model(), gen, steps_per_epoch = 10, epochs = 2, verbose = 1),
                finally = { sink(type = "message"); sink(); close(con) })
  expect_identical(h$params$epochs, 2L)
  lines <- readLines(out)
  said <- grep("made batch", lines, value = TRUE)
  # the 20 batches trained and none more: the fit reads 20 and asks for no more
  numbers <- as.integer(sub(".* ", "", said))
  expect_identical(numbers, c(4L, 8L, 12L, 16L, 20L))
  expect_match(said, "^\\[kfit worker 1\\] made batch [0-9]+$")
  expect_true("Epoch 2/2" %in% lines)
})

test_that("a worker stops a group of batches at a RESET or a STOP that came meanwhile", {
  ends <- kfit:::worker_ends
  expect_identical(ends(list()), NA)
  expect_identical(ends(list(c(1L, 5L), c(2L, 3L))), NA)  # NEXT, INDEX: go on
  expect_true(ends(list(c(1L, 5L), c(4L, 0L))))            # RESET: the fit is over
  expect_false(ends(list(c(4L, 0L), c(0L, 0L))))           # RESET, then STOP
  expect_false(ends(list(c(0L, 0L))))                      # STOP
  expect_false(ends(list(NULL)))                           # the socket closed
})
