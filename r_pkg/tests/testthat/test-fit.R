test_that("fit() trains on a matrix and a factor, with real epoch numbers", {
  skip_if_no_core()
  model <- small_model()
  h <- fit(model, iris_x(), iris$Species, epochs = 5, initial_epoch = 3,
           batch_size = 50, verbose = 0)
  expect_s3_class(h, "keras_training_history")
  expect_identical(h$params$epochs, 5L)
  expect_identical(h$params$initial_epoch, 3L)
  expect_identical(h$params$steps, 3L)
  expect_identical(h$params$verbose, 0L)
  expect_named(h$metrics, c("accuracy", "loss"))
  expect_length(h$metrics$loss, 3L)
  df <- as.data.frame(h)
  expect_identical(df$epoch, c(3L, 4L, 5L, 3L, 4L, 5L))
  expect_true(all(is.finite(df$value)))
})

test_that("fit() returns the history invisibly", {
  skip_if_no_core()
  expect_invisible(fit(small_model(), iris_x(), iris$Species, verbose = 0))
})

test_that("validation_split holds out the last rows, validation_freq leaves NA", {
  skip_if_no_core()
  h <- fit(small_model(), iris_x(), as.integer(iris$Species) - 1L, epochs = 4,
           validation_split = 0.2, validation_freq = 2, verbose = 0)
  expect_identical(h$params$validation_samples, 30L)
  expect_identical(h$params$samples, 120L)
  expect_identical(is.na(h$metrics$val_loss), c(TRUE, FALSE, TRUE, FALSE))
  out <- capture.output(print(h))
  expect_identical(out[1:2], c("", "Final epoch (plot to see history):"))
  expect_match(out[length(out)], "^    val_loss: [0-9.]+$")
})

test_that("a data frame of numeric columns is a matrix of inputs", {
  skip_if_no_core()
  h <- fit(small_model(), iris[1:4], iris$Species, epochs = 1, verbose = 0)
  expect_identical(h$params$samples, 150L)
})

test_that("class_weight takes the levels of a factor y", {
  skip_if_no_core()
  # Same weights named by level or by 0-based index give the same training.
  by_level <- fit(small_model(), iris_x(), iris$Species, epochs = 1, shuffle = FALSE,
                  class_weight = list(setosa = 1, versicolor = 2, virginica = 4),
                  verbose = 0)
  by_index <- fit(small_model(), iris_x(), iris$Species, epochs = 1, shuffle = FALSE,
                  class_weight = c(`0` = 1, `1` = 2, `2` = 4), verbose = 0)
  unweighted <- fit(small_model(), iris_x(), iris$Species, epochs = 1,
                    shuffle = FALSE, verbose = 0)
  expect_equal(by_level$metrics$loss, by_index$metrics$loss, tolerance = 1e-6)
  expect_false(isTRUE(all.equal(by_level$metrics$loss, unweighted$metrics$loss)))
})

test_that("an R generator feeds fit(); it runs in R and ends an epoch with NULL", {
  skip_if_no_core()
  x <- iris_x()
  y <- iris$Species
  calls <- 0L
  gen <- function() {
    calls <<- calls + 1L
    i <- ((calls - 1L) %% 4L) # 3 batches, then NULL, then start over
    if (i == 3L) return(NULL)
    rows <- (i * 50L + 1L):(i * 50L + 50L)
    list(x[rows, ], y[rows])
  }
  # workers = 0: the generator runs in this session, so `<<-` is seen here.
  h <- fit(small_model(), gen, epochs = 2, verbose = 0, workers = 0)
  expect_length(h$metrics$loss, 2L)
  expect_identical(h$params$steps, NULL)
  expect_gte(calls, 8L)
  # workers = 1 (the default): it runs in a worker process, on its own copy.
  calls <- 0L
  h <- fit(small_model(), gen, epochs = 2, verbose = 0)
  expect_length(h$metrics$loss, 2L)
  expect_identical(calls, 0L)
})

test_that("verbose = 'auto' is 2 under knitr, and progress reaches R's console", {
  skip_if_no_core()
  withr::local_options(knitr.in.progress = TRUE)
  out <- capture.output(
    h <- fit(small_model(), iris_x(), iris$Species, epochs = 2, batch_size = 50)
  )
  expect_identical(h$params$verbose, 2L)
  expect_identical(grep("^Epoch [0-9]/2$", out, value = TRUE), c("Epoch 1/2", "Epoch 2/2"))
  expect_length(grep("^3/3 - .* - loss: [0-9.]+$", out), 2L)
})

