# What library(kfit) says (R/zzz.R): one short line in an interactive session
# where keras3 is installed, nothing in scripts, knitr or without keras3.
# kfit's fit() method reclaimed after keras3 loads, and what is said then:
# test-keras3-beside.R.

attach_output <- function(interactive, knitr = FALSE) {
  session_output(c(if (knitr) "options(knitr.in.progress = TRUE)", "library(kfit)"),
                 interactive)
}

test_that("library(kfit) is quiet in scripts and under knitr", {
  expect_no_match(attach_output(interactive = FALSE), "kfit:")
  expect_no_match(attach_output(interactive = TRUE, knitr = TRUE), "kfit:")
})

test_that("interactively, one line, and only where keras3 is installed", {
  out <- attach_output(interactive = TRUE)
  said <- kfit_said(out)
  if (nzchar(system.file(package = "keras3"))) {
    expect_identical(said, paste0("kfit: fit() on a Keras model is kfit's, also once ",
                                  "keras3 loads; keras3_fit() calls keras3's."))
  } else {
    expect_length(said, 0L)
  }
})
