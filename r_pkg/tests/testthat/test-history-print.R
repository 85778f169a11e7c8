# print() -------------------------------------------------------------------

test_that("print() shows the last value of every metric, like keras3", {
  expect_identical(
    capture.output(print(h_plain)),
    c("", "Final epoch (plot to see history):", "accuracy: 0.36", "    loss: 1.25")
  )
  expect_identical(
    capture.output(print(h_val)),
    c(
      "", "Final epoch (plot to see history):",
      "    accuracy: 0.35", "        loss: 1.102",
      "val_accuracy: 0.4", "    val_loss: 1.061"
    )
  )
  expect_identical(
    capture.output(print(h_resumed)),
    c("", "Final epoch (plot to see history):", "accuracy: 0.535", "    loss: 0.9851")
  )
  # autoprint uses the same method
  expect_identical(capture.output(h_val), capture.output(print(h_val)))
  expect_snapshot(print(h_val))
})

test_that("print() shows the last computed value with validation_freq = 2", {
  expect_identical(
    capture.output(print(h_freq)),
    c(
      "", "Final epoch (plot to see history):",
      "    accuracy: 0.5188", "        loss: 0.991",
      "val_accuracy: 0.45", "    val_loss: 1.055"
    )
  )
  expect_snapshot(h_freq)
})

test_that("print() formats each value on its own with 4 significant digits", {
  h <- new_keras_training_history(
    params = list(),
    metrics = list(lr = c(1e-3, 3.6e-05), loss = c(2, 1234.567), val_auc = c(NA_real_, NA_real_))
  )
  expect_identical(
    capture.output(print(h)),
    c(
      "", "Final epoch (plot to see history):",
      "     lr: 3.6e-05", "   loss: 1235", "val_auc: NA"
    )
  )
})

test_that("print() returns its input invisibly", {
  capture.output(out <- withVisible(print(h_val)))
  expect_false(out$visible)
  expect_identical(out$value, h_val)
})

test_that("print() handles a history with no completed epochs", {
  lines <- c("", "Final epoch (plot to see history):", "(no epochs completed)")
  expect_identical(capture.output(print(h_empty)), lines)
  h <- new_keras_training_history(
    params = history_params(0L),
    metrics = list(loss = numeric(), val_loss = numeric())
  )
  expect_identical(capture.output(print(h)), lines)
  expect_snapshot(h_empty)
})
