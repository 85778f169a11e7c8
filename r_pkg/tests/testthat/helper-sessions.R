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

# Bash, after `watchdog()` and inside a loop: waits (at most 60 s, while the
# child runs) for the file `ready`, then `delay` seconds more, and sends the
# child SIGINT, as a terminal's Ctrl-C does (`signals` of them, 1 ms apart);
# writes the time of the first to the file `log`, if given. Ends the loop
# (`break`) once the child has ended.
ctrl_c_when <- function(ready, delay, signals = 1L, log = NULL) {
  paste(
    "for i in $(seq 1200); do [ -f", shQuote(ready), "] && break; alive || break;",
    "sleep 0.05; done; alive || break;", paste0("sleep ", delay, ";"),
    if (!is.null(log)) paste("date +%s.%N >>", shQuote(log), ";"),
    "kill -INT $pid;", if (signals > 1L) "sleep 0.001; kill -INT $pid;"
  )
}
