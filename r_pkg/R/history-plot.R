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
