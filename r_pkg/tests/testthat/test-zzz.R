# What library(kfit) says (R/zzz.R): one short line in an interactive session
# where keras3 is installed, nothing in scripts, knitr or without keras3.
# kfit's fit() method reclaimed after keras3 loads: test-keras3-beside.R.

attach_output <- function(interactive, knitr = FALSE) {
  code <- c(if (knitr) "options(knitr.in.progress = TRUE)", "library(kfit)",
            "cat('ATTACHED\\n')")
  script <- withr::local_tempfile(fileext = ".R")
  writeLines(code, script)
  env <- paste0("R_LIBS=", paste(.libPaths(), collapse = ":"))
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

test_that("library(kfit) is quiet in scripts and under knitr", {
  expect_no_match(attach_output(interactive = FALSE), "kfit:")
  expect_no_match(attach_output(interactive = TRUE, knitr = TRUE), "kfit:")
})

test_that("interactively, one line, and only where keras3 is installed", {
  out <- attach_output(interactive = TRUE)
  said <- regmatches(out, gregexpr("kfit: [^\n]*", out))[[1]]
  if (nzchar(system.file(package = "keras3"))) {
    expect_identical(said, paste0("kfit: fit() on a Keras model is kfit's, also once ",
                                  "keras3 loads; keras3_fit() calls keras3's."))
  } else {
    expect_length(said, 0L)
  }
})
