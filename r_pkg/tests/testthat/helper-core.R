# Tests that train need kfit's Python core. `make test` sets
# KFIT_REQUIRE_CORE=true, so there a missing core fails instead of skipping.
skip_if_no_core <- function() {
  if (identical(Sys.getenv("KFIT_REQUIRE_CORE"), "true")) {
    return(invisible(TRUE))
  }
  if (!reticulate::py_module_available("kfit.r.host")) {
    testthat::skip("kfit's Python core is not available (run `make test`)")
  }
}

keras_module <- function() reticulate::import("keras")

# A compiled 3-class softmax model on 4 inputs, seeded.
small_model <- function(n_in = 4L, n_out = 3L, metrics = list("accuracy")) {
  keras <- keras_module()
  keras$utils$set_random_seed(1L)
  model <- keras$Sequential(list(
    keras$Input(shape = list(as.integer(n_in))),
    keras$layers$Dense(8L, activation = "relu"),
    keras$layers$Dense(as.integer(n_out), activation = "softmax")
  ))
  model$compile(optimizer = "adam", loss = "sparse_categorical_crossentropy",
                metrics = metrics)
  model
}

iris_x <- function() unname(scale(as.matrix(iris[1:4])))
