#' Training history
#'
#' `fit()` returns a `kfit_training_history`: the parameters of the run and
#' one value per epoch for every metric Keras logged. It is plain R data, so
#' it survives [saveRDS()] and its methods work without Python.
#'
#' @section Classes:
#' A history made by kfit has class
#' `c("kfit_training_history", "keras_training_history")`: kfit's methods
#' apply to it whatever else is loaded (keras3 registers its own methods for
#' `keras_training_history`). kfit's methods for a plain
#' `keras_training_history` (one from keras3's own `fit()`, or a kfit history
#' saved before this class existed) print it as keras3 prints it; its
#' epochs are `params$initial_epoch` onwards when it has one (kfit's) and
#' `1, 2, ...` otherwise. Unlike keras3's methods, they never add rows for
#' epochs that did not run (keras3 pads to `params$epochs`). A keras3
#' history whose validation metrics were recorded in fewer epochs
#' (`validation_freq > 1`) prints, but has no data frame or plot: which
#' epochs its values belong to is not recorded.
#'
#' @section Structure:
#' A list with two elements:
#'
#' * `params`: a list with at least `verbose`, `epochs` (the final epoch
#'   number), `steps` and `initial_epoch` (the 1-based number of the first
#'   epoch that ran; taken as 1 when absent).
#' * `metrics`: a named list of numeric vectors, one per metric, named and
#'   ordered as Keras logs them (e.g. `accuracy`, `loss`, `val_accuracy`,
#'   `val_loss`). Every vector has one element per epoch that ran, `NA` where
#'   the metric was not computed in that epoch (validation with
#'   `validation_freq > 1`). Element `i` belongs to epoch
#'   `initial_epoch + i - 1`.
#'
#' @param x A `kfit_training_history` or `keras_training_history`.
#' @param ... Unused.
#' @returns
#' * `print()` shows the last value of every metric (its last non-missing
#'   value, for metrics not computed in every epoch) and returns `x`
#'   invisibly.
#' * `as.data.frame()` returns one row per metric and epoch, with columns
#'   `epoch` (integer, the real epoch number), `value` (numeric, `NA` where
#'   the metric was not computed), `metric` (factor, the metric name without
#'   its `val_` prefix) and `data` (factor with levels `"training"` and
#'   `"validation"`). Rows follow `names(x$metrics)`: all epochs of the first
#'   metric, then all epochs of the second, and so on.
#'
#' While keras3 is loaded, a `keras_training_history` that keras3 made (not
#' kfit) prints, converts and plots exactly as keras3's own methods do, with
#' kfit loaded or not; where keras3's method fails on it (keras3's `print()`
#' of a run with `validation_freq > 1`), kfit's answer in keras3's layout
#' comes instead. Without keras3 loaded, kfit's methods show the epochs that
#' ran.
#' @seealso [plot.kfit_training_history()]
#' @name keras_training_history
#' @aliases kfit_training_history
#' @examples
#' history <- structure(
#'   list(
#'     params = list(verbose = 2L, epochs = 3L, steps = 5L, initial_epoch = 1L),
#'     metrics = list(
#'       accuracy = c(0.33, 0.35, 0.35),
#'       loss = c(1.134, 1.118, 1.102),
#'       val_accuracy = c(0.4, 0.4, 0.4),
#'       val_loss = c(1.079, 1.070, 1.061)
#'     )
#'   ),
#'   class = c("kfit_training_history", "keras_training_history")
#' )
#' history
#' as.data.frame(history)
NULL


# Constructor and validator -----------------------------------------------

# Builds a history from its parts (the Python core calls this with the
# params and per-epoch logs of a run); every metric becomes a double vector.
new_keras_training_history <- function(params = list(), metrics = list()) {
  call <- rlang::current_env()
  check_params(params, arg = "params", call = call)
  check_metrics(metrics, arg = "metrics", call = call)
  structure(
    list(params = params, metrics = lapply(metrics, as.double)),
    class = c("kfit_training_history", "keras_training_history")
  )
}

# A plain keras_training_history (keras3's, or saved by an older kfit) as a
# kfit history. Metrics of different lengths (keras3 records a validation
# metric only in the epochs that validated) are an error: which epochs they
# belong to is not recorded.
as_kfit_history <- function(x, arg = rlang::caller_arg(x), call = rlang::caller_env()) {
  validate_keras_training_history(x, arg = arg, call = call)
  metrics <- lapply(x$metrics, as.double)
  params <- x$params
  if (is.list(params)) params[c("samples", "validation_samples")] <- NULL
  history <- structure(list(params = params, metrics = metrics),
                       class = c("kfit_training_history", "keras_training_history"))
  validate_keras_training_history(history, arg = arg, call = call)
  history
}

