test_that("Ctrl-C still interrupts R code after library(kfit) and a fit()", {
  skip_if_no_core()
  skip_on_os("windows") # SIGINT is a POSIX signal
  script <- withr::local_tempfile(fileext = ".R")
  ready <- withr::local_tempfile()
  output <- withr::local_tempfile()
  writeLines(c(
    "library(kfit)",
    "keras <- reticulate::import('keras')",
    "model <- keras$Sequential(list(keras$Input(shape = list(4L)), keras$layers$Dense(3L)))",
    "model$compile(optimizer = 'adam', loss = 'mse')",
    "h <- fit(model, as.matrix(iris[1:4]), matrix(0, 150, 3), epochs = 1, verbose = 0)",
    "file.create(commandArgs(TRUE)[1])",
    "t0 <- Sys.time()",
    "res <- tryCatch({",
    "  repeat if (difftime(Sys.time(), t0, units = 'secs') > 30) break",
    "  'not interrupted'",
    "}, interrupt = function(e) 'interrupted')",
    "cat('RESULT:', res, '\\n')"
  ), script)
  rscript <- file.path(R.home("bin"), "Rscript")
  # The signal comes from outside, as from a terminal's Ctrl-C.
  command <- paste(
    paste0("R_LIBS=", shQuote(paste(.libPaths(), collapse = ":"))), shQuote(rscript), shQuote(script), shQuote(ready), ">", shQuote(output), "2>&1 &",
    "pid=$!; for i in $(seq 600); do [ -f", shQuote(ready), "] && break; sleep 0.1; done;",
    "sleep 0.5; kill -INT $pid; wait $pid"
  )
  system2("bash", c("-c", shQuote(command)))
  expect_match(readLines(output), "^RESULT: interrupted", all = FALSE)
})

# Ctrl-C during training: a real SIGINT from outside to a child Rscript.
interrupt_script <- c(
  "library(kfit)",
  "args <- commandArgs(TRUE); ready <- args[[1]]; mode <- args[[2]]",
  "keras <- reticulate::import('keras')",
  "threading <- reticulate::import('threading')",
  "model <- keras$Sequential(list(keras$Input(shape = list(20L)), keras$layers$Dense(16L), keras$layers$Dense(1L)))",
  "model$compile(optimizer = 'adam', loss = 'mse')",
  "gen <- function() { x <- matrix(runif(64 * 20), 64, 20); list(x, rowSums(x)) }",
  "slow_val <- function() { Sys.sleep(0.05); gen() }",
  "epoch <- 0L",
  # When the signal comes: `ready` tells the shell (which waits 0.2 s more).
  "cb <- callback_lambda(",
  "  on_epoch_begin = function(e, logs) epoch <<- e,",
  "  on_epoch_end = function(e, logs) if (e == 1L && mode %in% c('arrays', 'generator')) file.create(ready),",
  "  on_batch_end = function(b, logs) {",
  "    if (mode == 'validation' && epoch == 2L && b == 20L) file.create(ready)",
  "    if (mode == 'first_epoch' && b == 5L) file.create(ready)",
  "    if (mode == 'first_validation' && b == 20L) file.create(ready)",
  "  })",
  "if (mode == 'startup') file.create(ready)  # during the worker's start-up",
  "threads_before <- threading$active_count()",
  "warned <- FALSE",
  "h <- withCallingHandlers(",
  "  switch(mode,",
  "    arrays = fit(model, matrix(runif(2e5), 1e4, 20), runif(1e4), epochs = 1000, verbose = 0, callbacks = list(cb)),",
  "    validation = , first_validation = fit(model, gen, steps_per_epoch = 20, epochs = 1000, verbose = 0,",
  "      callbacks = list(cb), validation_data = slow_val, validation_steps = 40),",
  # an endless generator without steps_per_epoch: epoch 1 never ends
  "    first_epoch = fit(model, gen, epochs = 3, verbose = 0, callbacks = list(cb)),",
  "    fit(model, gen, steps_per_epoch = 20, epochs = 1000, verbose = 0, callbacks = list(cb))),",
  "  kfit_interrupted = function(w) { warned <<- TRUE; invokeRestart('muffleWarning') })",
  "cat('RETURNED:', format(as.numeric(Sys.time()), digits = 15), '\\n')",
  "cat('WARNED:', warned, '\\n')",
  "cat('EPOCHS:', length(h$metrics$loss), '\\n')",
  "cat('FINITE:', all(is.finite(h$metrics$loss)), '\\n')",
  "cat('LAST:', identical(last_history(), h), '\\n')",
  "Sys.sleep(0.3)",
  "ppid <- function(f) { s <- tryCatch(readLines(f, warn = FALSE), error = function(e) ''); if (!length(s) || !nzchar(s[1])) return(NA); strsplit(sub('.*\\\\) ', '', s[1]), ' ')[[1]][2] }",
  "kids <- Filter(function(f) identical(ppid(f), as.character(Sys.getpid())), Sys.glob('/proc/[0-9]*/stat'))",
  "cat('CHILDREN:', length(kids), '\\n')",
  "cat('THREADS:', threading$active_count() - threads_before, '\\n')",
  "h2 <- fit(model, gen, steps_per_epoch = 3, epochs = 2, verbose = 0)",
  "cat('AGAIN:', length(h2$metrics$loss), '\\n')"
)

