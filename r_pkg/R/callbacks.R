#' Callbacks written in R
#'
#' Build a callback from R functions, called on R's main thread, where Keras
#' trains. Its arguments are those of keras3's `callback_lambda()`, so
#' whichever of the two packages is attached last, `callback_lambda()` takes
#' the same arguments. Epoch and batch numbers are 1-based (the real epoch
#' numbers, also after `initial_epoch`); `logs` is a named list of the
#' current metrics. A named list returned by a hook is merged into the logs,
#' so `on_epoch_end` can add values to the history.
#'
#' Hooks get their arguments by position, as with keras3: a hook that cannot
#' take them (e.g. `on_epoch_end = function()`) is an error of class
#' `kfit_type_error` here, before any training; a hook may take `...`, and
#' extra arguments with defaults. An R error in a hook stops training with an
#' error of class `kfit_callback_error` (also a `kfit_training_error`) naming
#' the hook and where ("at epoch 2, batch 5"), with fields `epoch`, `step` and
#' `history` (the finished epochs, also kept for [last_history()]).
#'
#' The callback works in kfit's [fit()] and in keras3's own `fit()` (it
#' becomes a real Keras callback when passed to Python). Keras callbacks
#' (keras3's `callback_*()` functions, `Callback()` subclasses, or
#' `keras$callbacks$...` objects) work in kfit's [fit()] unchanged, mixed
#' with these in any order: they are called in the order listed.
#'
#' @param on_epoch_begin,on_epoch_end `function(epoch, logs)`.
#' @param on_train_begin,on_train_end `function(logs)`.
#' @param on_train_batch_begin,on_train_batch_end `function(batch, logs)`.
#' @param ... Other hooks, by name: `on_test_begin`, `on_test_end`,
#'   `on_predict_begin`, `on_predict_end` (`function(logs)`),
#'   `on_test_batch_begin`, `on_test_batch_end`, `on_predict_batch_begin`,
#'   `on_predict_batch_end` (`function(batch, logs)`), and the keras 2 names
#'   `on_batch_begin`/`on_batch_end` for the training batch hooks.
#' @returns A `kfit_callback` object for the `callbacks` argument of [fit()]
#'   (or of keras3's `fit()`).
#' @export
#' @examples
#' seen <- integer()
#' cb <- callback_lambda(on_epoch_end = function(epoch, logs) {
#'   seen <<- c(seen, epoch)
#'   list(double_loss = 2 * logs$loss)
#' })
#' cb
#' @examplesIf kfit:::core_available()
#' keras <- reticulate::import("keras")
#' model <- keras$Sequential(list(keras$Input(shape = list(2L)),
#'                                keras$layers$Dense(1L)))
#' model$compile(optimizer = "sgd", loss = "mse")
#' x <- matrix(runif(64), ncol = 2)
#' history <- fit(model, x, rowSums(x), epochs = 3, initial_epoch = 2,
#'                callbacks = list(cb), verbose = 0)
#' seen                         # 2 3: the epochs that ran, 1-based
#' history$metrics$double_loss  # what the callback returned, in the history
callback_lambda <- function(on_epoch_begin = NULL, on_epoch_end = NULL,
                            on_train_begin = NULL, on_train_end = NULL,
                            on_train_batch_begin = NULL, on_train_batch_end = NULL,
                            ...) {
  hooks <- list(
    on_epoch_begin = on_epoch_begin, on_epoch_end = on_epoch_end,
    on_train_begin = on_train_begin, on_train_end = on_train_end,
    on_train_batch_begin = on_train_batch_begin,
    on_train_batch_end = on_train_batch_end
  )
  more <- list(...)
  if (length(more) && (is.null(names(more)) || any(!nzchar(names(more))))) {
    kfit_abort(c(
      "Hooks in {.arg ...} must be named.",
      i = "Known hooks: {.arg {callback_hooks}}."
    ), class = "kfit_value_error")
  }
  aliases <- c(on_batch_begin = "on_train_batch_begin", on_batch_end = "on_train_batch_end")
  given <- stats::setNames(names(hooks), names(hooks)) # the names the user wrote
  for (name in names(more)) {
    target <- if (name %in% names(aliases)) aliases[[name]] else name
    if (!target %in% callback_hooks) {
      kfit_abort(c(
        "{.arg {name}} is not a callback hook.",
        i = "Known hooks: {.arg {callback_hooks}}."
      ), class = "kfit_value_error", argument = name)
    }
    if (!is.null(hooks[[target]])) {
      kfit_abort(c(
        "{.arg {name}} and {.arg {target}} are the same hook: give one.",
        x = "Both were given."
      ), class = "kfit_value_error", argument = name)
    }
    hooks[target] <- list(more[[name]])
    given[[target]] <- name
  }
  for (target in names(hooks)) {
    hook <- hooks[[target]]
    name <- given[[target]]
    if (!is.null(hook) && !is.function(hook)) {
      kfit_abort(c(
        "{.arg {name}} must be a function or {.code NULL}.",
        x = "Received {received(hook)}."
      ), class = "kfit_type_error", argument = name)
    }
    if (!is.null(hook)) check_hook_arguments(hook, name)
  }
  structure(hooks[!vapply(hooks, is.null, logical(1))], class = "kfit_callback")
}

