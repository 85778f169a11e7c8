# fit() is generics::fit (shared with keras3). It has no page of its own:
# the method's page below is `?fit`'s (its alias), so that `?fit`,
# `?kfit::fit` and help("fit", package = "kfit") open "Train a Keras model".
#' @importFrom generics fit
#' @export
#' @noRd
generics::fit

#' Train a Keras model
#'
#' Trains a compiled Keras 3 model with the semantics of keras3's `fit()`.
#' Keras trains on R's main thread, as with keras3, so R code that Keras
#' calls (callbacks, `layer_lambda()`, R losses and metrics) runs where R
#' expects it. An R generator runs in R worker processes that stream batches
#' to the training, so making batches in R overlaps training. All rules
#' (1-based `initial_epoch`, 0-based `class_weight` keys, the validation
#' split, `verbose = "auto"`) are decided by kfit's Python core.
#'
#' @section R generators and workers:
#' `x` (and `validation_data`) may be an R function:
#' * a generator `function()` returning `list(inputs, targets)` or
#'   `list(inputs, targets, sample_weights)` per call, and `NULL` when the
#'   data has ended (it is called again for the next epoch); or
#' * an index dataset `function(i)` returning batch `i` (1-based, `i` runs
#'   over `1:steps_per_epoch` every epoch), the R counterpart of a Keras
#'   `PyDataset`; batches reach Keras in index order.
#'
#' `workers` says where it runs:
#' * `0`: in this session, between training steps. Nothing overlaps; side
#'   effects (`<<-`, printing, the RNG) happen in your session.
#' * `1` (the default): in one R worker process (an `Rscript`), so R work
#'   overlaps training. A worker outlives its fit and serves the next one,
#'   with nothing of the last fit left in it (see [kfit_stop_workers()] for
#'   what is reset, the idle time-out and how to turn reuse off).
#' * `N > 1`: in `N` worker processes; only for an index dataset
#'   `function(i)` (a generator's calls depend on each other).
#'
#' A worker gets a copy of the function with its enclosing environments, the
#' globals it refers to (found as the globals package finds them), and the
#' packages those come from; `worker_globals` and `worker_packages` add what
#' detection misses. What users must know:
#' * Assignments with `<<-` inside the function change the worker's copy;
#'   they do not reach your session (use `workers = 0` for that).
#' * Each worker is seeded from your session's RNG: `set.seed()` before
#'   `fit()` makes runs identical.
#' * Big data captured by the function is copied into each worker (it is
#'   serialized once to a temporary file, which every worker reads): a
#'   generator over a 1 GiB matrix starts 4 to 8 s later than a small one on
#'   a 2-core machine (about 1 s of it serializing) and its worker peaks at
#'   1.1 GB of memory (`bench/r_generator.R --only startup` measures it). Keep
#'   big data in files the function reads, or use `workers = 0`.
#' * Output of `print()`/`message()` in a worker appears in the session's
#'   message stream, a line each, not in knitr output.
#' * A worker sees the session's working directory and environment
#'   variables as they are when `fit()` starts.
#' * A worker that dies stops training with an error of class
#'   `kfit_worker_error`; the finished epochs are kept (see [last_history()]).
#'
#' @section Backends and devices:
#' kfit trains wherever Keras 3 does, and delivers every batch of a generator,
#' index dataset or `PyDataset` exactly once, in order, however Keras reads
#' ahead (see `vignette("distributed-training", package = "kfit")`):
#' * TensorFlow on one device, and under `tf.distribute.MirroredStrategy`
#'   (several GPUs of one machine): build and compile the model in
#'   `strategy$scope()`; each batch is a global batch that the strategy
#'   splits across the replicas.
#' * JAX (`Sys.setenv(KERAS_BACKEND = "jax")` or `keras3::use_backend("jax")`
#'   before Keras loads) on one device, and under
#'   `keras$distribution$DataParallel()`, also over several processes
#'   (`keras$distribution$initialize()`), each feeding its own shard.
#' * torch, on one device.
#'
#' JAX and torch need no TensorFlow for kfit's streams (only `tf.data` input
#' does). `tf.distribute.MultiWorkerMirroredStrategy` is refused with an
#' error of class `kfit_unsupported_error`: Keras 3 fails under it before the
#' first step (keras-team/keras#20585).
#'
#' @section Interrupting:
#' Ctrl-C stops training within a second: the workers are stopped and
#' `fit()` returns the history of the epochs that finished (none in the
#' first epoch), with a warning of class `kfit_interrupted`. The same history
#' is kept for [last_history()]. This holds at any moment: while workers
#' start, in an epoch, in validation, inside an R callback (training stops
#' when it returns). A Ctrl-C that comes while TensorFlow computes is acted on
#' at the next step, never inside TensorFlow; if that is a long first
#' compilation, a third Ctrl-C after 3 s stops at once (the model may then
#' need to be built again).
#'
#' @section Errors:
#' Every mistake in the arguments is an error of class `kfit_error` and a
#' more specific class (`kfit_value_error`, `kfit_type_error`), signalled
#' before any weight changes. Its message names the argument (or the element
#' of it, such as `validation_data[[2]]`), shows what was received and gives a
#' hint; the condition's `argument` field holds the argument's name. Data are
#' checked before training: `NA`, `NaN` and `Inf` values, zero rows, columns
#' that are not numbers (a Date or factor column of a data frame), inputs
#' whose shape the model does not take, labels the model cannot output, and
#' `class_weight` keys for classes it does not have. Each generator batch is
#' checked as it arrives. A failure during training (a generator, a callback,
#' a worker) is a `kfit_training_error` with the `epoch`, `step` and the
#' `history` of the finished epochs.
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
#' @param sample_weight Per-sample (vector) or per-timestep (matrix) weights:
#'   finite and 0 or more (a negative weight or `NA` is an error).
#' @param initial_epoch The 1-based epoch to start at (to resume training):
#'   `epochs = 10, initial_epoch = 6` trains epochs 6 to 10. `0` is taken as
#'   `1`, as keras3 takes it.
#' @param steps_per_epoch Batches per epoch (default: all the data, or until
#'   a generator returns `NULL`).
#' @param validation_steps Batches per validation.
#' @param validation_batch_size Rows per validation batch.
#' @param validation_freq Validate every `validation_freq` epochs, or after
#'   the epochs listed, e.g. `c(1, 5, 10)`.
#' @param verbose 0 (silent), 1 (progress bar), 2 (one line per epoch) or
#'   `"auto"`: 1, or 2 under knitr.
#' @param view_metrics Show a live chart of the metrics: `TRUE`, `FALSE`,
#'   `"auto"` or a folder. `"auto"` shows it in RStudio's viewer, and only
#'   when more than one epoch runs and `verbose` is above 0. `TRUE` outside
#'   RStudio opens the page in the browser (`browseURL()`); under knitr
#'   nothing opens, and the final chart is left in the document. The page
#'   lives in the session's [tempdir()] and goes with it: a folder (e.g.
#'   `"runs/iris"`, created if needed) shows it as `TRUE` does and keeps it
#'   there (`index.html`, to open later; the run's page address is
#'   `history$params$view_url`).
#' @param workers (kfit extension) Where an R function `x` runs: `0` in this
#'   session, `1` (default) in one R worker process, `N` in `N` processes
#'   (index datasets `function(i)`); threads loading a `PyDataset`. See the
#'   section on workers.
#' @param max_queue_size (kfit extension) Batches made ahead of training, at
#'   most: the memory of that many batches. `"auto"` (default): as many as
#'   fit in 64 MiB, judged by the first batch, from 10 (Keras' default) to
#'   1000. Workers make them while Keras compiles its first steps, so a slow
#'   generator gains from room for more than 10. A fit that knows how many
#'   batches it reads (`steps_per_epoch` given) asks for no more.
#' @param worker_globals Objects the workers need that detection misses: a
#'   character vector of names (looked up where `fit()` was called) or a named
#'   list of values.
#' @param worker_packages Packages to load in the workers, besides those the
#'   globals come from.
#' @returns A [keras_training_history], invisibly.
#' @examplesIf kfit:::core_available()
#' keras <- reticulate::import("keras")
#' set.seed(1)
#' rows <- sample(nrow(iris))  # iris is sorted: shuffle before validation_split
#' x <- scale(as.matrix(iris[rows, 1:4]))
#' y <- iris$Species[rows]     # a factor: its levels are the classes
#' model <- keras$Sequential(list(
#'   keras$Input(shape = list(4L)),
#'   keras$layers$Dense(16L, activation = "relu"),
#'   keras$layers$Dense(3L, activation = "softmax")
#' ))
#' model$compile(optimizer = keras$optimizers$Adam(0.02),
#'               loss = "sparse_categorical_crossentropy", metrics = list("accuracy"))
#' history <- fit(model, x, y, epochs = 10, batch_size = 16,
#'                validation_split = 0.2, verbose = 0)
#' history
#'
#' # An R generator: a batch per call, made in an R worker process
#' batches <- function() {
#'   i <- sample(nrow(x), 16)
#'   list(x[i, ], y[i])
#' }
#' history <- fit(model, batches, steps_per_epoch = 10, epochs = 2, verbose = 0)
#' as.data.frame(history)
#' @aliases fit
#' @method fit keras.src.models.model.Model
#' @export
fit.keras.src.models.model.Model <- function(
    object, x = NULL, y = NULL, ..., batch_size = NULL, epochs = 1L,
    callbacks = NULL, validation_split = 0, validation_data = NULL,
    shuffle = TRUE, class_weight = NULL, sample_weight = NULL,
    initial_epoch = 1L, steps_per_epoch = NULL, validation_steps = NULL,
    validation_batch_size = NULL, validation_freq = 1L,
    verbose = getOption("keras.verbose", default = "auto"),
    view_metrics = getOption("keras.view_metrics", default = "auto"),
    workers = 1L, max_queue_size = "auto", worker_globals = NULL,
    worker_packages = NULL) {
  args <- list(
    x = x, y = y, batch_size = batch_size, epochs = epochs,
    callbacks = callbacks, validation_split = validation_split,
    validation_data = validation_data, shuffle = shuffle,
    class_weight = class_weight, sample_weight = sample_weight,
    initial_epoch = initial_epoch, steps_per_epoch = steps_per_epoch,
    validation_steps = validation_steps,
    validation_batch_size = validation_batch_size,
    validation_freq = validation_freq, verbose = verbose,
    view_metrics = view_metrics,
    workers = if (!missing(workers)) workers, max_queue_size = max_queue_size,
    worker_packages = worker_packages
  )
  invisible(run_core(object, c(args, check_dots(...)), legacy = FALSE,
                     workers = worker_spec(worker_globals, parent.frame())))
}