test_that("fit_generator() is deprecated and keeps the 0-based initial_epoch", {
  skip_if_no_core()
  x <- iris_x()
  y <- iris$Species
  gen <- function() {
    i <- sample(150, 30)
    list(x[i, ], y[i])
  }
  seen <- integer()
  cb <- callback_lambda(on_epoch_begin = function(epoch, logs) seen <<- c(seen, epoch))
  expect_warning(
    h <- fit_generator(small_model(), gen, steps_per_epoch = 2, epochs = 4,
                       initial_epoch = 2, callbacks = list(cb), verbose = 0),
    class = "kfit_deprecation_warning"
  )
  expect_identical(seen, c(3L, 4L))
  expect_identical(as.data.frame(h)$epoch[1:2], c(3L, 4L))
})

test_that("the history survives saveRDS() and prints the same", {
  skip_if_no_core()
  h <- fit(small_model(), iris_x(), iris$Species, epochs = 2, verbose = 0)
  path <- withr::local_tempfile(fileext = ".rds")
  saveRDS(h, path)
  back <- readRDS(path)
  expect_identical(capture.output(print(back)), capture.output(print(h)))
  expect_identical(as.data.frame(back), as.data.frame(h))
})

test_that("bad input gets a kfit error naming the argument", {
  skip_if_no_core()
  model <- small_model()
  x <- iris_x()
  y <- iris$Species
  expect_snapshot(error = TRUE, {
    fit(model, x, y, validation_split = 1.5, verbose = 0)
  })
  expect_snapshot(error = TRUE, {
    fit(model, x, y, epoch = 3, verbose = 0)
  })
  expect_snapshot(error = TRUE, {
    fit(model, x, y, epochs = 2, initial_epoch = 5, verbose = 0)
  })
  expect_snapshot(error = TRUE, {
    fit(model, x, y[1:100], verbose = 0)
  })
  expect_snapshot(error = TRUE, {
    fit(model, x, y, class_weight = list(a = 1), verbose = 0)
  })
  err <- expect_error(fit(model, x, y, batch_size = 0, verbose = 0),
                      class = "kfit_value_error")
  expect_identical(err$argument, "batch_size")
})

test_that("an error in an R generator stops training and keeps the history", {
  skip_if_no_core()
  x <- iris_x()
  y <- iris$Species
  calls <- 0L
  gen <- function() {
    calls <<- calls + 1L
    if (calls == 8L) stop("boom from R")
    i <- sample(150, 30)
    list(x[i, ], y[i])
  }
  err <- expect_error(
    fit(small_model(), gen, steps_per_epoch = 3, epochs = 4, verbose = 0),
    class = "kfit_training_error"
  )
  expect_match(conditionMessage(err), "boom from R")
  expect_match(conditionMessage(err), "epoch 3, step 2")
  # Where it happened, as fields too; one kfit_ prefix, and kfit_error.
  expect_equal(err$epoch, 3)
  expect_equal(err$step, 2)
  expect_true(inherits(err, "kfit_error"))
  expect_false(any(grepl("^kfit_kfit_", class(err))))
  expect_identical(length(err$history$metrics$loss), 2L)
  expect_s3_class(err$history, "kfit_training_history")
  expect_identical(1 + 1, 2) # R is still usable
})

test_that("Python arrays inside R lists pass through as they are", {
  skip_if_no_core()
  np <- reticulate::import("numpy", convert = FALSE)
  x <- iris_x()
  y <- as.integer(iris$Species) - 1L
  x_val <- np$array(x[101:150, ], dtype = "float32")
  y_val <- np$array(y[101:150], dtype = "int32")
  with_py <- fit(small_model(), x[1:100, ], y[1:100], epochs = 2, shuffle = FALSE,
                 validation_data = list(x_val, y_val), verbose = 0)
  with_r <- fit(small_model(), x[1:100, ], y[1:100], epochs = 2, shuffle = FALSE,
                validation_data = list(x[101:150, ], y[101:150]), verbose = 0)
  expect_identical(with_py$params$validation_samples, 50L)
  expect_equal(with_py$metrics$val_loss, with_r$metrics$val_loss, tolerance = 1e-6)
})

test_that("?fit, ?kfit::fit and help('fit', package = 'kfit') open kfit's page", {
  topic <- utils::help("fit", package = "kfit")
  expect_length(topic, 1L)
  expect_match(as.character(topic), "fit.keras.src.models.model.Model$")
  rd <- paste(as.character(tools::Rd_db("kfit")[["fit.keras.src.models.model.Model.Rd"]]),
              collapse = "")
  expect_match(rd, "\\title{Train a Keras model}", fixed = TRUE)
  expect_match(rd, "\\alias{fit}", fixed = TRUE)
  expect_false("reexports.Rd" %in% names(tools::Rd_db("kfit")))
})
