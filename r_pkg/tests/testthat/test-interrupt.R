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