interrupt_child <- function(mode, signals = 1L) {
  script <- tempfile(fileext = ".R")
  ready <- tempfile()
  output <- tempfile()
  killed <- tempfile()
  on.exit(unlink(c(script, ready, output, killed)), add = TRUE)
  writeLines(interrupt_script, script)
  second <- if (signals > 1L) "sleep 0.001; kill -INT $pid;" else ""
  command <- paste(
    paste0("R_LIBS=", shQuote(paste(.libPaths(), collapse = ":"))),
    shQuote(file.path(R.home("bin"), "Rscript")), shQuote(script), shQuote(ready),
    mode, ">", shQuote(output), "2>&1 &",
    "pid=$!; for i in $(seq 1200); do [ -f", shQuote(ready), "] && break; sleep 0.1; done;",
    if (mode == "validation") "sleep 0.3;" else "sleep 0.2;",
    "date +%s.%N >", shQuote(killed), "; kill -INT $pid;", second, "wait $pid"
  )
  system2("bash", c("-c", shQuote(command)))
  out <- readLines(output)
  list(out = out, killed = as.numeric(readLines(killed)))
}

for (case in list(list("arrays", 1L), list("generator", 1L), list("validation", 1L),
                  list("generator", 2L), list("startup", 1L), list("first_epoch", 1L),
                  list("first_validation", 1L))) {
  local({
    mode <- case[[1]]
    signals <- case[[2]]
    test_that(paste0("Ctrl-C (x", signals, ") during training with ", mode,
                     ": stops within 1 s, nothing left, history returned"), {
      skip_if_no_core()
      run <- interrupt_child(mode, signals)
      info <- paste(tail(run$out, 20), collapse = "\n")
      returned <- as.numeric(child_value(run$out, "RETURNED"))
      # in epoch 1 or earlier: the history of no epoch, returned all the same
      early <- mode %in% c("startup", "first_epoch", "first_validation")
      expect_lt(returned - run$killed, if (mode == "startup") 2 else 1, label = info)
      expect_identical(child_value(run$out, "WARNED"), "TRUE ", info = info)
      expect_gte(as.integer(child_value(run$out, "EPOCHS")), if (early) 0L else 1L,
                 label = info)
      expect_identical(child_value(run$out, "FINITE"), "TRUE ", info = info)
      expect_identical(child_value(run$out, "LAST"), "TRUE ", info = info)
      expect_identical(child_value(run$out, "CHILDREN"), "0 ", info = info)
      expect_identical(child_value(run$out, "THREADS"), "0 ", info = info)
      expect_identical(child_value(run$out, "AGAIN"), "2 ", info = info)
    })
  })
}
