# Every error kfit raises has class "kfit_error", every warning "kfit_warning".
# Messages are cli-formatted and interpolated in the caller's environment.

kfit_abort <- function(message, ..., class = NULL, call = rlang::caller_env(),
                       .envir = parent.frame()) {
  cli::cli_abort(
    message, ...,
    class = c(class, "kfit_error"), call = call, .envir = .envir
  )
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
