# as.data.frame() of a history: one row per metric and epoch.

#' @rdname keras_training_history
#' @param row.names `NULL` or row names for the result, as for [data.frame()].
#' @param optional Unused.
#' @export
as.data.frame.keras_training_history <- function(x, row.names = NULL,
                                                 optional = FALSE, ...) {
  answer <- keras3_answer("as.data.frame", x, ...)
  if (!is.null(answer)) {
    return(answer[[1]])
  }
  as.data.frame.kfit_training_history(as_kfit_history(x), row.names = row.names)
}

#' @rdname keras_training_history
#' @export
as.data.frame.kfit_training_history <- function(x, row.names = NULL,
                                                optional = FALSE, ...) {
  validate_keras_training_history(x)
  metrics <- x$metrics
  names <- names(metrics) %||% character()
  base_names <- sub("^val_", "", names)
  epochs <- history_epochs(x)
  n <- length(epochs)

  data.frame(
    epoch = rep(epochs, times = length(metrics)),
    value = as.double(unlist(metrics, use.names = FALSE)),
    metric = factor(rep(base_names, each = n), levels = unique(base_names)),
    data = factor(
      rep(ifelse(startsWith(names, "val_"), "validation", "training"), each = n),
      levels = c("training", "validation")
    ),
    row.names = row.names
  )
}