validate_keras_training_history <- function(x, arg = rlang::caller_arg(x),
                                            call = rlang::caller_env()) {
  if (!is.list(x) || !all(c("params", "metrics") %in% names(x))) {
    kfit_abort(
      "{.arg {arg}} must be a list with elements {.field params} and {.field metrics}.",
      call = call
    )
  }
  check_params(x$params, arg = paste0(arg, "$params"), call = call)
  check_metrics(x$metrics, arg = paste0(arg, "$metrics"), call = call)
  invisible(x)
}

check_params <- function(params, arg, call) {
  if (!is.list(params) || is.object(params)) {
    kfit_abort(
      "{.arg {arg}} must be a list, not {.obj_type_friendly {params}}.",
      call = call
    )
  }
  initial_epoch <- params$initial_epoch
  if (!is.null(initial_epoch) && !is_epoch_number(initial_epoch)) {
    arg <- paste0(arg, "$initial_epoch")
    kfit_abort(
      c(
        "{.arg {arg}} must be a single whole number >= 1.",
        x = "Received {received(initial_epoch)}.",
        i = "It is the 1-based number of the first epoch that ran."
      ),
      call = call
    )
  }
}

check_metrics <- function(metrics, arg, call) {
  if (!is.list(metrics) || is.object(metrics)) {
    kfit_abort(
      "{.arg {arg}} must be a named list of numeric vectors, not {.obj_type_friendly {metrics}}.",
      call = call
    )
  }
  if (length(metrics) == 0L) {
    return()
  }

  names <- names(metrics)
  if (is.null(names) || anyNA(names) || any(names == "")) {
    kfit_abort(
      c(
        "Every element of {.arg {arg}} must be named after its metric.",
        i = "Use the names Keras logs, e.g. {.val loss} or {.val val_accuracy}."
      ),
      call = call
    )
  }
  duplicated <- unique(names[duplicated(names)])
  if (length(duplicated) > 0L) {
    kfit_abort(
      c(
        "Metric names in {.arg {arg}} must be unique.",
        x = "Duplicated: {.val {duplicated}}."
      ),
      call = call
    )
  }

  numeric <- vapply(metrics, is_metric_values, logical(1))
  if (!all(numeric)) {
    details <- vapply(
      names[!numeric],
      function(name) cli::format_inline("{name} ({.obj_type_friendly {metrics[[name]]}})"),
      character(1)
    )
    kfit_abort(
      c(
        "Every metric in {.arg {arg}} must be a numeric vector.",
        x = "Not numeric: {details}."
      ),
      call = call
    )
  }

  lengths <- lengths(metrics)
  if (any(lengths != lengths[[1]])) {
    details <- paste0(names, " = ", lengths)
    kfit_abort(
      c(
        "Every metric in {.arg {arg}} must have one value per epoch.",
        x = "Lengths differ: {details}.",
        i = "Use {.code NA} for epochs in which a metric was not computed, e.g. validation with {.arg validation_freq} > 1."
      ),
      call = call
    )
  }
}

is_metric_values <- function(x) {
  is.null(dim(x)) && !is.object(x) &&
    (is.numeric(x) || (is.logical(x) && all(is.na(x))))
}

is_epoch_number <- function(x) {
  is.numeric(x) && length(x) == 1L && !is.na(x) && x >= 1 && x == trunc(x)
}

# Helpers -----------------------------------------------------------------

# The real epoch numbers of the epochs that ran.
history_epochs <- function(x) {
  n <- if (length(x$metrics) > 0L) length(x$metrics[[1]]) else 0L
  as.integer(x$params$initial_epoch %||% 1L) + seq_len(n) - 1L
}

last_value <- function(x) {
  x <- x[!is.na(x)]
  if (length(x) == 0L) NA else x[[length(x)]]
}

# The history of a run, from the record the core returns
# (`TrainingHistory.to_record()`): R's NA where an epoch has no value.
history_from_record <- function(record) {
  if (is.null(record)) {
    return(NULL)
  }
  metrics <- lapply(record$metrics, function(m) {
    values <- as.double(unlist(m$values))
    values[as.logical(unlist(m$missing))] <- NA_real_
    values
  })
  new_keras_training_history(params = record$params, metrics = metrics)
}

#' The history of the latest training run
#'
#' [fit()] and [fit_generator()] keep the history of their latest run here,
#' also when the run did not finish: after an error (a generator or callback
#' failed, a worker died) or an interrupt, it holds the epochs that finished.
#'
#' @returns A [keras_training_history], or `NULL` before the first run.
#' @export
#' @examples
#' last_history()
last_history <- function() core_env$last_history
