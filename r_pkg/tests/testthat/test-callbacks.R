# callback_lambda() and the callbacks fit() takes (R/callbacks.R).

test_that("R callbacks see 1-based epochs and batches; returned logs are kept", {
  skip_if_no_core()
  epochs <- integer()
  batches <- integer()
  cb <- callback_lambda(
    on_epoch_end = function(epoch, logs) {
      epochs <<- c(epochs, epoch)
      list(twice_loss = 2 * logs$loss)
    },
    on_batch_end = function(batch, logs) batches <<- c(batches, batch)
  )
  h <- fit(small_model(), iris_x(), iris$Species, epochs = 4, initial_epoch = 3,
           batch_size = 75, callbacks = list(cb), verbose = 0)
  expect_identical(epochs, c(3L, 4L))
  expect_identical(batches, c(1L, 2L, 1L, 2L))
  expect_equal(h$metrics$twice_loss, 2 * h$metrics$loss)
})

test_that("Keras callbacks from Python pass through", {
  skip_if_no_core()
  keras <- keras_module()
  model <- small_model()
  model$optimizer$learning_rate$assign(0)
  stop_early <- keras$callbacks$EarlyStopping(monitor = "loss", patience = 0L)
  h <- fit(model, iris_x(), iris$Species, epochs = 10, callbacks = list(stop_early),
           shuffle = FALSE, verbose = 0)
  expect_identical(length(h$metrics$loss), 2L)
})

test_that("callback_lambda() takes keras3's hooks, and the keras 2 batch names", {
  # keras3 1.5.1's formals, in its order (the cran world also compares them
  # with keras3's own, in test-keras3-beside.R).
  expect_identical(names(formals(callback_lambda)), c(
    "on_epoch_begin", "on_epoch_end", "on_train_begin", "on_train_end",
    "on_train_batch_begin", "on_train_batch_end", "..."
  ))
  f <- function(batch, logs) NULL
  cb <- callback_lambda(on_batch_end = f, on_test_end = function(logs) NULL)
  expect_identical(names(cb), c("on_train_batch_end", "on_test_end"))
  expect_output(print(cb), "<kfit R callback: on_train_batch_end, on_test_end>")
  err <- expect_error(callback_lambda(on_epoch_ends = f), class = "kfit_value_error")
  expect_identical(err$argument, "on_epoch_ends")
  expect_error(callback_lambda(on_train_batch_end = f, on_batch_end = f),
               "same hook", class = "kfit_value_error")
  expect_error(callback_lambda(on_epoch_end = 1), class = "kfit_type_error")
  expect_error(callback_lambda(function(logs) NULL, function(logs) NULL,
                               function(logs) NULL, function(logs) NULL,
                               function(b, l) NULL, function(b, l) NULL,
                               function(x) NULL), "must be named")
})
