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
  }
  for (name in names(hooks)) {
    hook <- hooks[[name]]
    if (!is.null(hook) && !is.function(hook)) {
      kfit_abort(c(
        "{.arg {name}} must be a function or {.code NULL}.",
        x = "Received {received(hook)}."
      ), class = "kfit_type_error", argument = name)
    }
  }
  structure(hooks[!vapply(hooks, is.null, logical(1))], class = "kfit_callback")
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
