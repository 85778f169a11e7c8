#' kfit: train Keras models from R
#'
#' kfit trains Keras 3 models (TensorFlow/Keras 3) from R the way R users
#' know it from keras3: `fit()`, the legacy `fit_generator()`, and a training
#' history that prints, plots and turns into a data frame. Keras trains on
#' R's main thread, as with keras3, so R callbacks, R layers, losses and
#' metrics run where R expects them. R generators run in R worker processes
#' that stream batches to the training, so making data in R overlaps
#' training. All the rules (1-based epochs, 0-based class weights, the
#' validation split) are decided once, by kfit's Python core. Models can be
#' built with keras3 or straight from Python's `keras` through reticulate.
#'
#' @section Training:
#' * [`fit()`][fit.keras.src.models.model.Model]: trains a compiled model on
#'   arrays, an R generator `function()` or index dataset `function(i)`, a
#'   Python generator, a `keras.utils.PyDataset` or a `tf.data.Dataset`;
#'   `workers` says where an R function runs.
#' * [fit_generator()]: the keras 2.x API (deprecated), the same training.
#' * [kfit_fit()] and [keras3_fit()]: `fit()` is a generic shared with
#'   keras3, whose method for Keras models is the one registered last (kfit's
#'   once kfit is loaded). `kfit_fit()` always runs kfit's `fit()`, whatever
#'   is loaded and in whatever order; `keras3_fit()` runs keras3's own
#'   `fit()` method.
#' * [callback_lambda()]: R functions called at points of the training
#'   (keras3's callbacks work too).
#'
#' @section Results:
#' * `fit()` returns a `kfit_training_history` ([keras_training_history]),
#'   plain R data with [`print()`][keras_training_history],
#'   [`as.data.frame()`][keras_training_history] and
#'   [`plot()`][plot.kfit_training_history] methods; they also apply to a
#'   `keras_training_history` from keras3's own `fit()`.
#' * [last_history()]: the history of the latest training, also when it did
#'   not finish (an error or an interrupt): the epochs that finished.
#'
#' @section Setup and demo:
#' * [kfit_python()]: which Python kfit uses (the option `kfit.python`, the
#'   environment variable `KFIT_PYTHON`, ...).
#' * [kfit_demo()]: trains a small classifier on iris from an R generator.
#'
#' @section Vignettes:
#' * `vignette("getting-started", package = "kfit")`: arrays, validation,
#'   an R generator, resuming, the live chart.
#' * `vignette("kfit-with-keras3", package = "kfit")`: a keras3 model
#'   trained by kfit with keras3's callbacks and an R generator, which
#'   `fit()` is active, and calling either one explicitly.
#' * `vignette("distributed-training", package = "kfit")`: several devices
#'   (MirroredStrategy, JAX's DataParallel), every batch once.
#' * `vignette("from-keras2", package = "kfit")`: keras 2.x's
#'   `fit_generator()` code beside its `fit()` form, the 1-based
#'   `initial_epoch`, what a worker process changes, and what it costs.
#'
#' `browseVignettes("kfit")` lists them.
"_PACKAGE"

## usethis namespace: start
#' @importFrom rlang .data %||%
#' @useDynLib kfit, .registration = TRUE
## usethis namespace: end
NULL
