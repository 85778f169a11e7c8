#' @importFrom generics fit
#' @export
generics::fit

#' Train a Keras model
#'
#' Trains a compiled Keras 3 model with the semantics of keras3's `fit()`.
#' Training runs in Python on a worker thread while R stays on its main
#' thread, where R generators and R callbacks run, overlapped with training.
#' All rules (1-based `initial_epoch`, 0-based `class_weight` keys, the
#' validation split, `verbose = "auto"`) are decided by kfit's Python core.
#'
#' @param object A compiled Keras model (built with keras3, or with
#'   `reticulate::import("keras")`).
#' @param x Inputs: a matrix, array, numeric/integer/logical vector, data
#'   frame of numeric columns, or a list of those (several inputs, named for
#'   named inputs); or an R function of no arguments returning
#'   `list(inputs, targets)` or `list(inputs, targets, sample_weights)` for
#'   each batch and `NULL` when the data has ended; or a Python generator,
#'   `keras.utils.PyDataset` or `tf.data.Dataset`.
#' @param y Targets for array inputs. A factor gives 0-based classes.
#' @param ... Must be empty: unknown arguments are an error.
#' @param batch_size Rows per batch for arrays (default 32).
#' @param epochs The number of the last epoch to train.
#' @param callbacks A list of [callback_lambda()] objects and/or Keras
#'   callbacks.
#' @param validation_split Fraction in `[0, 1)` of the last rows of `x`/`y`
#'   (taken before shuffling) held out for validation.
#' @param validation_data `list(x_val, y_val)`, `list(x_val, y_val,
#'   sample_weights)`, or a generator; overrides `validation_split`.
#' @param shuffle Shuffle array rows before each epoch.
#' @param class_weight Weights by 0-based class index: `list("0" = 1, "1" =
#'   5)`, a named numeric vector, names that are the levels of a factor `y`,
#'   or an unnamed vector of weights for classes 0, 1, ... Works with
#'   generators too.
#' @param sample_weight Per-sample (vector) or per-timestep (matrix) weights.
#' @param initial_epoch The 1-based epoch to start at (to resume training).
#' @param steps_per_epoch Batches per epoch (default: all the data, or until
#'   a generator returns `NULL`).
#' @param validation_steps Batches per validation.
#' @param validation_batch_size Rows per validation batch.
#' @param validation_freq Validate every `validation_freq` epochs, or after
#'   the epochs listed, e.g. `c(1, 5, 10)`.
#' @param verbose 0 (silent), 1 (progress bar), 2 (one line per epoch) or
#'   `"auto"`: 1, or 2 under knitr.
#' @param view_metrics Show a live chart of the metrics: `TRUE`, `FALSE` or
#'   `"auto"` (in RStudio's viewer, for more than one epoch).
#' @returns A [keras_training_history], invisibly.
#' @examples
#' \dontrun{
#' keras <- reticulate::import("keras")
#' model <- keras$Sequential(list(
#'   keras$Input(shape = list(4L)),
#'   keras$layers$Dense(3L, activation = "softmax")
#' ))
#' model$compile(optimizer = "adam", loss = "sparse_categorical_crossentropy")
#' history <- fit(model, as.matrix(iris[1:4]), iris$Species, epochs = 5)
#' history
#' }
#' @method fit keras.src.models.model.Model
#' @export
fit.keras.src.models.model.Model <- function(
    object, x = NULL, y = NULL, ..., batch_size = NULL, epochs = 1L,
    callbacks = NULL, validation_split = 0, validation_data = NULL,
    shuffle = TRUE, class_weight = NULL, sample_weight = NULL,
    initial_epoch = 1L, steps_per_epoch = NULL, validation_steps = NULL,
    validation_batch_size = NULL, validation_freq = 1L,
    verbose = getOption("keras.verbose", default = "auto"),
    view_metrics = getOption("keras.view_metrics", default = "auto")) {
  args <- list(
    x = x, y = y, batch_size = batch_size, epochs = epochs,
    callbacks = callbacks, validation_split = validation_split,
    validation_data = validation_data, shuffle = shuffle,
    class_weight = class_weight, sample_weight = sample_weight,
    initial_epoch = initial_epoch, steps_per_epoch = steps_per_epoch,
    validation_steps = validation_steps,
    validation_batch_size = validation_batch_size,
    validation_freq = validation_freq, verbose = verbose,
    view_metrics = view_metrics
  )
  invisible(run_core(object, c(args, check_dots(...)), legacy = FALSE))
}

