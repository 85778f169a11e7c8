# A fit owns what it starts (R hosting Python, as users run it): after 50
# fits on one model with 6.4 MB batches, ended normally, by an R error and by
# Ctrl-C, no kfit stream, adapter or producer is alive in Python, no batch is
# queued, and what is left running is the last fit's warm workers (one per R
# generator: a thread each, for its output), none once they are stopped.

leaks_script <- c(
  "library(kfit)",
  "keras <- reticulate::import('keras')",
  "model <- keras$Sequential(list(keras$Input(shape = list(2000L)), keras$layers$Dense(1L)))",
  "model$compile(optimizer = 'sgd', loss = 'mse')",
  "reticulate::py_run_string('",
  "import gc, threading, time",
  "from kfit.data.keras_adapter import StreamAdapter",
  "from kfit.data.producer import StreamProducer",
  "from kfit.data.stream import BatchStream",
  "def kfit_left():",
  "    end = time.monotonic() + 30  # warm workers finish resetting (seconds when loaded)",
  "    while any(t.name.endswith(\"-reset\") for t in threading.enumerate()) and time.monotonic() < end:",
  "        time.sleep(0.05)",
  "    gc.collect()",
  "    kinds = (BatchStream, StreamAdapter, StreamProducer)",
  "    alive = [o for o in gc.get_objects() if isinstance(o, kinds)]",
  "    queued = sum(o.queued() for o in alive if isinstance(o, BatchStream))",
  "    threads = [t.name for t in threading.enumerate() if t.name.startswith(\"kfit-\")]",
  "    return [len(alive), queued, len(threads)]",
  "')",
  "py <- reticulate::py",
  "children <- function() {",
  "  stats <- Sys.glob('/proc/[0-9]*/stat')",
  "  ppid <- vapply(stats, function(f) tryCatch(strsplit(sub('.*\\\\) ', '', readLines(f, warn = FALSE)), ' ')[[1]][2], error = function(e) ''), '')",
  "  sum(ppid == as.character(Sys.getpid()))",
  "}",
  "files <- function() length(list.files(tempdir(), '^kfit-(worker|wtmp)-'))",
  "before <- c(py$kfit_left(), children(), files())",
  "batch <- function() list(matrix(0.5, 800, 2000), matrix(1, 800, 1))",  # 6.4 MB as float32
  # Ctrl-C at the second batch of epoch 2 (a Ctrl-C in epoch 1 is issue 18's)
  "seen <- 0",
  "ctrl_c <- callback_lambda(on_train_batch_begin = function(batch, logs) { seen <<- seen + 1; if (seen %% 5 == 0) tools::pskill(Sys.getpid(), tools::SIGINT) })",
  "outcomes <- c(done = 0, error = 0, interrupted = 0)",
  "for (i in 1:50) {",
  "  kind <- c('done', 'error', 'interrupt', 'session', 'validation')[(i - 1) %% 5 + 1]",
  "  n <- 0",
  "  gen <- function() { n <<- n + 1; if (kind == 'error' && n == 2) stop('broken'); batch() }",
  "  interrupted <- FALSE",
  "  result <- withCallingHandlers(tryCatch({",
  "    switch(kind,",
  "      done = fit(model, gen, steps_per_epoch = 3, verbose = 0),",
  "      error = fit(model, gen, steps_per_epoch = 3, verbose = 0),",
  "      interrupt = { seen <- 0; fit(model, gen, steps_per_epoch = 3, epochs = 2, verbose = 0, callbacks = list(ctrl_c)) },",
  "      session = fit(model, gen, steps_per_epoch = 3, verbose = 0, workers = 0),",
  "      validation = fit(model, gen, steps_per_epoch = 2, verbose = 0, validation_data = gen, validation_steps = 2))",
  "    'done'",
  "  }, kfit_training_error = function(e) 'error'),",
  "  kfit_interrupted = function(w) { interrupted <<- TRUE; invokeRestart('muffleWarning') })",
  "  if (interrupted) result <- 'interrupted'",
  "  outcomes[[result]] <- outcomes[[result]] + 1",
  "}",
  "warm <- c(py$kfit_left(), children(), files())",
  "cat('IDLE:', length(kfit:::kfit_core()$worker_pids()), '\\n')",
  "kfit_stop_workers()",
  "after <- c(py$kfit_left(), children(), files())",
  "cat('OUTCOMES:', outcomes, '\\n')",
  "cat('WARM:', warm, '\\n')",
  "cat('BEFORE:', before, '\\n')",
  "cat('AFTER:', after, '\\n')"
)

test_that("50 fits (normal end, R error, Ctrl-C) leave no stream, batch, thread, worker or file but the warm workers", {
  skip_if_no_core()
  out <- run_child(leaks_script, timeout = 600)
  info <- paste(tail(out, 20), collapse = "\n")
  expect_identical(attr(out, "status"), 0L, info = info)
  # done: 10 + 10 in the session + 10 with validation; 10 R errors; 10 Ctrl-C
  expect_identical(child_value(out, "OUTCOMES"), "30 10 10 ", info = info)
  # [streams, adapters and producers alive, queued batches, kfit threads,
  #  child processes, worker files]: none before, none after
  expect_identical(child_value(out, "BEFORE"), "0 0 0 0 0 ", info = info)
  # The last fit (with validation) leaves its two workers idle, with their
  # threads and temporary directories; 50 fits leave no more than that.
  expect_identical(child_value(out, "IDLE"), "2 ", info = info)
  expect_identical(child_value(out, "WARM"), "0 0 2 2 2 ", info = info)
  expect_identical(child_value(out, "AFTER"), "0 0 0 0 0 ", info = info)
})
