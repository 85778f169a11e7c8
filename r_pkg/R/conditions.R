# Every error kfit raises has class "kfit_error", every warning "kfit_warning".
# Messages are cli-formatted and interpolated in the caller's environment.

kfit_abort <- function(message, ..., class = NULL, call = rlang::caller_env(),
                       .envir = parent.frame()) {
  cli::cli_abort(
    message, ...,
    class = error_class_vector(class), call = call, .envir = .envir
  )
}

# The classes of kfit's errors, most specific first: the core's hierarchy
# (kfit.errors.r_class_table()), mirrored here so that errors raised in R
# before the core runs have the same parents; test-conditions.R checks that
# the two agree.
error_classes <- list(
  kfit_argument_error = "kfit_argument_error",
  kfit_value_error = c("kfit_value_error", "kfit_argument_error"),
  kfit_type_error = c("kfit_type_error", "kfit_argument_error"),
  kfit_shape_error = c("kfit_shape_error", "kfit_value_error", "kfit_argument_error"),
  kfit_label_error = c("kfit_label_error", "kfit_value_error", "kfit_argument_error"),
  kfit_data_error = "kfit_data_error",
  kfit_batch_error = c("kfit_batch_error", "kfit_data_error"),
  kfit_source_error = c("kfit_source_error", "kfit_data_error"),
  kfit_training_error = "kfit_training_error",
  kfit_worker_error = c("kfit_worker_error", "kfit_training_error"),
  kfit_worker_capture_error = c("kfit_worker_capture_error", "kfit_worker_error",
                                "kfit_training_error"),
  kfit_callback_error = c("kfit_callback_error", "kfit_training_error"),
  kfit_unsupported_error = "kfit_unsupported_error",
  kfit_r_error = "kfit_r_error",
  kfit_r_inside_r_error = "kfit_r_inside_r_error",
  kfit_r_package_missing = "kfit_r_package_missing",
  kfit_r_thread_error = "kfit_r_thread_error",
  kfit_viewer_assets_missing_error = "kfit_viewer_assets_missing_error",
  kfit_python_error = "kfit_python_error"
)

# `class` with each kfit class's parents after it, then "kfit_error".
error_class_vector <- function(class) {
  expanded <- unlist(lapply(class, function(one) error_classes[[one]] %||% one))
  unique(c(expanded, "kfit_error"))
}

kfit_warn <- function(message, ..., class = NULL, .envir = parent.frame()) {
  cli::cli_warn(message, ..., class = c(class, "kfit_warning"), .envir = .envir)
}

check_flag <- function(x, arg = rlang::caller_arg(x), call = rlang::caller_env()) {
  if (!rlang::is_bool(x)) {
    kfit_abort(
      "{.arg {arg}} must be {.code TRUE} or {.code FALSE}, not {.obj_type_friendly {x}}.",
      call = call
    )
  }
  invisible(x)
}

# Like match.arg(): the full vector of choices (the default) selects the first.
check_choice <- function(x, choices, arg = rlang::caller_arg(x),
                         call = rlang::caller_env()) {
  if (identical(x, choices)) {
    return(choices[[1]])
  }
  if (!rlang::is_string(x) || !x %in% choices) {
    kfit_abort(
      c(
        "{.arg {arg}} must be one of {.or {.val {choices}}}.",
        x = "Received {received(x)}."
      ),
      call = call
    )
  }
  x
}

# What the user passed, for "Received ..." bullets: short atomic vectors are
# shown by value, anything else by type.
received <- function(x) {
  if (is.atomic(x) && length(x) > 0L && length(x) <= 5L) {
    cli::format_inline("{.val {x}}")
  } else {
    cli::format_inline("{.obj_type_friendly {x}}")
  }
}

# A value in R's words, as the core shows values (kfit.words.R): short plain
# vectors by value (`1`, `"a"`, `NA`, `TRUE`, `c(1, 2)`, `factor("a")`),
# anything else by what it is ("a character vector of length 10", "a function
# of no arguments", "a list of length 2", "an object of class lm").
r_words <- function(x) {
  if (is.null(x)) {
    return("NULL")
  }
  if (is.function(x)) {
    return(function_words(x))
  }
  if (inherits(x, "python.builtin.object")) {
    return(paste0("a Python object of class <", class(x)[[1]], ">"))
  }
  if (is.factor(x) && length(x) >= 1L && length(x) <= 5L) {
    shown <- ifelse(is.na(x), "NA", encodeString(as.character(x), quote = "\""))
    return(paste0("factor(", paste(shown, collapse = ", "), ")"))
  }
  plain <- setdiff(names(attributes(x)), "names")
  if (is.atomic(x) && !length(plain) && length(x) >= 1L && length(x) <= 5L) {
    shown <- vapply(seq_along(x), function(i) scalar_words(x[[i]]), "")
    if (!is.null(names(x))) shown <- paste(r_names(names(x)), "=", shown)
    if (length(x) == 1L && is.null(names(x))) {
      return(shown)
    }
    return(paste0("c(", paste(shown, collapse = ", "), ")"))
  }
  kind_words(x)
}

scalar_words <- function(x) {
  if (is.na(x)) {
    return("NA")
  }
  if (is.logical(x)) {
    return(if (x) "TRUE" else "FALSE")
  }
  if (is.character(x)) {
    return(encodeString(x, quote = "\""))
  }
  if (is.numeric(x) && is.finite(x) && x == round(x) && abs(x) < 1e15) {
    return(format(x, scientific = FALSE))
  }
  if (is.numeric(x) && is.infinite(x)) {
    return(if (x > 0) "Inf" else "-Inf")
  }
  format(x, digits = 15L)
}

r_names <- function(names) {
  ifelse(make.names(names) == names, names, encodeString(names, quote = "\""))
}

function_words <- function(f) {
  arguments <- names(formals(args(f)) %||% list())
  if (!length(arguments)) {
    return("a function of no arguments")
  }
  paste0("a function of ", length(arguments), " argument",
         if (length(arguments) > 1L) "s", ": `function(",
         paste(arguments, collapse = ", "), ")`")
}

kind_words <- function(x) {
  if (is.data.frame(x)) {
    return(sprintf("a data frame with %d rows and %d columns", nrow(x), ncol(x)))
  }
  if (is.environment(x)) {
    return("an environment")
  }
  cls <- setdiff(oldClass(x), c("matrix", "array"))
  if (length(cls)) {
    return(paste0("an object of class ", paste(cls, collapse = "/")))
  }
  if (is.list(x)) {
    return(paste0("a list of length ", length(x)))
  }
  if (is.atomic(x)) {
    kind <- switch(typeof(x), double = "numeric", typeof(x))
    article <- if (substr(kind, 1L, 1L) %in% c("a", "e", "i", "o", "u")) "an" else "a"
    d <- dim(x)
    if (length(d) == 2L) {
      return(sprintf("%s %s matrix with %d rows and %d columns", article, kind, d[[1]], d[[2]]))
    }
    if (length(d)) {
      return(sprintf("%s %s array of dim c(%s)", article, kind, paste(d, collapse = ", ")))
    }
    return(sprintf("%s %s vector of length %d", article, kind, length(x)))
  }
  paste0("an R ", typeof(x))
}