#' Train a model on batches from a generator (deprecated)
#'
#' The keras 2.x API, kept for old code: it warns that it is deprecated and
#' runs the same training as [fit()]. `initial_epoch` keeps its legacy,
#' 0-based meaning: `epochs = 10, initial_epoch = 5` trains epochs 6 to 10.
#'
#' @inheritParams fit.keras.src.models.model.Model
#' @param generator An R function returning `list(inputs, targets)` or
#'   `list(inputs, targets, sample_weights)` per call, or a Python generator
#'   or `keras.utils.PyDataset`.
#' @param steps_per_epoch Batches per epoch (required).
#' @param max_queue_size Batches made ahead of training.
#' @param workers Threads loading a `PyDataset`; an R generator always runs
#'   on R's main thread (R is single-threaded).
#' @param initial_epoch Epochs already done (0-based).
#' @returns A [keras_training_history], invisibly.
#' @export
fit_generator <- function(object, generator, steps_per_epoch, epochs = 1,
                          verbose = getOption("keras.fit_verbose", default = 1),
                          callbacks = NULL,
                          view_metrics = getOption("keras.view_metrics", default = "auto"),
                          validation_data = NULL, validation_steps = NULL,
                          class_weight = NULL, max_queue_size = 10, workers = 1,
                          initial_epoch = 0) {
  if (missing(steps_per_epoch)) steps_per_epoch <- NULL
  args <- list(
    generator = generator, steps_per_epoch = steps_per_epoch, epochs = epochs,
    verbose = verbose, callbacks = callbacks, view_metrics = view_metrics,
    validation_data = validation_data, validation_steps = validation_steps,
    class_weight = class_weight, max_queue_size = max_queue_size,
    workers = workers, initial_epoch = initial_epoch
  )
  invisible(run_core(object, args, legacy = TRUE))
}

check_dots <- function(..., call = rlang::caller_env()) {
  dots <- list(...)
  if (length(dots) && (is.null(names(dots)) || any(!nzchar(names(dots))))) {
    kfit_abort(c(
      "Arguments in {.arg ...} must be named.",
      i = "{.fn fit} takes no unnamed arguments after {.arg y}."
    ), call = call)
  }
  dots # unknown names are rejected by the core, with a suggestion
}

is_python <- function(x) inherits(x, "python.builtin.object")

# Split the arguments: R values go to the stash (read over rpy2), Python
# objects over reticulate. Then run the core and turn its record into R.
run_core <- function(model, args, legacy, call = rlang::caller_env()) {
  core <- kfit_core(call = call)
  callbacks <- args$callbacks
  if (!is.null(callbacks) && (inherits(callbacks, "kfit_callback") || is_python(callbacks))) {
    callbacks <- list(callbacks)
  }
  python_args <- list()
  if (length(callbacks)) {
    is_r <- vapply(callbacks, inherits, logical(1), what = "kfit_callback")
    bad <- !is_r & !vapply(callbacks, is_python, logical(1))
    if (any(bad)) {
      kfit_abort(c(
        "{.arg callbacks} must be {.fn callback_lambda} objects or Keras callbacks.",
        x = "Element {which(bad)[1]} is {received(callbacks[[which(bad)[1]]])}."
      ), call = call)
    }
    if (any(!is_r)) python_args$callbacks <- unname(callbacks[!is_r])
    args$callbacks <- lapply(unname(callbacks[is_r]), unclass)
  }
  for (name in names(args)) {
    if (name != "callbacks" && is_python(args[[name]])) {
      python_args[[name]] <- args[[name]]
      args[name] <- list(NULL)
    }
  }
  key <- stash_put(args)
  on.exit(stash_drop(key), add = TRUE)
  record <- core$fit_from_r(model, key, reticulate::dict(python_args), legacy)
  history <- stash_get(key)
  if (!inherits(history, "keras_training_history")) history <- NULL
  for (w in record$warnings) {
    kfit_warn("{w$message}", class = paste0("kfit_", snake_case(w$class)))
  }
  if (!isTRUE(record$ok)) abort_from_core(record, history, call)
  if (isTRUE(history$params$view_metrics) && isTRUE(getOption("knitr.in.progress"))) {
    # Nothing is live in a knitted document: leave the final chart there.
    chart <- plot(history)
    if (inherits(chart, "ggplot")) print(chart)
  }
  history
}

snake_case <- function(x) tolower(gsub("([a-z0-9])([A-Z])", "\\1_\\2", x))

# The core's message is "Argument `x` ...\nReceived: ...\nHint: ...".
abort_from_core <- function(record, history, call) {
  lines <- strsplit(record$message, "\n", fixed = TRUE)[[1]]
  received <- sub("^Received: ", "", grep("^Received: ", lines, value = TRUE))
  hint <- sub("^Hint: ", "", grep("^Hint: ", lines, value = TRUE))
  main <- paste(lines[!grepl("^(Received|Hint): ", lines)], collapse = "\n")
  bullets <- c(
    "{main}",
    x = if (length(received)) "Received: {received}",
    i = if (length(hint)) "{hint}"
  )
  if (!isTRUE(record$kfit)) {
    # An error from Keras or Python: its message, without the traceback,
    # which stays available in the condition's `python_traceback` field.
    bullets <- c(bullets, i = "Python error {.cls {record$error_class}}; the traceback is in {.code rlang::last_error()$python_traceback}.")
  }
  kfit_abort(
    bullets,
    class = c(paste0("kfit_", snake_case(record$error_class)),
              if (!isTRUE(record$kfit)) "kfit_python_error"),
    argument = record$argument, history = history,
    python_traceback = record$traceback, call = call
  )
}
