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

# For a child Rscript that a test signals from bash: `dump_stacks` is a line
# of its script (after library(kfit)) that makes SIGUSR1 print the stacks of
# its Python threads; `watchdog(output, seconds)` is bash to run right after
# the child went to the background ($pid). It defines `alive` (the child
# runs: not ended, nor a zombie waiting for `wait`) and, should the child
# still run after `seconds`, says so in `output`, asks for the stacks and
# kills the child. A hang then fails the test with what the child was
# doing, and the suite goes on.
dump_stacks <- paste0(
  "reticulate::py_run_string('import faulthandler, signal; ",
  "faulthandler.register(signal.SIGUSR1, all_threads=True)')"
)
watchdog <- function(output, seconds) {
  paste0(
    "alive() { local a b st; read -r a b st a 2>/dev/null </proc/$pid/stat || return 1; ",
    "[ \"$st\" != Z ]; }; ",
    "( for i in $(seq ", seconds * 10, "); do alive || exit 0; ",
    "sleep 0.1; done; echo 'WATCHDOG: still running after ", seconds,
    " s: stacks, then SIGKILL' >>", shQuote(output), "; kill -USR1 $pid; sleep 2; ",
    "kill -KILL $pid ) &"
  )
}
