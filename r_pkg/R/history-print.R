# print() of a history: kfit's layout, or keras3's for keras3's histories.

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
