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
  if (!says_hello()) {
    return(invisible())
  }
  if (nzchar(system.file(package = "keras3"))) {
    packageStartupMessage(
      "kfit: fit() on a Keras model is kfit's, also once keras3 loads; ",
      "keras3_fit() calls keras3's."
    )
  }
}

# Whether a start-up line reaches someone: an interactive session (rlang's
# rule: options(rlang_interactive =) decides when set), outside knitr.
says_hello <- function() {
  rlang::is_interactive() && !isTRUE(getOption("knitr.in.progress"))
}

# Run when keras3's namespace loads after kfit's. R has just noted
# "Registered S3 methods overwritten by 'keras3'", fit()'s method among them:
# kfit takes that one back, and says so under R's note where someone reads
# it. (keras3's own methods for keras_training_history stay: kfit's
# histories have their own class.)
reclaim_fit <- function(...) {
  if (!isNamespaceLoaded("kfit")) {
    return(invisible(FALSE))
  }
  taken <- !identical(fit_owner(), "kfit")
  registerS3method("fit", "keras.src.models.model.Model", fit.keras.src.models.model.Model,
                   envir = asNamespace("generics"))
  if (taken && says_hello()) {
    packageStartupMessage(
      "kfit: fit() on a Keras model stays kfit's (taken back from keras3); ",
      "keras3_fit() calls keras3's."
    )
  }
  invisible(TRUE)
}

# Which package's method fit(model, ...) runs now: "kfit" or "keras3".
fit_owner <- function() {
  # generics' table of registered methods, not getS3method(), which would
  # first find kfit's own function by its name from here.
  table <- asNamespace("generics")[[".__S3MethodsTable__."]]
  method <- get0("fit.keras.src.models.model.Model", envir = table, inherits = FALSE)
  if (identical(method, fit.keras.src.models.model.Model)) {
    "kfit"
  } else if (!is.null(method)) {
    environmentName(environment(method))
  } else {
    NA_character_
  }
}
