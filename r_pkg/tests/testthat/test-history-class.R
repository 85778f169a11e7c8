# Constructor and validator ------------------------------------------------

test_that("new_keras_training_history() builds the shared layout", {
  expect_identical(class(h_val), c("kfit_training_history", "keras_training_history"))
  expect_identical(names(unclass(h_val)), c("params", "metrics"))
  expect_identical(h_val$params, history_params(3L))
  expect_identical(
    names(h_val$metrics),
    c("accuracy", "loss", "val_accuracy", "val_loss")
  )
  expect_identical(h_val$metrics$val_loss, c(1.079268, 1.069979, 1.0612))
})

test_that("new_keras_training_history() stores every metric as a double vector", {
  h <- new_keras_training_history(
    params = list(),
    metrics = list(loss = c(a = 2L, b = 1L), val_loss = c(NA, NA))
  )
  expect_identical(h$metrics, list(loss = c(2, 1), val_loss = c(NA_real_, NA_real_)))
  expect_identical(
    new_keras_training_history(list(), list())$metrics,
    list()
  )
})

test_that("new_keras_training_history() rejects malformed parts", {
  expect_snapshot(error = TRUE, cnd_class = TRUE, {
    new_keras_training_history(list(), list(loss = 1:5, val_loss = c(1, 2)))
    new_keras_training_history(list(), list(1:3, loss = 1:3))
    new_keras_training_history(list(), list(loss = 1:3, loss = 4:6))
    new_keras_training_history(list(), list(loss = c("a", "b"), auc = list(1, 2)))
    new_keras_training_history(list(), c(loss = 1))
    new_keras_training_history(NULL, list(loss = 1))
    new_keras_training_history(list(initial_epoch = 0L), list(loss = 1))
    new_keras_training_history(list(initial_epoch = c(1, 2)), list(loss = 1))
  })
  expect_error(
    new_keras_training_history(list(), list(loss = 1:5, val_loss = 1:2)),
    class = "kfit_error"
  )
})

test_that("methods that need aligned epochs reject ragged metrics", {
  # what keras3 itself records with validation_freq = 2
  ragged <- structure(
    list(
      params = list(verbose = 2L, epochs = 5L, steps = 5L),
      metrics = list(loss = c(1.04, 1.03, 1.01, 1.00, 0.99), val_loss = c(1.08, 1.05))
    ),
    class = "keras_training_history"
  )
  expect_snapshot(error = TRUE, cnd_class = TRUE, as.data.frame(ragged))
  expect_error(plot(ragged), class = "kfit_error")
  # print() needs no alignment: the last value of each metric, laid out
  # exactly as keras3 prints it (trailing space included)
  expect_identical(
    capture.output(print(ragged)),
    c("", "Final epoch (plot to see history):", "    loss: 0.99", "val_loss: 1.05 ")
  )
})

# Plain keras_training_history objects (keras3's) -------------------------------

# What keras3's own fit() returns after early stopping at epoch 3 of 5: Keras
# 3 params (no initial_epoch), one value per epoch that ran.
h_keras3 <- structure(
  list(
    params = list(verbose = 0L, epochs = 5L, steps = 4L),
    metrics = list(loss = c(2.5, 1.75, 1.3125), mae = c(1.25, 1.0625, 0.90625))
  ),
  class = "keras_training_history"
)

test_that("a keras3 history prints as keras3 prints it", {
  # keras3 1.5.1's layout (R/history.R there): labels right-aligned, values
  # by prettyNum(digits = 4), a space before the last newline.
  expect_identical(
    capture.output(print(h_keras3)),
    c("", "Final epoch (plot to see history):", "loss: 1.312", " mae: 0.9062 ")
  )
  with_samples <- h_keras3
  with_samples$params <- c(h_keras3$params, samples = 12000L, batch_size = 32L)
  expect_identical(
    capture.output(print(with_samples))[1:2],
    c("Trained on 12,000 samples (batch_size=32, epochs=3)",
      "Final epoch (plot to see history):")
  )
})

test_that("without keras3 loaded, a keras3 history's data frame has the epochs that ran, from 1", {
  # (keras3 loads in child processes only in these tests: its methods would
  # answer here otherwise, see test-keras3-histories.R)
  expect_false(isNamespaceLoaded("keras3"))
  df <- as.data.frame(h_keras3)
  expect_identical(df$epoch, c(1:3, 1:3))
  expect_identical(df$value, c(2.5, 1.75, 1.3125, 1.25, 1.0625, 0.90625))
  expect_identical(levels(df$metric), c("loss", "mae"))
  expect_identical(as.character(unique(df$data)), "training")
  # a history saved by an older kfit (plain class, initial_epoch kept)
  saved <- unclass(h_resumed)
  class(saved) <- "keras_training_history"
  expect_identical(unique(as.data.frame(saved)$epoch), 3:5)
  expect_identical(capture.output(print(saved)), capture.output(print(h_resumed)))
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off(), add = TRUE)
  expect_identical(plot(h_keras3, method = "base"), h_keras3)
})

test_that("kfit histories keep kfit's methods whatever else is registered", {
  # As when keras3 loads after kfit: its methods for keras_training_history
  # replace kfit's. A kfit history has its own class in front.
  methods <- c("print", "as.data.frame")
  old <- lapply(methods, function(m) utils::getS3method(m, "keras_training_history"))
  on.exit(for (i in seq_along(methods)) {
    registerS3method(methods[[i]], "keras_training_history", old[[i]],
                     envir = asNamespace("base"))
  }, add = TRUE)
  for (m in methods) {
    registerS3method(m, "keras_training_history", function(x, ...) stop("not kfit's"),
                     envir = asNamespace("base"))
  }
  # Dispatched from the global environment, as a user's code is (here, in
  # the tests, kfit's namespace is in scope and would be found first).
  user <- new.env(parent = globalenv())
  user$kfit_history <- h_resumed
  user$keras3_history <- h_keras3
  expect_identical(
    evalq(utils::capture.output(print(kfit_history)), user)[2],
    "Final epoch (plot to see history):"
  )
  expect_identical(evalq(unique(as.data.frame(kfit_history)$epoch), user), 3:5)
  expect_error(evalq(print(keras3_history), user), "not kfit's")
})
