# The bridge to the core (R/core.R): what comes back from a run, errors and
# output included.

test_that("errors from Keras come back as R conditions without the traceback", {
  skip_if_no_core()
  # A model kfit cannot check before Keras builds it (no Input), which Keras
  # then fails to build: Keras' own message, without its terminal colours.
  keras <- keras_module()
  model <- keras$Sequential(list(keras$layers$Dense(8L),
                                 keras$layers$Reshape(list(3L, 3L))))
  model$compile(optimizer = "adam", loss = "mse")
  err <- expect_error(fit(model, iris_x(), array(0, c(150, 3, 3)), verbose = 0),
                      class = "kfit_python_error")
  expect_match(conditionMessage(err), "The total size of the tensor must be unchanged",
               fixed = TRUE)
  # Keras' own lines stay lines: "Arguments received by ...:" starts one
  expect_match(conditionMessage(err),
               "\n *Arguments received by Reshape\\.call\\(\\):\n *\u2022 args=")
  expect_no_match(conditionMessage(err), "\033[", fixed = TRUE)
  expect_no_match(conditionMessage(err), "Traceback")
  expect_match(err$python_traceback, "Traceback")
})

test_that("progress follows R's current output, fit after fit (sink-aware)", {
  skip_if_no_core()
  first <- capture.output(fit(small_model(), iris_x(), iris$Species, epochs = 1,
                              batch_size = 50, verbose = 2))
  second <- capture.output(fit(small_model(), iris_x(), iris$Species, epochs = 1,
                               batch_size = 50, verbose = 2))
  expect_match(first, "^3/3 - .* - loss: [0-9.]+$")
  expect_match(second, "^3/3 - .* - loss: [0-9.]+$")
})
