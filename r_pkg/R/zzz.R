# fit() is generics::fit, shared with keras3: whichever package registers
# its method for Keras models last owns fit(model, ...). kfit registers its
# method when it loads (NAMESPACE) and again whenever keras3's namespace
# loads afterwards (a user hook, run after keras3's own registrations, as
# vctrs::s3_register() does for lazy methods): the hook is set in .onLoad
# (R/python.R).

# One short line, where someone reads it and it is true: in an interactive
# session outside knitr, and only where keras3 is installed (its `fit()` is
# the one kfit's could be mistaken for). system.file() does not load keras3.
.onAttach <- function(libname, pkgname) {
  if (!interactive() || isTRUE(getOption("knitr.in.progress"))) {
    return(invisible())
  }
  if (nzchar(system.file(package = "keras3"))) {
    packageStartupMessage(
      "kfit: fit() on a Keras model is kfit's, also once keras3 loads; ",
      "keras3_fit() calls keras3's."
    )
  }
}

reclaim_fit <- function(...) {
  if (!isNamespaceLoaded("kfit")) {
    return(invisible(FALSE))
  }
  registerS3method("fit", "keras.src.models.model.Model", fit.keras.src.models.model.Model,
                   envir = asNamespace("generics"))
  invisible(TRUE)
}

# Which package's method fit(model, ...) runs now: "kfit" or "keras3".
fit_owner <- function() {
  method <- utils::getS3method("fit", "keras.src.models.model.Model", optional = TRUE)
  if (identical(method, fit.keras.src.models.model.Model)) {
    "kfit"
  } else if (!is.null(method)) {
    environmentName(environment(method))
  } else {
    NA_character_
  }
}
