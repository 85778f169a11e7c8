# Bad input, groups "model-inputs", "multi-input", "labels", "class_weight":
# data checked against the model before training, in R's words (shapes
# (NA, 10), 1-based elements, `x[[2]]`, list("1" = 1)). Inputs of the
# wrong shape or number (matrices, data frames, vectors, generator batches),
# inputs of a two-input model that are too few, too many, misnamed or in
# another order, class labels the model cannot output (out of range,
# 1-based, fractions, one-hot, a factor with unused levels), and
# `class_weight` keys or lengths the model cannot use. Valid but unusual
# inputs (a data frame of 10 numeric columns, a named list in any order, a
# factor `y`, weights by level name) check the result.

put <- function(x, value, ...) {
  x[...] <- value
  x
}

# fit_generator() without its deprecation warning (deprecated on purpose).
quiet_fit_generator <- function(...) {
  withCallingHandlers(
    fit_generator(..., verbose = 0),
    kfit_deprecation_warning = function(w) invokeRestart("muffleWarning")
  )
}

# A generator function() of `n` batches of `size` rows (then it starts over).
model_gen <- function(x, y, n = 4L, size = 16L) {
  i <- 0L
  function() {
    i <<- i %% n + 1L
    rows <- ((i - 1L) * size + 1L):(i * size)
    take <- function(v) if (is.list(v)) lapply(v, take) else
      if (is.null(dim(v))) v[rows] else v[rows, , drop = FALSE]
    list(take(x), take(y))
  }
}

# The run trained one epoch on `samples` rows and changed the weights.
model_trained <- function(kind = "classifier", samples = 64L) {
  function(history, model) {
    expect_s3_class(history, "keras_training_history")
    expect_length(history$metrics$loss, 1L)
    expect_true(is.finite(history$metrics$loss))
    if (!is.null(samples)) expect_identical(history$params$samples, as.integer(samples))
    expect_false(identical(model_weights(model), model_weights(bad_input_model(kind))))
  }
}

# class_weight changed the loss (it trained, and not to the unweighted loss).
weighted_loss <- function(y_of = function(d) d$y) {
  function(history, model) {
    model_trained()(history, model)
    d <- bad_input_data()
    plain <- fit(bad_input_model(), d$x, y_of(d), verbose = 0)
    expect_false(isTRUE(all.equal(history$metrics$loss, plain$metrics$loss)))
  }
}

animals <- function(d, levels = c("cat", "dog", "fish")) {
  factor(c("cat", "dog", "fish")[d$y + 1], levels = levels)
}

first_label <- function(y, bad) which(bad(y))[1]

recompile <- function(model, loss) {
  model$compile(optimizer = "sgd", loss = loss)
  model
}

shape_7 <- "has 7 columns but the model's input `features` expects 10 (shape (NA, 10))."

