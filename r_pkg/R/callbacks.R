#' Callbacks written in R
#'
#' Build a callback from R functions, called on R's main thread, where Keras
#' trains. Epoch and batch numbers are 1-based (the real epoch numbers, also
#' after `initial_epoch`); `logs` is a named list of the current metrics. A
#' named list returned by `on_epoch_end` (or any other hook) is merged into
#' the logs, so it lands in the history.
#'
#' Keras callbacks built in Python (e.g. `keras$callbacks$EarlyStopping()`)
#' can be given to [fit()] alongside, unchanged.
#'
#' @param on_epoch_begin,on_epoch_end `function(epoch, logs)`.
#' @param on_batch_begin,on_batch_end `function(batch, logs)`.
#' @param on_train_begin,on_train_end `function(logs)`.
#' @returns A `kfit_callback` object for the `callbacks` argument of [fit()].
#' @export
#' @examples
#' seen <- integer()
#' cb <- callback_lambda(on_epoch_end = function(epoch, logs) {
#'   seen <<- c(seen, epoch)
#'   list(double_loss = 2 * logs$loss)
#' })
callback_lambda <- function(on_epoch_begin = NULL, on_epoch_end = NULL,
                            on_batch_begin = NULL, on_batch_end = NULL,
                            on_train_begin = NULL, on_train_end = NULL) {
  hooks <- list(
    on_epoch_begin = on_epoch_begin, on_epoch_end = on_epoch_end,
    on_batch_begin = on_batch_begin, on_batch_end = on_batch_end,
    on_train_begin = on_train_begin, on_train_end = on_train_end
  )
  for (name in names(hooks)) {
    hook <- hooks[[name]]
    if (!is.null(hook) && !is.function(hook)) {
      kfit_abort(c(
        "{.arg {name}} must be a function or {.code NULL}.",
        x = "Received {received(hook)}."
      ))
    }
  }
  structure(hooks[!vapply(hooks, is.null, logical(1))], class = "kfit_callback")
}

#' @export
print.kfit_callback <- function(x, ...) {
  cat("<kfit R callback: ", paste(names(x), collapse = ", "), ">\n", sep = "")
  invisible(x)
}
