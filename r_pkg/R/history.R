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

#' @rdname keras_training_history
#' @export
print.kfit_training_history <- function(x, ...) {
  cat("\nFinal epoch (plot to see history):\n")
  metrics <- x$metrics
  if (max(0L, lengths(metrics)) == 0L) {
    cat("(no epochs completed)\n")
    return(invisible(x))
  }
  values <- vapply(
    metrics,
    function(values) format(last_value(values), digits = 4),
    character(1)
  )
  cat(paste0(format(names(metrics), justify = "right"), ": ", values, "\n"), sep = "")
  invisible(x)
}

# Once kfit is loaded, its methods for keras_training_history are the ones R
# dispatches to: for a history keras3 made they give what keras3's own method
# gives. Where keras3's method fails (its print() and as.data.frame() index
# epochs a metric does not have: early stopping, validation_freq, a resumed
# run), kfit's own answer comes instead of the error. Returns list(value)
# when keras3's method answered, else NULL.
keras3_answer <- function(generic, x, ...) {
  method <- if (is.null(x$params$initial_epoch) && isNamespaceLoaded("keras3")) {
    get0(paste0(generic, ".keras_training_history"), envir = asNamespace("keras3"),
         mode = "function", inherits = FALSE)
  }
  if (is.null(method)) {
    return(NULL)  # made by kfit (before its own class), or keras3 not loaded
  }
  tryCatch(list(method(x, ...)), error = function(e) NULL)
}

#' @rdname keras_training_history
#' @export
print.keras_training_history <- function(x, ...) {
  if (is.null(keras3_answer("print", x, ...))) {
    print_keras_layout(x)
  }
  invisible(x)
}

print_keras_layout <- function(x) {
  if (!is.null(x$params$initial_epoch)) {
    return(print.kfit_training_history(as_kfit_history(x)))
  }
  # keras3's layout: the run's size when Keras gave it, then the last value
  # of every metric (keras3 takes element `epochs`, which a metric recorded
  # in fewer epochs does not have).
  metrics <- x$metrics
  params <- x$params
  trained <- ""
  if (!is.null(params$samples)) {
    validated <- if (is.null(params$validation_samples)) "" else {
      paste0(", validated on ", prettyNum(params$validation_samples, big.mark = ","),
             " samples")
    }
    trained <- paste0("Trained on ", prettyNum(params$samples, big.mark = ","),
                      " samples", validated, " (batch_size=", params$batch_size,
                      ", epochs=", min(params$epochs, max(0L, lengths(metrics))), ")")
  }
  if (length(metrics) == 0L || max(lengths(metrics)) == 0L) {
    cat(trained, "\nFinal epoch (plot to see history):\n(no epochs completed) \n", sep = "")
    return(invisible(x))
  }
  labels <- sprintf(paste0("%", max(nchar(names(metrics))), "s"), names(metrics))
  values <- vapply(metrics, function(m) {
    prettyNum(last_value(m), big.mark = ",", digits = 4, scientific = FALSE)
  }, character(1))
  cat(paste0(trained, "\n", "Final epoch (plot to see history):\n",
             paste0(labels, ": ", values, collapse = "\n")), "\n")
  invisible(x)
}

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