cases <- list(
  # -- inputs against the model ---------------------------------------------
  bad_case("model-x-7-columns", "model-inputs",
           function(model, d) fit(model, d$x[, 1:7], d$y, verbose = 0),
           class = "kfit_shape_error", argument = "x",
           fragment = paste("Argument `x`", shape_7), snapshot = TRUE),
  bad_case("model-x-7-columns-received", "model-inputs",
           function(model, d) fit(model, d$x[, 1:7], d$y, verbose = 0),
           class = "kfit_shape_error", argument = "x",
           fragment = "Received: a numeric matrix with 64 rows and 7 columns"),
  bad_case("model-x-7-columns-hint", "model-inputs",
           function(model, d) fit(model, d$x[, 1:7], d$y, verbose = 0),
           class = "kfit_shape_error", argument = "x",
           fragment = "keras_input(shape = 7)"),
  bad_case("model-x-data-frame-7-columns", "model-inputs",
           function(model, d) fit(model, as.data.frame(d$x[, 1:7]), d$y, verbose = 0),
           class = "kfit_shape_error", argument = "x",
           fragment = "Received: a data frame with 64 rows and 7 columns",
           snapshot = TRUE),
  bad_case("model-x-vector", "model-inputs",
           function(model, d) fit(model, d$x[, 1], d$y, verbose = 0),
           class = "kfit_shape_error", argument = "x",
           fragment = paste("is a vector (64 values) but the model's input `features`",
                            "expects 10 columns per sample (shape (NA, 10))"),
           snapshot = TRUE),
  bad_case("model-x-vector-hint", "model-inputs",
           function(model, d) fit(model, d$x[, 1], d$y, verbose = 0),
           class = "kfit_shape_error", argument = "x",
           fragment = "matrix(x, nrow = 1)"),
  bad_case("model-x-array-3d", "model-inputs",
           function(model, d) fit(model, array(d$x, c(64, 5, 2)), d$y, verbose = 0),
           class = "kfit_shape_error", argument = "x",
           fragment = "has shape (64, 5, 2) but the model's input `features` expects 2 dimensions"),
  bad_case("model-x-11-columns-regression", "model-inputs",
           function(model, d) fit(model, cbind(d$x, 1), d$y_reg, verbose = 0),
           class = "kfit_shape_error", argument = "x",
           fragment = "has 11 columns but the model's input `features` expects 10",
           model = "regression"),
  bad_case("model-x-list-of-two", "model-inputs",
           function(model, d) fit(model, list(d$x, d$x), d$y, verbose = 0),
           class = "kfit_shape_error", argument = "x",
           fragment = "is a list of 2 arrays but the model has one input, `features`"),
  bad_case("model-x-unknown-name", "model-inputs",
           function(model, d) fit(model, list(feat = d$x), d$y, verbose = 0),
           class = "kfit_shape_error", argument = "x",
           fragment = "Argument `x[[\"feat\"]]` names no input of the model"),
  bad_case("model-validation-7-columns", "model-inputs",
           function(model, d) {
             fit(model, d$x, d$y, validation_data = list(d$x[1:16, 1:7], d$y[1:16]),
                 verbose = 0)
           },
           class = "kfit_shape_error", argument = "validation_data",
           fragment = "Argument `validation_data[[1]]` has 7 columns", snapshot = TRUE),
  bad_case("model-split-7-columns", "model-inputs",
           function(model, d) {
             fit(model, d$x[, 1:7], d$y, validation_split = 0.25, verbose = 0)
           },
           class = "kfit_shape_error", argument = "x", fragment = shape_7),
  bad_case("model-generator-7-columns", "model-inputs",
           function(model, d) {
             fit(model, model_gen(d$x[, 1:7], d$y), steps_per_epoch = 4, workers = 0,
                 verbose = 0)
           },
           class = "kfit_source_error", argument = "x",
           fragment = paste("The R generator `x` returned inputs with 7 columns but",
                            "the model's input `features` expects 10 (shape (NA, 10))",
                            "(at epoch 1, step 1)."),
           snapshot = TRUE),
  bad_case("model-generator-7-columns-worker", "model-inputs",
           function(model, d) {
             fit(model, model_gen(d$x[, 1:7], d$y), steps_per_epoch = 4, verbose = 0)
           },
           class = "kfit_source_error", argument = "x",
           fragment = "The R generator `x` returned inputs with 7 columns"),
  bad_case("model-fit-generator-7-columns", "model-inputs",
           function(model, d) {
             quiet_fit_generator(model, model_gen(d$x[, 1:7], d$y),
                                 steps_per_epoch = 4, workers = 0)
           },
           class = "kfit_source_error", argument = "generator",
           fragment = "The R generator `generator` returned inputs with 7 columns"),
  bad_case("model-index-dataset-vector", "model-inputs",
           function(model, d) {
             fit(model, function(i) list(d$x[1:16, 1], d$y[1:16]), steps_per_epoch = 2,
                 workers = 0, verbose = 0)
           },
           class = "kfit_source_error", argument = "x",
           fragment = "returned inputs that are a vector (16 values)"),
  bad_case("model-validation-generator-7-columns", "model-inputs",
           function(model, d) {
             fit(model, d$x, d$y, validation_data = model_gen(d$x[, 1:7], d$y),
                 validation_steps = 2, workers = 0, verbose = 0)
           },
           class = "kfit_source_error", argument = "validation_data",
           fragment = "The R generator `validation_data` returned inputs with 7 columns"),
  bad_case("model-x-data-frame", "model-inputs",
           function(model, d) fit(model, as.data.frame(d$x), d$y, verbose = 0),
           check = model_trained()),
  bad_case("model-x-integer-matrix", "model-inputs",
           function(model, d) {
             fit(model, matrix(sample(0:3, 640, TRUE), 64, 10), d$y, verbose = 0)
           },
           check = model_trained()),
  bad_case("model-x-named-list-of-one", "model-inputs",
           function(model, d) fit(model, list(features = d$x), d$y, verbose = 0),
           check = model_trained()),

  # -- models of several inputs ---------------------------------------------
  bad_case("model-two-one-matrix", "multi-input",
           function(model, d) fit(model, d$x, d$y_reg, verbose = 0),
           class = "kfit_shape_error", argument = "x",
           fragment = paste("Argument `x` is one array but the model has 2 inputs:",
                            "`a` (shape (NA, 3)) and `b` (shape (NA, 5))."),
           model = "two_inputs", snapshot = TRUE),
  bad_case("model-two-one-matrix-hint", "multi-input",
           function(model, d) fit(model, d$x, d$y_reg, verbose = 0),
           class = "kfit_shape_error", argument = "x",
           fragment = "list(a = ..., b = ...)", model = "two_inputs"),
  bad_case("model-two-list-of-three", "multi-input",
           function(model, d) fit(model, list(d$xa, d$xb, d$xa), d$y_reg, verbose = 0),
           class = "kfit_shape_error", argument = "x",
           fragment = "is a list of 3 arrays but the model has 2 inputs",
           model = "two_inputs"),
  bad_case("model-two-other-order", "multi-input",
           function(model, d) fit(model, list(d$xb, d$xa), d$y_reg, verbose = 0),
           class = "kfit_shape_error", argument = "x",
           fragment = "element 1 fits input `b`, element 2 fits input `a`",
           model = "two_inputs", snapshot = TRUE),
  bad_case("model-two-unknown-name", "multi-input",
           function(model, d) fit(model, list(a = d$xa, c = d$xb), d$y_reg, verbose = 0),
           class = "kfit_shape_error", argument = "x",
           fragment = paste("Argument `x[[\"c\"]]` names no input of the model: its",
                            "inputs are `a` (shape (NA, 3)) and `b` (shape (NA, 5))."),
           model = "two_inputs", snapshot = TRUE),
  bad_case("model-two-unknown-name-received", "multi-input",
           function(model, d) fit(model, list(a = d$xa, c = d$xb), d$y_reg, verbose = 0),
           class = "kfit_shape_error", argument = "x",
           fragment = "Received: c(\"a\", \"c\")", model = "two_inputs"),
  bad_case("model-two-missing-name", "multi-input",
           function(model, d) fit(model, list(a = d$xa), d$y_reg, verbose = 0),
           class = "kfit_shape_error", argument = "x",
           fragment = "has no element for the model's input `b` (shape (NA, 5))",
           model = "two_inputs", snapshot = TRUE),
  bad_case("model-two-wrong-shape-by-name", "multi-input",
           function(model, d) fit(model, list(a = d$xa, b = d$xa), d$y_reg, verbose = 0),
           class = "kfit_shape_error", argument = "x",
           fragment = "Argument `x[[\"b\"]]` has 3 columns but the model's input `b` expects 5",
           model = "two_inputs"),
  bad_case("model-two-wrong-shape-by-position", "multi-input",
           function(model, d) fit(model, list(d$xa, d$xa), d$y_reg, verbose = 0),
           class = "kfit_shape_error", argument = "x",
           fragment = "Argument `x[[2]]` has 3 columns but the model's input `b` expects 5",
           model = "two_inputs"),
  bad_case("model-two-validation-other-order", "multi-input",
           function(model, d) {
             fit(model, list(a = d$xa, b = d$xb), d$y_reg,
                 validation_data = list(list(d$xb, d$xa), d$y_reg), verbose = 0)
           },
           class = "kfit_shape_error", argument = "validation_data",
           fragment = "Argument `validation_data[[1]]` is a list of the model's inputs in another order",
           model = "two_inputs"),
  bad_case("model-two-generator-one-matrix", "multi-input",
           function(model, d) {
             fit(model, model_gen(d$x, d$y_reg), steps_per_epoch = 4, workers = 0,
                 verbose = 0)
           },
           class = "kfit_source_error", argument = "x",
           fragment = "The R generator `x` returned inputs that are one array but the model has 2 inputs",
           model = "two_inputs"),
  bad_case("model-two-generator-unknown-name", "multi-input",
           function(model, d) {
             fit(model, model_gen(list(a = d$xa, c = d$xb), d$y_reg), steps_per_epoch = 4,
                 workers = 0, verbose = 0)
           },
           class = "kfit_source_error", argument = "x",
           fragment = "returned `inputs[[\"c\"]]` that names no input of the model",
           model = "two_inputs"),
  bad_case("model-two-named-any-order", "multi-input",
           function(model, d) fit(model, list(b = d$xb, a = d$xa), d$y_reg, verbose = 0),
           check = model_trained("two_inputs"), model = "two_inputs"),
  bad_case("model-two-unnamed-in-order", "multi-input",
           function(model, d) fit(model, list(d$xa, d$xb), d$y_reg, verbose = 0),
           check = model_trained("two_inputs"), model = "two_inputs"),
  bad_case("model-two-data-frames", "multi-input",
           function(model, d) {
             fit(model, list(a = as.data.frame(d$xa), b = as.data.frame(d$xb)), d$y_reg,
                 verbose = 0)
           },
           check = model_trained("two_inputs"), model = "two_inputs"),

  # -- class labels ---------------------------------------------------------
  bad_case("model-labels-one-based", "labels",
           function(model, d) fit(model, d$x, d$y + 1, verbose = 0),
           class = "kfit_label_error", argument = "y",
           fragment = "has label 3 at element ", snapshot = TRUE),
  bad_case("model-labels-one-based-where", "labels",
           function(model, d) fit(model, d$x, d$y + 1L, verbose = 0),
           class = "kfit_label_error", argument = "y",
           fragment = paste0("has label 3 at element ",
                             first_label(bad_input_data()$y + 1L, function(y) y == 3),
                             ", but the model outputs 3 classes (0 to 2).")),
  bad_case("model-labels-one-based-hint", "labels",
           function(model, d) fit(model, d$x, d$y + 1, verbose = 0),
           class = "kfit_label_error", argument = "y",
           fragment = "or pass a factor: fit() gives Keras its 0-based level codes"),
  bad_case("model-labels-too-big", "labels",
           function(model, d) fit(model, d$x, put(d$y, 7, 5), verbose = 0),
           class = "kfit_label_error", argument = "y",
           fragment = "has label 7 at element 5, but the model outputs 3 classes (0 to 2).",
           snapshot = TRUE),
  bad_case("model-labels-negative", "labels",
           function(model, d) fit(model, d$x, put(d$y, -1, 9), verbose = 0),
           class = "kfit_label_error", argument = "y",
           fragment = "has label -1 at element 9"),
  bad_case("model-labels-column", "labels",
           function(model, d) fit(model, d$x, matrix(put(d$y, 3, 2)), verbose = 0),
           class = "kfit_label_error", argument = "y",
           fragment = "has label 3 at element 2"),
  bad_case("model-labels-fractions", "labels",
           function(model, d) fit(model, d$x, put(d$y, 0.5, 4), verbose = 0),
           class = "kfit_label_error", argument = "y",
           fragment = "has label 0.5 at element 4, but `sparse_categorical_crossentropy` needs whole-number class labels, 0 to 2."),
  bad_case("model-labels-one-hot", "labels",
           function(model, d) fit(model, d$x, diag(3)[d$y + 1, ], verbose = 0),
           class = "kfit_label_error", argument = "y",
           fragment = "has shape (64, 3) (one-hot targets?)"),
  bad_case("model-labels-one-hot-hint", "labels",
           function(model, d) fit(model, d$x, diag(3)[d$y + 1, ], verbose = 0),
           class = "kfit_label_error", argument = "y",
           fragment = "max.col(y) - 1"),
  bad_case("model-labels-na", "labels",
           function(model, d) fit(model, d$x, put(d$y, NA, 6), verbose = 0),
           class = "kfit_value_error", argument = "y",
           fragment = "Argument `y` has NA at element 6."),
  bad_case("model-labels-factor-unused-level", "labels",
           function(model, d) {
             fit(model, d$x, animals(d, c("cat", "dog", "fish", "bird")), verbose = 0)
           },
           class = "kfit_label_error", argument = "y",
           fragment = paste("Argument `y` is a factor with 4 levels (unused: \"bird\")",
                            "but the model outputs 3 classes (0 to 2)."),
           snapshot = TRUE),
  bad_case("model-labels-factor-unused-hint", "labels",
           function(model, d) {
             fit(model, d$x, animals(d, c("cat", "dog", "fish", "bird")), verbose = 0)
           },
           class = "kfit_label_error", argument = "y", fragment = "droplevels(y)"),
  bad_case("model-labels-factor-four-used", "labels",
           function(model, d) {
             y <- factor(c("a", "b", "c", "d")[(seq_len(64) %% 4) + 1])
             fit(model, d$x, y, verbose = 0)
           },
           class = "kfit_label_error", argument = "y",
           fragment = "is a factor with 4 levels but the model outputs 3 classes"),
  bad_case("model-labels-validation", "labels",
           function(model, d) {
             fit(model, d$x, d$y, validation_data = list(d$x[1:8, ], d$y[1:8] + 1),
                 verbose = 0)
           },
           class = "kfit_label_error", argument = "validation_data",
           fragment = "Argument `validation_data[[2]]` has label 3"),
  bad_case("model-labels-loss-instance", "labels",
           function(model, d) {
             keras <- keras_module()
             recompile(model, keras$losses$SparseCategoricalCrossentropy())
             fit(model, d$x, put(d$y, 3, 1), verbose = 0)
           },
           class = "kfit_label_error", argument = "y",
           fragment = "has label 3 at element 1"),
  bad_case("model-labels-generator-first", "labels",
           function(model, d) {
             fit(model, model_gen(d$x, d$y + 1), steps_per_epoch = 4, workers = 0,
                 verbose = 0)
           },
           class = "kfit_source_error", argument = "x",
           fragment = "The R generator `x` returned targets with label 3 at element ",
           snapshot = TRUE),
  bad_case("model-labels-generator-later", "labels",
           function(model, d) {
             i <- 0L
             gen <- function() {
               i <<- i + 1L
               if (i == 1L) return(list(d$x[1:16, ], d$y[1:16], rep(0, 16)))
               list(d$x[17:32, ], put(d$y[17:32], 5L, 3), rep(1, 16))
             }
             fit(model, gen, steps_per_epoch = 2, workers = 0, verbose = 0)
           },
           class = "kfit_training_error",
           fragment = paste("returned targets with label 5 at element 3, but the",
                            "model outputs 3 classes (0 to 2) (at epoch 1, step 2).")),
  bad_case("model-labels-categorical", "labels",
           function(model, d) {
             fit(recompile(model, "categorical_crossentropy"), d$x, d$y, verbose = 0)
           },
           class = "kfit_label_error", argument = "y",
           fragment = "keras3::to_categorical(y, 3)"),
  bad_case("model-targets-mse-columns", "labels",
           function(model, d) fit(model, d$x, cbind(d$y_reg, d$y_reg), verbose = 0),
           class = "kfit_shape_error", argument = "y",
           fragment = "has 2 columns but the model's output has 1 (shape (NA, 1))",
           model = "regression"),
  bad_case("model-labels-factor", "labels",
           function(model, d) fit(model, d$x, animals(d), verbose = 0),
           check = model_trained()),
  bad_case("model-labels-factor-no-unused", "labels",
           function(model, d) fit(model, d$x, droplevels(animals(d, c("cat", "dog", "fish", "bird"))), verbose = 0),
           check = model_trained()),
  bad_case("model-labels-integer-column", "labels",
           function(model, d) fit(model, d$x, matrix(d$y), verbose = 0),
           check = model_trained()),

  # -- class_weight ---------------------------------------------------------
  bad_case("model-weights-one-based", "class_weight",
           function(model, d) {
             fit(model, d$x, d$y, class_weight = list("1" = 1, "2" = 5, "3" = 1),
                 verbose = 0)
           },
           class = "kfit_value_error", argument = "class_weight",
           fragment = "Received: list(\"1\" = 1, \"2\" = 5, \"3\" = 1)", snapshot = TRUE),
  bad_case("model-weights-one-based-factor", "class_weight",
           function(model, d) {
             fit(model, d$x, animals(d), class_weight = list("1" = 1, "2" = 5, "3" = 1),
                 verbose = 0)
           },
           class = "kfit_value_error", argument = "class_weight",
           fragment = "list(cat = 1, dog = 1, fish = 1)"),
  bad_case("model-weights-named-vector-one-based", "class_weight",
           function(model, d) {
             fit(model, d$x, d$y, class_weight = c("1" = 1, "2" = 5, "3" = 2),
                 verbose = 0)
           },
           class = "kfit_value_error", argument = "class_weight",
           fragment = "looks 1-based: its keys are 1 to 3"),
  bad_case("model-weights-beyond", "class_weight",
           function(model, d) {
             fit(model, d$x, d$y, class_weight = list("0" = 1, "5" = 2), verbose = 0)
           },
           class = "kfit_value_error", argument = "class_weight",
           fragment = "has a weight for class 5, but the model outputs 3 classes (0 to 2)."),
  bad_case("model-weights-beyond-levels", "class_weight",
           function(model, d) {
             y <- factor(c("no", "yes")[d$y %% 2 + 1])
             fit(model, d$x, y, class_weight = list("0" = 1, "2" = 2), verbose = 0)
           },
           class = "kfit_value_error", argument = "class_weight",
           fragment = "has a weight for class 2, but `y` is a factor with 2 levels."),
  bad_case("model-weights-short", "class_weight",
           function(model, d) fit(model, d$x, d$y, class_weight = c(1, 2), verbose = 0),
           class = "kfit_value_error", argument = "class_weight",
           fragment = "Received: c(1, 2)", snapshot = TRUE),
  bad_case("model-weights-long", "class_weight",
           function(model, d) fit(model, d$x, d$y, class_weight = c(1, 2, 1, 3), verbose = 0),
           class = "kfit_value_error", argument = "class_weight",
           fragment = "has 4 weights but the model outputs 3 classes (0 to 2)"),
  bad_case("model-weights-regression", "class_weight",
           function(model, d) {
             fit(model, d$x, d$y_reg, class_weight = list("0" = 1, "1" = 2), verbose = 0)
           },
           class = "kfit_value_error", argument = "class_weight",
           fragment = "the targets are continuous (the loss is \"mean_squared_error\")",
           model = "regression"),
  bad_case("model-weights-duplicate", "class_weight",
           function(model, d) {
             fit(model, d$x, d$y, class_weight = list("0" = 1, "0" = 2), verbose = 0)
           },
           class = "kfit_value_error", argument = "class_weight",
           fragment = "gives the name \"0\" more than once"),
  bad_case("model-weights-duplicate-vector", "class_weight",
           function(model, d) {
             fit(model, d$x, d$y, class_weight = c("1" = 1, "1" = 2), verbose = 0)
           },
           class = "kfit_value_error", argument = "class_weight",
           fragment = "Argument `class_weight` gives the name \"1\" more than once."),
  bad_case("model-weights-unknown-level", "class_weight",
           function(model, d) {
             fit(model, d$x, animals(d), class_weight = list(cat = 1, bird = 2),
                 verbose = 0)
           },
           class = "kfit_value_error", argument = "class_weight",
           fragment = "has key \"bird\", which is not a 0-based class index."),
  bad_case("model-weights-negative", "class_weight",
           function(model, d) {
             fit(model, d$x, d$y, class_weight = list("0" = -1), verbose = 0)
           },
           class = "kfit_value_error", argument = "class_weight",
           fragment = "for class \"0\": -1."),
  bad_case("model-weights-generator-beyond", "class_weight",
           function(model, d) {
             fit(model, model_gen(d$x, d$y), steps_per_epoch = 4, workers = 0,
                 class_weight = list("0" = 1, "4" = 2), verbose = 0)
           },
           class = "kfit_value_error", argument = "class_weight",
           fragment = "has a weight for class 4"),
  bad_case("model-weights-by-level", "class_weight",
           function(model, d) {
             fit(model, d$x, animals(d), class_weight = list(dog = 5, cat = 1),
                 verbose = 0)
           },
           check = weighted_loss(function(d) animals(d))),
  bad_case("model-weights-zero-based", "class_weight",
           function(model, d) {
             fit(model, d$x, d$y, class_weight = list("0" = 1, "1" = 5), verbose = 0)
           },
           check = weighted_loss()),
  bad_case("model-weights-vector", "class_weight",
           function(model, d) fit(model, d$x, d$y, class_weight = c(1, 5, 2), verbose = 0),
           check = weighted_loss()),
  bad_case("model-weights-generator", "class_weight",
           function(model, d) {
             fit(model, model_gen(d$x, d$y), steps_per_epoch = 4, workers = 0,
                 class_weight = c(1, 2, 3), verbose = 0)
           },
           check = model_trained(samples = NULL))
)
