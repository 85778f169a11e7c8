# One error hierarchy: the core's (kfit.errors.r_class_table()), mirrored in R.

test_that("R's table of error classes is the core's", {
  skip_if_no_core()
  for (module in c("kfit.data.producer", "kfit.data.batch", "kfit.r.rpy2_host",
                   "kfit.r.session", "kfit.viewer.assets")) {
    reticulate::import(module)
  }
  errors <- reticulate::import("kfit.errors")
  core <- errors$r_class_table()
  ours <- lapply(kfit:::error_classes, function(x) c(x, "kfit_error"))
  ours$kfit_error <- "kfit_error"
  # any error that is not kfit's: Keras', TensorFlow's, Python's
  builtins <- reticulate::import_builtins()
  expect_identical(unlist(errors$r_classes(builtins$ValueError)), ours$kfit_python_error)
  ours$kfit_python_error <- NULL
  expect_setequal(names(ours), names(core))
  for (name in names(core)) {
    expect_identical(ours[[name]], unlist(core[[name]]), info = name)
  }
})

# Each kind of failure, with the full class vector R sees.
failure_classes <- function(expr) {
  e <- tryCatch(expr, error = identity)
  setdiff(class(e), c("rlang_error", "error", "condition"))
}

test_that("each kind of failure has the R classes of its Python MRO", {
  skip_if_no_core()
  x <- iris_x()
  y <- as.integer(iris$Species) - 1L
  expect_identical(
    failure_classes(fit(small_model(), x, y, epochs = "two", verbose = 0)),
    c("kfit_type_error", "kfit_argument_error", "kfit_error"))
  expect_identical(
    failure_classes(fit(small_model(), x[, 1:3], y, verbose = 0)),
    c("kfit_shape_error", "kfit_value_error", "kfit_argument_error", "kfit_error"))
  expect_identical(
    failure_classes(fit(small_model(), x, y + 5L, verbose = 0)),
    c("kfit_label_error", "kfit_value_error", "kfit_argument_error", "kfit_error"))
  # An error of Keras' own (at the first step): never a kfit argument class.
  keras <- keras_module()
  model <- keras$Sequential(list(keras$Input(shape = list(4L)), keras$layers$Dense(3L)))
  model$compile(optimizer = "adam", loss = "mse", metrics = list("no_such_metric"))
  expect_identical(failure_classes(fit(model, x, matrix(0, 150, 3), verbose = 0)),
                   c("kfit_python_error", "kfit_error"))
  # A generator's R error, at the first batch and later.
  broken <- function() stop("broken")
  expect_identical(failure_classes(fit(small_model(), broken, steps_per_epoch = 2,
                                       verbose = 0)),
                   c("kfit_source_error", "kfit_data_error", "kfit_error"))
  n <- 0
  later <- function() { n <<- n + 1; if (n == 3) stop("broken"); list(x[1:8, ], y[1:8]) }
  expect_identical(failure_classes(fit(small_model(), later, steps_per_epoch = 5,
                                       verbose = 0, workers = 0)),
                   c("kfit_training_error", "kfit_error"))
  # A callback's error.
  cb <- callback_lambda(on_epoch_end = function(epoch, logs) stop("no"))
  expect_identical(failure_classes(fit(small_model(), x, y, verbose = 0,
                                       callbacks = list(cb))),
                   c("kfit_callback_error", "kfit_training_error", "kfit_error"))
})

test_that("a worker that dies is a kfit_worker_error, at the first batch as later", {
  skip_if_no_core()
  x <- iris_x()
  y <- as.integer(iris$Species) - 1L
  for (at in c(1, 3)) {
    n <- 0
    dies <- function() {
      n <<- n + 1
      if (n == at) tools::pskill(Sys.getpid(), tools::SIGKILL)
      list(x[1:8, ], y[1:8])
    }
    e <- tryCatch(fit(small_model(), dies, steps_per_epoch = 5, verbose = 0),
                  error = identity)
    expect_identical(setdiff(class(e), c("rlang_error", "error", "condition")),
                     c("kfit_worker_error", "kfit_training_error", "kfit_error"),
                     info = at)
    expect_identical(e$worker, 1L, info = at)
    expect_match(e$exit, "SIGKILL", info = at)
    expect_match(conditionMessage(e), "worker 1", info = at)
  }
})