#' Plot training history
#'
#' Plots the metrics recorded during training against the epoch numbers,
#' one panel per metric, with training and validation values overlaid.
#' Epochs in which a metric was not computed (validation with
#' `validation_freq > 1`) are simply left out, and a resumed run
#' (`initial_epoch > 1`) is plotted at its real epoch numbers.
#'
#' @inheritParams keras_training_history
#' @param y Unused.
#' @param metrics Metrics to plot, by name without the `val_` prefix (e.g.
#'   `"accuracy"` plots both `accuracy` and `val_accuracy`), in the order of
#'   the panels. `NULL`, the default, plots every metric.
#' @param method `"ggplot2"` or `"base"` graphics. `"auto"`, the default, uses
#'   ggplot2 when it is installed.
#' @param smooth Whether to add a loess smooth (ggplot2 only) to each series
#'   that has at least 10 values.
#' @param theme_bw Whether to use [ggplot2::theme_bw()], with the series told
#'   apart by shape and line type rather than by colour.
#' @param ... Passed on to [plot()] for each panel with `method = "base"`.
#' @returns With `method = "ggplot2"`, the ggplot object (print it to draw
#'   it). With `method = "base"`, the panels are drawn on the current device
#'   and `x` is returned invisibly.
#' @examples
#' history <- structure(
#'   list(
#'     params = list(verbose = 0L, epochs = 4L, steps = 2L, initial_epoch = 1L),
#'     metrics = list(
#'       accuracy = c(0.46, 0.46, 0.47, 0.51),
#'       loss = c(1.040, 1.027, 1.014, 1.002),
#'       val_accuracy = c(NA, 0.40, NA, 0.45),
#'       val_loss = c(NA, 1.078, NA, 1.055)
#'     )
#'   ),
#'   class = c("kfit_training_history", "keras_training_history")
#' )
#' plot(history, method = "base")
#' plot(history, metrics = "loss", method = "base")
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   plot(history)
#' }
#' @export
plot.kfit_training_history <- function(x, y, metrics = NULL,
                                        method = c("auto", "ggplot2", "base"),
                                        smooth = getOption("keras.plot.history.smooth", TRUE),
                                        theme_bw = getOption("keras.plot.history.theme_bw", FALSE),
                                        ...) {
  method <- check_choice(method, c("auto", "ggplot2", "base"))
  check_flag(smooth)
  check_flag(theme_bw)
  if (!missing(y)) {
    kfit_warn(c(
      "{.arg y} is unused and was ignored.",
      i = "Select metrics with {.arg metrics}, e.g. {.code plot(x, metrics = \"loss\")}."
    ))
  }

  df <- as.data.frame(x)
  if (nrow(df) == 0L) {
    kfit_abort(c(
      "Can't plot {.arg x}: it has no completed epochs.",
      i = "Training stopped before the end of its first epoch."
    ))
  }
  df <- select_metrics(df, metrics)

  if (method == "auto") {
    method <- if (has_ggplot2()) "ggplot2" else "base"
  } else if (method == "ggplot2" && !has_ggplot2()) {
    kfit_abort(c(
      "{.code method = \"ggplot2\"} requires the {.pkg ggplot2} package.",
      i = "Install it with {.code install.packages(\"ggplot2\")}, or use {.code method = \"base\"}."
    ))
  }

  if (method == "ggplot2") {
    if (...length() > 0L) {
      kfit_warn("Arguments in {.arg ...} are only used by {.code method = \"base\"} and were ignored.")
    }
    return(plot_history_ggplot(df, smooth = smooth, theme_bw = theme_bw))
  }
  plot_history_base(df, ...)
  invisible(x)
}

#' @rdname plot.kfit_training_history
#' @export
plot.keras_training_history <- function(x, y, metrics = NULL,
                                        method = c("auto", "ggplot2", "base"),
                                        smooth = getOption("keras.plot.history.smooth", TRUE),
                                        theme_bw = getOption("keras.plot.history.theme_bw", FALSE),
                                        ...) {
  answer <- keras3_answer("plot", x, y, metrics = metrics, method = method,
                          smooth = smooth, theme_bw = theme_bw, ...)
  if (!is.null(answer)) {
    return(answer[[1]])
  }
  out <- plot.kfit_training_history(as_kfit_history(x), y, metrics = metrics,
                                    method = method, smooth = smooth,
                                    theme_bw = theme_bw, ...)
  if (inherits(out, "ggplot")) out else invisible(x)
}

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

has_ggplot2 <- function() {
  requireNamespace("ggplot2", quietly = TRUE)
}

# Keeps the rows of the selected metrics, with panels in the order asked for.
select_metrics <- function(df, metrics, call = rlang::caller_env()) {
  available <- levels(df$metric)
  if (is.null(metrics)) {
    return(df)
  }
  if (!is.character(metrics) || length(metrics) == 0L || anyNA(metrics)) {
    kfit_abort(
      c(
        "{.arg metrics} must be a character vector of metric names or {.code NULL}.",
        x = "Received {received(metrics)}.",
        i = "Available metrics: {.val {available}}."
      ),
      call = call
    )
  }
  unknown <- setdiff(metrics, available)
  if (length(unknown) > 0L) {
    kfit_abort(
      c(
        "{.arg metrics} must name metrics recorded in the history.",
        x = "Unknown metric{?s}: {.val {unknown}}.",
        i = "Available metrics: {.val {available}}.",
        i = if (any(startsWith(unknown, "val_"))) {
          "Validation values are plotted with their training metric: drop the {.val val_} prefix."
        }
      ),
      call = call
    )
  }
  df <- df[df$metric %in% metrics, , drop = FALSE]
  df$metric <- factor(df$metric, levels = unique(metrics))
  rownames(df) <- NULL
  df
}

