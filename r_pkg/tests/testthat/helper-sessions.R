# A fresh R session running `code` (lines): interactive (R --interactive,
# where start-up messages are for someone) or a script (Rscript), as a user
# starts it. Returns
# what it printed, stdout and stderr together; it must reach the end.
session_output <- function(code, interactive) {
  script <- withr::local_tempfile(fileext = ".R")
  writeLines(c(code, "cat('ATTACHED\\n')"), script)
  # TESTTHAT=false: the child is not under testthat (rlang::is_interactive()
  # would say FALSE in it).
  env <- c(paste0("R_LIBS=", paste(.libPaths(), collapse = ":")),
           "RETICULATE_USE_MANAGED_VENV=no", "TESTTHAT=false")
  out <- if (interactive) {
    system2(file.path(R.home("bin"), "R"), c("--no-save", "-q", "--interactive"),
            stdin = script, stdout = TRUE, stderr = TRUE, env = env)
  } else {
    system2(file.path(R.home("bin"), "Rscript"), shQuote(script), stdout = TRUE,
            stderr = TRUE, env = env)
  }
  out <- paste(out, collapse = "\n")
  expect_match(out, "ATTACHED", fixed = TRUE)
  out
}

# The lines "kfit: ..." in a session's output.
kfit_said <- function(out) regmatches(out, gregexpr("kfit: [^\n]*", out))[[1]]
