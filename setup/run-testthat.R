# Runs kfit's testthat suite (the installed package) as `make` does, then
# repeats every failure and error at the end, so that the last lines of a
# long log (what CI keeps) say which test failed and why.
# Usage: Rscript setup/run-testthat.R FILTER [invert]
args <- commandArgs(trailingOnly = TRUE)
results <- testthat::test_dir(
  "r_pkg/tests/testthat", package = "kfit", load_package = "installed",
  filter = args[[1]], invert = identical(args[2], "invert"),
  stop_on_failure = FALSE
)
problems <- character()
for (test in results) {
  for (result in test$results) {
    if (inherits(result, c("expectation_failure", "expectation_error"))) {
      problems <- c(problems, sprintf(
        "%s: %s\n%s", test$file, test$test, conditionMessage(result)
      ))
    }
  }
}
if (length(problems)) {
  cat("\n== testthat: ", length(problems), " failure(s), repeated here\n", sep = "")
  cat(paste0("-- ", problems, collapse = "\n\n"), "\n")
  quit(status = 1)
}