#' Call kfit's or keras3's fit() explicitly
#'
#' `fit()` is a generic (from the generics package, shared with keras3): on
#' a Keras model it runs the method registered last. Once kfit is loaded,
#' that is kfit's, also after keras3 loads later (kfit registers its method
#' again when keras3's namespace loads). These two never depend on that:
#' * `kfit_fit()` runs kfit's `fit()` ([fit.keras.src.models.model.Model()]);
#' * `keras3_fit()` runs keras3's own `fit()` method (keras3 must be
#'   installed), e.g. to compare the two.
#'
#' @param object A compiled Keras model.
#' @param ... The arguments of the `fit()` to call.
#' @returns What that `fit()` returns: a `kfit_training_history` from kfit's,
#'   a `keras_training_history` from keras3's (invisibly).
#' @export
#' @examplesIf kfit:::core_available()
#' keras <- reticulate::import("keras")
#' x <- matrix(runif(200), ncol = 4)
#' y <- x %*% c(1, -1, 2, 0)
#' model <- keras$Sequential(list(keras$Input(shape = list(4L)),
#'                                keras$layers$Dense(1L)))
#' model$compile(optimizer = "sgd", loss = "mse")
#' history <- kfit_fit(model, x, y, epochs = 3, verbose = 0)  # kfit, always
#' class(history)
#' if (requireNamespace("keras3", quietly = TRUE)) {
#'   history3 <- keras3_fit(model, x, y, epochs = 3, verbose = 0)  # keras3's
#'   class(history3)
#' }
kfit_fit <- function(object, ...) {
  call <- match.call()
  call[[1L]] <- fit.keras.src.models.model.Model
  eval(call, parent.frame())
}

