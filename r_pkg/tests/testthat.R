# This file is part of the standard setup for testthat.
# It is recommended that you do not modify it.
#
# Where should you do additional test configuration?
# Learn more about the roles of various files in:
# * https://r-pkgs.org/tests.html
# * https://testthat.r-lib.org/reference/test_package.html#special-files

library(testthat)
library(kfit)

# Tests of keras3 (test-keras3*.R) run in the CRAN R world only (reticulate
# >= 1.42 is what keras3 needs); `make rtest` filters them the same way.
if (identical(Sys.getenv("KFIT_R_WORLD"), "cran")) {
  test_check("kfit")
} else {
  test_check("kfit", filter = "(^|/test-)keras3", invert = TRUE)
}