integer_breaks <- function(limits) {
  breaks <- pretty(limits)
  breaks[breaks %% 1 == 0]
}

plot_history_ggplot <- function(df, smooth, theme_bw) {
  validation <- any(df$data == "validation")
  mapping <- if (!validation) {
    ggplot2::aes(.data$epoch, .data$value)
  } else if (theme_bw) {
    ggplot2::aes(
      .data$epoch, .data$value,
      colour = .data$data, fill = .data$data,
      linetype = .data$data, shape = .data$data
    )
  } else {
    ggplot2::aes(.data$epoch, .data$value, colour = .data$data, fill = .data$data)
  }

  p <- ggplot2::ggplot(df, mapping)
  p <- if (theme_bw) {
    p + ggplot2::theme_bw() +
      ggplot2::geom_point(colour = "black", size = 2, na.rm = TRUE) +
      ggplot2::scale_shape(solid = FALSE)
  } else {
    p + ggplot2::geom_point(shape = 21, colour = "black", na.rm = TRUE)
  }

  # loess needs enough points: smooth only the series with >= 10 values
  counts <- stats::ave(as.integer(!is.na(df$value)), df$metric, df$data, FUN = sum)
  if (smooth && any(counts >= 10)) {
    smooth_args <- list(
      data = df[counts >= 10 & !is.na(df$value), , drop = FALSE],
      method = "loess", formula = y ~ x, se = FALSE
    )
    if (theme_bw) {
      smooth_args <- c(smooth_args, linewidth = 0.5, colour = "gray47")
    }
    p <- p + do.call(ggplot2::geom_smooth, smooth_args)
  }

  p +
    ggplot2::facet_grid(metric ~ ., switch = "y", scales = "free_y") +
    ggplot2::scale_x_continuous(breaks = integer_breaks) +
    ggplot2::theme(
      axis.title.y = ggplot2::element_blank(),
      strip.placement = "outside",
      strip.text = ggplot2::element_text(colour = "black", size = 11),
      strip.background = ggplot2::element_rect(fill = NA, colour = NA)
    )
}

plot_history_base <- function(df, ...) {
  metrics <- levels(df$metric)
  colours <- c(training = "#F8766D", validation = "#00BFC4")
  shapes <- c(training = 16, validation = 17)
  validation <- any(df$data == "validation")
  xlim <- range(df$epoch)

  old_par <- graphics::par(mfrow = c(length(metrics), 1L))
  on.exit(graphics::par(old_par), add = TRUE)

  for (i in seq_along(metrics)) {
    bottom <- i == length(metrics)
    panel <- df[df$metric == metrics[[i]] & !is.na(df$value), , drop = FALSE]
    graphics::par(mar = c(if (bottom) 4 else 1, 4, if (i == 1L) 1 else 0, 1) + 0.1)
    graphics::plot(
      NA,
      xlim = xlim, ylim = if (nrow(panel) > 0L) range(panel$value) else c(0, 1),
      xlab = if (bottom) "epoch" else "", ylab = metrics[[i]], xaxt = "n", ...
    )
    graphics::axis(1, at = integer_breaks(xlim), labels = bottom)
    for (set in levels(df$data)) {
      series <- panel[panel$data == set, , drop = FALSE]
      if (nrow(series) == 0L) next
      graphics::lines(
        series$epoch, series$value,
        type = "o", col = colours[[set]], pch = shapes[[set]]
      )
    }
    if (validation) {
      graphics::legend(
        legend_position(panel), legend = names(colours),
        col = colours, pch = shapes, lty = 1, bty = "n"
      )
    }
  }
}

# Top right for falling curves (loss), bottom right for rising ones.
legend_position <- function(panel) {
  values <- panel$value[panel$data == "training"]
  if (length(values) == 0L) values <- panel$value
  if (length(values) > 0L && values[[1]] < values[[length(values)]]) {
    "bottomright"
  } else {
    "topright"
  }
}
