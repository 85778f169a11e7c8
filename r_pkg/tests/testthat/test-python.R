# Finding kfit's Python core (R/python.R).

test_that("a Python without kfit's core gets an error that says what to run", {
  skip_if_no_core()
  skip_if_not(file.exists("/usr/bin/python3"), "needs a Python without kfit")
  script <- withr::local_tempfile(fileext = ".R")
  writeLines(c(
    "library(kfit)",
    "model <- structure(list(), class = 'keras.src.models.model.Model')",
    "tryCatch(fit(model, 1), kfit_python_missing = function(e) cat(conditionMessage(e)))"
  ), script)
  out <- system2(
    file.path(R.home("bin"), "Rscript"), shQuote(script), stdout = TRUE, stderr = TRUE,
    env = c(paste0("R_LIBS=", paste(.libPaths(), collapse = ":")),
            "KFIT_PYTHON=/usr/bin/python3", "RETICULATE_PYTHON=")
  )
  out <- paste(out, collapse = "\n")
  expect_match(out, "kfit's Python core is not available.", fixed = TRUE)
  expect_match(out, "cannot import kfit", fixed = TRUE)
  expect_match(out, "Run `make demo` in the kfit project", fixed = TRUE)
})

test_that("kfit_python() names the Python kfit uses, also once it is chosen", {
  recorded <- readLines(system.file("python-path", package = "kfit"), n = 1L)
  script <- withr::local_tempfile(fileext = ".R")
  writeLines(c(
    "Sys.unsetenv(c('KFIT_PYTHON', 'RETICULATE_PYTHON'))",
    "library(kfit)",
    "cat('BEFORE', kfit_python(), '\\n')",
    "invisible(reticulate::py_config())",  # Python starts: RETICULATE_PYTHON set
    "cat('AFTER', kfit_python(), reticulate::py_config()$python, '\\n')"
  ), script)
  out <- system2(file.path(R.home("bin"), "Rscript"), shQuote(script), stdout = TRUE,
                 stderr = TRUE, env = paste0("R_LIBS=", paste(.libPaths(), collapse = ":")))
  out <- paste(out, collapse = "\n")
  expect_match(out, paste("BEFORE", recorded), fixed = TRUE)
  expect_match(out, paste("AFTER", recorded, recorded), fixed = TRUE)
})