#' @rdname kfit_fit
#' @export
keras3_fit <- function(object, ...) {
  if (!requireNamespace("keras3", quietly = TRUE)) {
    kfit_abort(c(
      "{.fn keras3_fit} needs the {.pkg keras3} package.",
      i = "Install it with {.code install.packages(\"keras3\")}, or use {.fn kfit_fit}."
    ))
  }
  call <- match.call()
  call[[1L]] <- utils::getFromNamespace("fit.keras.src.models.model.Model", "keras3")
  eval(call, parent.frame())
}

#' Train a model on batches from a generator (deprecated)
#'
#' The keras 2.x API, kept for old code: it warns that it is deprecated and
#' runs the same training as [fit()]. `initial_epoch` keeps its legacy,
#' 0-based meaning: `epochs = 10, initial_epoch = 5` trains epochs 6 to 10.
#'
#' @inheritParams fit.keras.src.models.model.Model
#' @param generator An R function returning `list(inputs, targets)` or
#'   `list(inputs, targets, sample_weights)` per call (or batch `i` for an
#'   index dataset `function(i)`), or a Python generator or
#'   `keras.utils.PyDataset`.
#' @param steps_per_epoch Batches per epoch (required).
#' @param max_queue_size Batches made ahead of training; `"auto"` as in
#'   [fit()] (keras 2.x's default was 10).
#' @param workers R worker processes for an R `generator` (`0`: in this
#'   session; see [fit()]), threads loading a `PyDataset`.
#' @param initial_epoch Epochs already done (0-based).
#' @param validation_data `list(x_val, y_val)`, `list(x_val, y_val,
#'   sample_weights)`, or a generator (then give `validation_steps`).
#' @returns A [keras_training_history], invisibly.
#' @examplesIf kfit:::core_available()
#' keras <- reticulate::import("keras")
#' x <- scale(as.matrix(iris[1:4]))
#' model <- keras$Sequential(list(keras$Input(shape = list(4L)),
#'                                keras$layers$Dense(3L, activation = "softmax")))
#' model$compile(optimizer = "adam", loss = "sparse_categorical_crossentropy")
#' batches <- function() {
#'   i <- sample(nrow(x), 16)
#'   list(x[i, ], iris$Species[i])
#' }
#' # keras 2.x code runs as it is (with a deprecation warning); its fit() form:
#' # fit(model, batches, steps_per_epoch = 10, epochs = 3, initial_epoch = 2)
#' history <- fit_generator(model, batches, steps_per_epoch = 10, epochs = 3,
#'                          initial_epoch = 1, verbose = 0)
#' history$params$initial_epoch  # 0-based 1 here is epoch 2
#' @export
fit_generator <- function(object, generator, steps_per_epoch, epochs = 1,
                          verbose = getOption("keras.fit_verbose", default = 1),
                          callbacks = NULL,
                          view_metrics = getOption("keras.view_metrics", default = "auto"),
                          validation_data = NULL, validation_steps = NULL,
                          class_weight = NULL, max_queue_size = "auto", workers = 1,
                          initial_epoch = 0, worker_globals = NULL,
                          worker_packages = NULL) {
  if (missing(steps_per_epoch)) steps_per_epoch <- NULL
  args <- list(
    generator = generator, steps_per_epoch = steps_per_epoch, epochs = epochs,
    verbose = verbose, callbacks = callbacks, view_metrics = view_metrics,
    validation_data = validation_data, validation_steps = validation_steps,
    class_weight = class_weight, max_queue_size = max_queue_size,
    workers = if (!missing(workers)) workers, initial_epoch = initial_epoch,
    worker_packages = worker_packages
  )
  invisible(run_core(object, args, legacy = TRUE,
                     workers = worker_spec(worker_globals, parent.frame())))
}
