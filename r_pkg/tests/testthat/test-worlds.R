# The Makefile runs the tests in two R worlds and names the one in force in
# KFIT_R_WORLD: "debian" (Debian's reticulate 1.28, NumPy 1) and "cran"
# (reticulate >= 1.46 and keras3 >= 1.5.1 from a CRAN-like repository, NumPy 2).
# This checks the world is what it says, without starting Python.

test_that("KFIT_R_WORLD names the R world these tests run in", {
  world <- Sys.getenv("KFIT_R_WORLD", unset = "")
  if (!world %in% c("debian", "cran")) {
    fail(sprintf(
      "KFIT_R_WORLD is %s; set it to \"debian\" or \"cran\" (`make rtest` does)",
      if (nzchar(world)) dQuote(world, FALSE) else "unset"
    ))
    return(invisible())
  }
  reticulate_version <- utils::packageVersion("reticulate")
  if (world == "debian") {
    expect_true(reticulate_version == "1.28",
                label = sprintf("reticulate (%s) == 1.28", reticulate_version))
    return(invisible())
  }
  expect_true(reticulate_version >= "1.46",
              label = sprintf("reticulate (%s) >= 1.46", reticulate_version))
  keras3_installed <- nzchar(system.file(package = "keras3"))
  expect_true(keras3_installed, label = "keras3 is installed")
  if (keras3_installed) {
    keras3_version <- utils::packageVersion("keras3")
    expect_true(keras3_version >= "1.5.1",
                label = sprintf("keras3 (%s) >= 1.5.1", keras3_version))
  }
})
