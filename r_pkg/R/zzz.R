# fit() is generics::fit, shared with keras3: whichever package registers
# its method for Keras models last owns fit(model, ...). kfit registers its
# method when it loads (NAMESPACE) and again whenever keras3's namespace
# loads afterwards (a user hook, run after keras3's own registrations, as
# vctrs::s3_register() does for lazy methods): the hook is set in .onLoad
# (R/python.R).

.onAttach <- function(libname, pkgname) {
  packageStartupMessage(
    "kfit: fit() on a Keras model runs kfit's fit(), also after keras3 loads. ",
    "Explicitly: kfit_fit() for kfit, keras3_fit() for keras3's own."
  )
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
