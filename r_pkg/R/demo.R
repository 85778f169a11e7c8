#' Train a small classifier on iris with an R generator
#'
#' The demo behind `make demo`: builds a Keras model through reticulate,
#' trains it with [fit()] on R's built-in `iris` from an R generator (with
#' validation on held-out rows), prints the history and writes its plot.
#'
#' @param png Where to write the plot of the history. The default is in the
#'   session's [tempdir()], which goes when the R session ends: give a path
#'   of your own to keep it (`make demo` writes `kfit-demo-history.png`).
#' @param epochs Epochs to train.
#' @param verbose Passed to [fit()].
#' @returns The [keras_training_history], invisibly.
#' @examplesIf kfit:::core_available()
#' png <- tempfile(fileext = ".png")
#' history <- kfit_demo(png = png, epochs = 3, verbose = 0)
#' file.exists(png)
#' @export
kfit_demo <- function(png = file.path(tempdir(), "kfit-demo-history.png"),
                      epochs = 30, verbose = 2) {
  keras <- reticulate::import("keras")
  keras$utils$set_random_seed(42L)
  set.seed(42)
  rows <- sample(nrow(datasets::iris))
  x <- scale(as.matrix(datasets::iris[rows, 1:4]))
  y <- datasets::iris$Species[rows]
  train <- 1:120
  batch_size <- 16L
  batches <- function() { # an R generator: a new shuffled batch each call
    i <- sample(train, batch_size)
    list(x[i, , drop = FALSE], y[i])
  }
  model <- keras$Sequential(list(
    keras$Input(shape = list(4L)),
    keras$layers$Dense(16L, activation = "relu"),
    keras$layers$Dense(3L, activation = "softmax")
  ))
  model$compile(
    optimizer = keras$optimizers$Adam(0.02),
    loss = "sparse_categorical_crossentropy", metrics = list("accuracy")
  )
  history <- fit(
    model, batches, steps_per_epoch = 8, epochs = epochs,
    validation_data = list(x[-train, ], y[-train]), verbose = verbose
  )
  print(history)
  grDevices::png(png, width = 800, height = 600, res = 110)
  on.exit(grDevices::dev.off(), add = TRUE)
  print(plot(history))
  cli::cli_inform("History plot written to {.path {png}}.")
  invisible(history)
}
