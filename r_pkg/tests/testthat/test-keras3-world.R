# keras3 on reticulate >= 1.46 with NumPy 2: the "cran" R world only. `make
# rtest` leaves test-keras3* files out of the "debian" world, and so does
# `tests/testthat.R` with the same filter.

test_that("keras3 builds and compiles a model, on NumPy 2", {
  expect_identical(Sys.getenv("KFIT_R_WORLD"), "cran")
  np <- reticulate::import("numpy")
  expect_match(np$`__version__`, "^2")
  # In a child R session: loading keras3 registers its own S3 methods for
  # fit() on Keras models and for keras_training_history, which would mask
  # kfit's for the rest of this session's tests.
  model <- callr::r(function() {
    model <- keras3::keras_model_sequential(input_shape = 4) |>
      keras3::layer_dense(1)
    keras3::compile(model, loss = "mse")
    list(compiled = model$compiled, output_shape = model$output_shape)
  })
  expect_true(model$compiled)
  expect_identical(model$output_shape, list(NULL, 1L))
})
