# kfit's fit() on a keras3 model full of R code (layer_lambda(), a Layer()
# subclass, an R loss and an R metric), in graph and in eager mode, and with
# keras3's callbacks: the weights after training are identical to those of
# keras3's own fit() from the same initial weights. "cran" R world only (see
# tests/testthat.R). Each scenario runs in a child R process: see
# keras3_vs_kfit() in helper-keras3.R.

# These tests run in the cran world only (filtered out of the debian one):
# there a missing keras3 or callr is a failure, never a skip. Checked without
# loading keras3, which would take over kfit's S3 methods in this session.
skip_if_no_k3 <- function() {
  skip_if_no_core()
  for (package in c("callr", "keras3")) {
    if (!nzchar(system.file(package = package))) {
      stop("The cran R world needs the package ", package, ": run `make setup`.")
    }
  }
}

# What both fits of a scenario must share.
expect_same_training <- function(res, epochs = 3L) {
  k3 <- res$keras3
  kf <- res$kfit
  # Both started from the same weights...
  expect_identical(kf$initial, k3$initial)
  # ...and end with the same weights, bit for bit.
  expect_length(kf$weights, 5L)
  expect_identical(kf$weights, k3$weights)
  # The dense layer before the lambda trained (no gradients lost on the way
  # through R code), and so did the R layer's weight.
  expect_false(isTRUE(all.equal(kf$weights[[1]], kf$initial[[1]])))
  expect_false(isTRUE(all.equal(kf$weights[[2]], kf$initial[[2]])))
  expect_false(isTRUE(all.equal(kf$weights[[3]], kf$initial[[3]])))
  # The histories: same metrics (the R metric included), same numbers.
  expect_identical(kf$history_class, c("kfit_training_history", "keras_training_history"))
  expect_setequal(names(kf$metrics), c("loss", "r_mae"))
  expect_setequal(names(k3$metrics), names(kf$metrics))
  expect_length(kf$metrics$loss, epochs)
  expect_identical(kf$metrics$loss, k3$metrics$loss)
  expect_identical(kf$metrics$r_mae, k3$metrics$r_mae)
  expect_identical(kf$metrics$loss[[epochs]], k3$metrics$loss[[epochs]])
  expect_lt(kf$metrics$loss[[epochs]], kf$metrics$loss[[1]])
}

test_that("R lambda, layer, loss and metric in graph mode train as with keras3", {
  skip_if_no_k3()
  res <- keras3_vs_kfit(eager = FALSE)
  expect_false(res$kfit$run_eagerly)
  expect_false(res$keras3$run_eagerly)
  expect_same_training(res)
  # The lambda ran while Keras traced, not per batch; as often as in keras3.
  expect_identical(res$kfit$calls$lambda, res$keras3$calls$lambda)
})

test_that("R lambda, layer, loss and metric in eager mode train as with keras3", {
  skip_if_no_k3()
  res <- keras3_vs_kfit(eager = TRUE)
  expect_true(res$kfit$run_eagerly)
  expect_true(res$keras3$run_eagerly)
  expect_same_training(res)
  # Eagerly, the R lambda runs once per batch: 3 epochs of 4 batches.
  expect_identical(res$keras3$calls$lambda, 12L)
  expect_identical(res$kfit$calls$lambda, res$keras3$calls$lambda)
})

test_that("keras3's callback_lambda(), Callback() and callback_early_stopping() work as with keras3", {
  skip_if_no_k3()
  # epochs = 10, but early stopping ends training after the 3rd epoch.
  res <- keras3_vs_kfit(eager = FALSE, callbacks = TRUE, epochs = 10L)
  k3 <- res$keras3
  kf <- res$kfit
  expect_same_training(res, epochs = 3L)

  # Early stopping stopped both at the same (0-based) epoch.
  expect_identical(k3$stopped_epoch, 2L)
  expect_identical(kf$stopped_epoch, k3$stopped_epoch)

  # callback_lambda(on_epoch_end): the epochs as keras3 reports them
  # (1-based), with the epoch's loss, which is the history's.
  expect_identical(k3$calls$epochs, 1:3)
  expect_identical(kf$calls$epochs, k3$calls$epochs)
  expect_identical(kf$calls$epoch_loss, k3$calls$epoch_loss)
  expect_identical(kf$calls$epoch_loss, kf$metrics$loss)

  # The Callback() subclass: on_train_batch_end after each of the 4 batches
  # of the 3 epochs, numbered as keras3 numbers them, with the same losses;
  # on_train_end once.
  expect_identical(k3$calls$batches, rep(1:4, 3))
  expect_identical(kf$calls$batches, k3$calls$batches)
  expect_identical(kf$calls$batch_loss, k3$calls$batch_loss)
  expect_identical(k3$calls$train_end, 1L)
  expect_identical(kf$calls$train_end, k3$calls$train_end)
})