# The arguments kfit passes to each hook (keras3's callback_lambda() passes
# the same, positionally): epoch hooks get (epoch, logs), batch hooks (batch,
# logs), the others (logs).
hook_arguments <- function(hook) {
  if (hook %in% c("on_epoch_begin", "on_epoch_end")) {
    c("epoch", "logs")
  } else if (grepl("_batch_", hook)) {
    c("batch", "logs")
  } else {
    "logs"
  }
}

# A hook must be callable with the arguments kfit passes: a function with
# `...`, or one whose formals take that many positional arguments (extra
# formals need defaults). Checked here, before any training.
check_hook_arguments <- function(f, hook, call = rlang::caller_env()) {
  formals <- formals(args(f)) %||% list()
  if ("..." %in% names(formals)) {
    return(invisible(TRUE))
  }
  wanted <- hook_arguments(hook)
  required <- sum(vapply(formals, function(a) identical(a, quote(expr = )), logical(1)))
  if (length(formals) >= length(wanted) && required <= length(wanted)) {
    return(invisible(TRUE))
  }
  n <- length(wanted)
  main <- sprintf("Argument `%s` must be a function of %d argument%s: kfit calls `%s(%s)`.",
                  hook, n, if (n > 1L) "s" else "", hook, paste(wanted, collapse = ", "))
  hint <- sprintf("Write it as `function(%s)`, or add `...` to ignore arguments%s.",
                  paste(wanted, collapse = ", "),
                  if (length(formals) > n) "; extra arguments need defaults" else "")
  kfit_abort(c("{main}", x = "Received: {r_words(f)}", i = "{hint}"),
             class = "kfit_type_error", argument = hook, where = hook, call = call)
}

# `callbacks` of fit(): NULL, one callback, or a list of callback_lambda()
# objects and Keras callbacks (Python objects, checked by the core). Returns
# the list; anything else is a kfit_type_error naming the element (1-based).
check_callbacks <- function(callbacks, call = rlang::caller_env()) {
  if (is.null(callbacks)) {
    return(list())
  }
  hint <- paste0("Use `callback_lambda(on_epoch_end = function(epoch, logs) ...)` ",
                 "or a Keras callback, e.g. `keras$callbacks$EarlyStopping()`.")
  if (inherits(callbacks, "kfit_callback") || is_python(callbacks)) {
    return(list(callbacks))
  }
  if (!is.list(callbacks) || is.object(callbacks)) {
    what <- if (is.function(callbacks)) {
      paste0("Argument `callbacks` must be a list of callbacks, not a function.")
    } else {
      paste0("Argument `callbacks` must be a `callback_lambda()` object, a Keras ",
             "callback, or a list of them.")
    }
    if (is.function(callbacks)) {
      hint <- paste0("Make a callback from it with `callback_lambda()`, e.g. ",
                     "`callbacks = list(callback_lambda(on_epoch_end = f))`.")
    }
    kfit_abort(c("{what}", x = "Received: {r_words(callbacks)}", i = "{hint}"),
               class = "kfit_type_error", argument = "callbacks",
               where = "callbacks", call = call)
  }
  for (i in seq_along(callbacks)) {
    item <- callbacks[[i]]
    if (inherits(item, "kfit_callback") || is_python(item)) next
    where <- sprintf("callbacks[[%d]]", i)
    main <- sprintf("Argument `%s` must be a `callback_lambda()` object or a Keras callback.",
                    where)
    if (is.function(item)) {
      hint <- paste0("Make a callback from the function with `callback_lambda()`, ",
                     "e.g. `callback_lambda(on_epoch_end = f)`.")
    }
    kfit_abort(c("{main}", x = "Received: {r_words(item)}", i = "{hint}"),
               class = "kfit_type_error", argument = "callbacks", where = where,
               call = call)
  }
  unname(callbacks)
}

callback_hooks <- c(
  "on_epoch_begin", "on_epoch_end", "on_train_begin", "on_train_end",
  "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
  "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
  "on_predict_batch_begin", "on_predict_batch_end"
)

#' @export
print.kfit_callback <- function(x, ...) {
  cat("<kfit R callback: ", paste(names(x), collapse = ", "), ">\n", sep = "")
  invisible(x)
}

# A kfit callback handed to Python by anyone else (keras3's fit(), a user's
# reticulate call) becomes a real Keras callback whose hooks call these R
# functions on the main thread.
#' @importFrom reticulate r_to_py
#' @exportS3Method r_to_py kfit_callback
r_to_py.kfit_callback <- function(x, convert = FALSE) {
  kfit_core()$keras_callback(callback_spec(x))
}
