# Bad input, group "values": what in-memory data holds. NA, NaN and Inf
# (R says NA for both NA and NaN, with 1-based rows and columns), zero rows,
# characters and other values that are no numbers, data frame columns that
# are no numbers (Dates train on day counts unless converted on purpose),
# sample weights, and the form of `validation_data` / `generator`. Valid but
# unusual inputs (logical and integer data, a 3-D array, per-timestep
# weights, a data frame of numeric, integer and logical columns) check the
# result.

put <- function(x, value, ...) {
  x[...] <- value
  x
}

frame_with <- function(d, column, name = "when") {
  df <- as.data.frame(d$x[, 1:9])
  df[[name]] <- column
  df
}

# A model on 3-D input (samples x 5 timesteps x 2 features) with one output
# per timestep.
temporal_model <- function() {
  keras <- keras_module()
  keras$utils$set_random_seed(3L)
  model <- keras$Sequential(list(keras$Input(shape = list(5L, 2L)),
                                 keras$layers$Dense(1L)))
  model$compile(optimizer = "sgd", loss = "mse")
  model
}

temporal_data <- function(d) {
  list(x = array(d$x, c(64, 5, 2)), y = array(rep(d$y_reg, 5), c(64, 5, 1)))
}

# The run trained `epochs` epochs on `samples` rows and changed the weights.
trained <- function(epochs = 1L, samples = 64L, kind = "classifier") {
  function(history, model) {
    expect_s3_class(history, "keras_training_history")
    expect_length(history$metrics$loss, epochs)
    expect_true(all(is.finite(history$metrics$loss)))
    expect_identical(history$params$samples, as.integer(samples))
    expect_false(identical(model_weights(model), model_weights(bad_input_model(kind))))
  }
}

validated <- function(samples) {
  function(history, model) {
    expect_identical(history$params$validation_samples, as.integer(samples))
    expect_length(history$metrics$val_loss, 1L)
    expect_true(is.finite(history$metrics$val_loss))
  }
}

# fit_generator() without its deprecation warning (deprecated on purpose).
quiet_fit_generator <- function(...) {
  withCallingHandlers(
    fit_generator(..., verbose = 0),
    kfit_deprecation_warning = function(w) invokeRestart("muffleWarning")
  )
}

cases <- list(
  # -- non-finite ---------------------------------------------------------------
  bad_case("values-na-x", "non-finite",
           function(model, d) fit(model, put(d$x, NA, 3, 2), d$y, verbose = 0),
           class = "kfit_value_error", argument = "x",
           fragment = "Argument `x` has NA at row 3, column 2.", snapshot = TRUE),
  bad_case("values-nan-x", "non-finite",
           function(model, d) fit(model, put(d$x, NaN, 5, 1), d$y, verbose = 0),
           class = "kfit_value_error", argument = "x",
           fragment = "`x` has NA at row 5, column 1."),
  bad_case("values-inf-x", "non-finite",
           function(model, d) fit(model, put(d$x, Inf, 1, 10), d$y, verbose = 0),
           class = "kfit_value_error", argument = "x",
           fragment = "`x` has Inf at row 1, column 10.", snapshot = TRUE),
  bad_case("values-neg-inf-x", "non-finite",
           function(model, d) fit(model, put(d$x, -Inf, 64, 4), d$y, verbose = 0),
           class = "kfit_value_error", argument = "x",
           fragment = "`x` has -Inf at row 64, column 4."),
  bad_case("values-na-several", "non-finite",
           function(model, d) fit(model, put(d$x, NA, 2:5, 7), d$y, verbose = 0),
           class = "kfit_value_error", argument = "x",
           fragment = "row 2, column 7 and 3 more NA, NaN or Inf."),
  bad_case("values-na-integer-matrix", "non-finite",
           function(model, d) {
             x <- matrix(sample(0:9, 640, TRUE), 64, 10)
             fit(model, put(x, NA_integer_, 8, 3), d$y, verbose = 0)
           },
           class = "kfit_value_error", argument = "x",
           fragment = "`x` has NA at row 8, column 3."),
  bad_case("values-na-logical-matrix", "non-finite",
           function(model, d) fit(model, put(d$x > 0, NA, 10, 10), d$y, verbose = 0),
           class = "kfit_value_error", argument = "x",
           fragment = "`x` has NA at row 10, column 10."),
  bad_case("values-na-y-factor", "non-finite",
           function(model, d) {
             y <- factor(c("lo", "mid", "hi")[d$y + 1], levels = c("lo", "mid", "hi"))
             fit(model, d$x, put(y, NA, 5), verbose = 0)
           },
           class = "kfit_value_error", argument = "y",
           fragment = "Argument `y` has NA at element 5.", snapshot = TRUE),
  bad_case("values-na-y-regression", "non-finite",
           function(model, d) fit(model, d$x, put(d$y_reg, NA, 17), verbose = 0),
           class = "kfit_value_error", argument = "y",
           fragment = "`y` has NA at element 17.", model = "regression"),
  bad_case("values-inf-y", "non-finite",
           function(model, d) fit(model, d$x, put(d$y_reg, Inf, 1), verbose = 0),
           class = "kfit_value_error", argument = "y",
           fragment = "`y` has Inf at element 1.", model = "regression"),
  bad_case("values-na-input-list", "non-finite",
           function(model, d) {
             fit(model, list(d$xa, put(d$xb, NA, 2, 5)), d$y_reg, verbose = 0)
           },
           class = "kfit_value_error", argument = "x",
           fragment = "`x[[2]]` has NA at row 2, column 5.", model = "two_inputs",
           snapshot = TRUE),
  bad_case("values-nan-input-named", "non-finite",
           function(model, d) {
             fit(model, list(a = put(d$xa, NaN, 4, 1), b = d$xb), d$y_reg, verbose = 0)
           },
           class = "kfit_value_error", argument = "x",
           fragment = "`x[[\"a\"]]` has NA at row 4, column 1.", model = "two_inputs"),
  bad_case("values-na-data-frame", "non-finite",
           function(model, d) {
             fit(model, put(as.data.frame(d$x), NA, 4, 2), d$y, verbose = 0)
           },
           class = "kfit_value_error", argument = "x",
           fragment = "Received: a data frame with 64 rows and 10 columns"),
  bad_case("values-na-before-split", "non-finite",
           function(model, d) {
             fit(model, put(d$x, NA, 60, 1), d$y, validation_split = 0.25, verbose = 0)
           },
           class = "kfit_value_error", argument = "x",
           fragment = "`x` has NA at row 60, column 1."),
  bad_case("values-na-validation-x", "non-finite",
           function(model, d) {
             fit(model, d$x, d$y, validation_data = list(put(d$x, NA, 3, 2), d$y),
                 verbose = 0)
           },
           class = "kfit_value_error", argument = "validation_data",
           fragment = "`validation_data[[1]]` has NA at row 3, column 2.",
           snapshot = TRUE),
  bad_case("values-na-validation-y", "non-finite",
           function(model, d) {
             fit(model, d$x, d$y, validation_data = list(d$x, put(d$y, NA, 9)),
                 verbose = 0)
           },
           class = "kfit_value_error", argument = "validation_data",
           fragment = "`validation_data[[2]]` has NA at element 9."),
  bad_case("values-na-3d-array", "non-finite",
           function(model, d) {
             td <- temporal_data(d)
             fit(temporal_model(), put(td$x, NA, 2, 3, 1), td$y, verbose = 0)
           },
           class = "kfit_value_error", argument = "x",
           fragment = "`x` has NA at [2, 3, 1]."),
  # -- zero rows ----------------------------------------------------------------
  bad_case("values-zero-rows-x", "zero-rows",
           function(model, d) fit(model, d$x[0, ], d$y[0], verbose = 0),
           class = "kfit_value_error", argument = "x",
           fragment = "Received: a numeric matrix with 0 rows and 10 columns",
           snapshot = TRUE),
  bad_case("values-empty-y", "zero-rows",
           function(model, d) fit(model, d$x, numeric(0), verbose = 0),
           class = "kfit_value_error", argument = "y",
           fragment = "Argument `y` has 0 rows"),
  bad_case("values-zero-rows-frame", "zero-rows",
           function(model, d) fit(model, as.data.frame(d$x)[0, ], integer(0), verbose = 0),
           class = "kfit_value_error", argument = "x",
           fragment = "Received: a data frame with 0 rows and 10 columns"),
  bad_case("values-zero-rows-weights", "zero-rows",
           function(model, d) fit(model, d$x, d$y, sample_weight = numeric(0), verbose = 0),
           class = "kfit_value_error", argument = "sample_weight",
           fragment = "Argument `sample_weight` has 0 rows"),
  bad_case("values-zero-rows-validation", "zero-rows",
           function(model, d) {
             fit(model, d$x, d$y, validation_data = list(d$x[0, ], d$y[0]), verbose = 0)
           },
           class = "kfit_value_error", argument = "validation_data",
           fragment = "Argument `validation_data[[1]]` has 0 rows"),
  bad_case("values-one-row", "zero-rows",
           function(model, d) fit(model, d$x[1, , drop = FALSE], d$y[1], epochs = 2, verbose = 0),
           check = trained(epochs = 2L, samples = 1L)),
  # -- types --------------------------------------------------------------------
  bad_case("values-character-matrix", "types",
           function(model, d) fit(model, matrix("a", 64, 10), d$y, verbose = 0),
           class = "kfit_type_error", argument = "x",
           fragment = "Received: a character matrix with 64 rows and 10 columns",
           snapshot = TRUE),
  bad_case("values-character-y", "types",
           function(model, d) fit(model, d$x, c("lo", "mid", "hi")[d$y + 1], verbose = 0),
           class = "kfit_type_error", argument = "y",
           fragment = "Received: a character vector of length 64"),
  bad_case("values-complex-matrix", "types",
           function(model, d) fit(model, d$x + 0i, d$y, verbose = 0),
           class = "kfit_type_error", argument = "x",
           fragment = "Received: a complex matrix with 64 rows and 10 columns"),
  bad_case("values-date-vector", "types",
           function(model, d) fit(model, as.Date("2024-01-01") + 0:63, d$y, verbose = 0),
           class = "kfit_type_error", argument = "x",
           fragment = "`x` must be numbers, not a Date vector."),
  bad_case("values-x-null", "types",
           function(model, d) fit(model, NULL, d$y, verbose = 0),
           class = "kfit_value_error", argument = "x",
           fragment = "Argument `x` is missing", snapshot = TRUE),
  bad_case("values-x-file-name", "types",
           function(model, d) fit(model, "train.csv", d$y, verbose = 0),
           class = "kfit_type_error", argument = "x",
           fragment = "Received: \"train.csv\""),
  bad_case("values-x-number", "types",
           function(model, d) fit(model, 5, d$y, verbose = 0),
           class = "kfit_value_error", argument = "x",
           fragment = "Argument `x` has 1 row but `y` has 64."),
  bad_case("values-character-in-list", "types",
           function(model, d) fit(model, list(d$xa, letters), d$y_reg, verbose = 0),
           class = "kfit_type_error", argument = "x",
           fragment = "Argument `x[[2]]` must be numeric", model = "two_inputs"),
  bad_case("values-y-missing", "types",
           function(model, d) fit(model, d$x, verbose = 0),
           class = "kfit_value_error", argument = "y",
           fragment = "Argument `y` is missing"),
  bad_case("values-logical-matrix", "types",
           function(model, d) fit(model, d$x > 0, d$y, epochs = 2, verbose = 0),
           check = trained(epochs = 2L)),
  bad_case("values-integer-matrix", "types",
           function(model, d) {
             fit(model, matrix(sample(-3:3, 640, TRUE), 64, 10), d$y, epochs = 2,
                 verbose = 0)
           },
           check = trained(epochs = 2L)),
  bad_case("values-3d-array", "types",
           function(model, d) {
             td <- temporal_data(d)
             m <- temporal_model()
             before <- model_weights(m)
             h <- fit(m, td$x, td$y, epochs = 2, verbose = 0)
             expect_false(identical(model_weights(m), before))
             h
           },
           check = function(history, model) {
             expect_identical(history$params$samples, 64L)
             expect_length(history$metrics$loss, 2L)
             expect_true(all(is.finite(history$metrics$loss)))
           }),
  # -- data frames --------------------------------------------------------------
  bad_case("values-frame-date", "data-frame",
           function(model, d) {
             fit(model, frame_with(d, as.Date("2024-01-01") + 0:63), d$y, verbose = 0)
           },
           class = "kfit_type_error", argument = "x",
           fragment = "column 10 (\"when\") is a Date vector.", snapshot = TRUE),
  bad_case("values-frame-posixct", "data-frame",
           function(model, d) {
             when <- as.POSIXct("2024-01-01", tz = "UTC") + 3600 * 0:63
             fit(model, frame_with(d, when), d$y, verbose = 0)
           },
           class = "kfit_type_error", argument = "x",
           fragment = "a date-time (POSIXct) vector", snapshot = TRUE),
  bad_case("values-frame-difftime", "data-frame",
           function(model, d) {
             fit(model, frame_with(d, as.difftime(1:64, units = "mins")), d$y, verbose = 0)
           },
           class = "kfit_type_error", argument = "x",
           fragment = "time difference (difftime)"),
  bad_case("values-frame-factor", "data-frame",
           function(model, d) {
             fit(model, frame_with(d, factor(rep(c("u", "v"), 32))), d$y, verbose = 0)
           },
           class = "kfit_type_error", argument = "x",
           fragment = "column 10 (\"when\") is a factor.", snapshot = TRUE),
  bad_case("values-frame-character", "data-frame",
           function(model, d) {
             fit(model, frame_with(d, as.character(1:64)), d$y, verbose = 0)
           },
           class = "kfit_type_error", argument = "x",
           fragment = "is a character vector."),
  bad_case("values-frame-list-column", "data-frame",
           function(model, d) fit(model, frame_with(d, I(as.list(1:64))), d$y, verbose = 0),
           class = "kfit_type_error", argument = "x",
           fragment = "column 10 (\"when\") is"),
  bad_case("values-frame-odd-name", "data-frame",
           function(model, d) {
             fit(model, frame_with(d, as.Date("2024-01-01") + 0:63, "sold on"), d$y,
                 verbose = 0)
           },
           class = "kfit_type_error", argument = "x",
           fragment = "as.numeric(x[[\"sold on\"]])"),
  bad_case("values-frame-in-input-list", "data-frame",
           function(model, d) {
             a <- as.data.frame(d$xa)
             a$V3 <- factor(rep(1:4, 16))
             fit(model, list(a = a, b = d$xb), d$y_reg, verbose = 0)
           },
           class = "kfit_type_error", argument = "x",
           fragment = "Argument `x[[\"a\"]]` has a column", model = "two_inputs"),
  bad_case("values-frame-numeric-integer-logical", "data-frame",
           function(model, d) {
             df <- as.data.frame(d$x[, 1:7])
             df$count <- rep(0:3, 16)
             df$flag <- rep(c(TRUE, FALSE), 32)
             df$id <- 1:64
             fit(model, df, d$y, epochs = 2, verbose = 0)
           },
           check = trained(epochs = 2L)),
  # -- sample_weight ------------------------------------------------------------
  bad_case("values-weights-factor", "sample_weight",
           function(model, d) {
             fit(model, d$x, d$y, sample_weight = factor(rep(c(1, 2), 32)), verbose = 0)
           },
           class = "kfit_type_error", argument = "sample_weight",
           fragment = "Received: a factor of length 64", snapshot = TRUE),
  bad_case("values-weights-negative", "sample_weight",
           function(model, d) {
             fit(model, d$x, d$y, sample_weight = put(rep(1, 64), -1, 4), verbose = 0)
           },
           class = "kfit_value_error", argument = "sample_weight",
           fragment = "has a negative weight, -1, at element 4.", snapshot = TRUE),
  bad_case("values-weights-na", "sample_weight",
           function(model, d) {
             fit(model, d$x, d$y, sample_weight = put(rep(1, 64), NA, 6), verbose = 0)
           },
           class = "kfit_value_error", argument = "sample_weight",
           fragment = "`sample_weight` has NA at element 6."),
  bad_case("values-weights-length", "sample_weight",
           function(model, d) fit(model, d$x, d$y, sample_weight = rep(1, 10), verbose = 0),
           class = "kfit_value_error", argument = "sample_weight",
           fragment = "`sample_weight` has 10 rows but `x` has 64."),
  bad_case("values-weights-character", "sample_weight",
           function(model, d) fit(model, d$x, d$y, sample_weight = rep("1", 64), verbose = 0),
           class = "kfit_type_error", argument = "sample_weight",
           fragment = "Received: a character vector of length 64"),
  bad_case("values-weights-validation-factor", "sample_weight",
           function(model, d) {
             fit(model, d$x, d$y, verbose = 0,
                 validation_data = list(d$x, d$y, factor(rep(1:2, 32))))
           },
           class = "kfit_type_error", argument = "validation_data",
           fragment = "Argument `validation_data[[3]]` must be numbers"),
  bad_case("values-weights-validation-negative", "sample_weight",
           function(model, d) {
             fit(model, d$x, d$y, verbose = 0,
                 validation_data = list(d$x, d$y, put(rep(1, 64), -0.5, 64)))
           },
           class = "kfit_value_error", argument = "validation_data",
           fragment = "negative weight, -0.5, at element 64."),
  bad_case("values-weights-zeros", "sample_weight",
           function(model, d) {
             fit(model, d$x, d$y, sample_weight = rep(c(0, 1), each = 32), verbose = 0)
           },
           check = trained()),
  bad_case("values-weights-per-timestep", "sample_weight",
           function(model, d) {
             td <- temporal_data(d)
             m <- temporal_model()
             before <- model_weights(m)
             w <- matrix(rep(c(1, 1, 0, 2, 1), each = 64), 64, 5)
             h <- fit(m, td$x, td$y, sample_weight = w, epochs = 2, verbose = 0)
             expect_false(identical(model_weights(m), before))
             h
           },
           check = function(history, model) {
             expect_identical(history$params$samples, 64L)
             expect_length(history$metrics$loss, 2L)
             expect_true(all(is.finite(history$metrics$loss)))
           }),
  # -- validation_data and generator --------------------------------------------
  bad_case("values-validation-matrix", "validation_data",
           function(model, d) fit(model, d$x, d$y, validation_data = d$x, verbose = 0),
           class = "kfit_value_error", argument = "validation_data",
           fragment = "Received: a numeric matrix with 64 rows and 10 columns",
           snapshot = TRUE),
  bad_case("values-validation-data-frame", "validation_data",
           function(model, d) {
             fit(model, d$x, d$y, validation_data = as.data.frame(d$x), verbose = 0)
           },
           class = "kfit_value_error", argument = "validation_data",
           fragment = "Received: a data frame with 64 rows and 10 columns"),
  bad_case("values-validation-named-list", "validation_data",
           function(model, d) {
             fit(model, d$x, d$y, validation_data = list(x = d$x, y = d$y), verbose = 0)
           },
           class = "kfit_value_error", argument = "validation_data",
           fragment = "Received: a named list of length 2 (x, y)", snapshot = TRUE),
  bad_case("values-validation-one-item", "validation_data",
           function(model, d) fit(model, d$x, d$y, validation_data = list(d$x), verbose = 0),
           class = "kfit_value_error", argument = "validation_data",
           fragment = "Received: a list of length 1"),
  bad_case("values-validation-four-items", "validation_data",
           function(model, d) {
             fit(model, d$x, d$y, verbose = 0,
                 validation_data = list(d$x, d$y, rep(1, 64), rep(1, 64)))
           },
           class = "kfit_value_error", argument = "validation_data",
           fragment = "Received: a list of length 4"),
  bad_case("values-validation-no-targets", "validation_data",
           function(model, d) {
             fit(model, d$x, d$y, validation_data = list(d$x, NULL), verbose = 0)
           },
           class = "kfit_value_error", argument = "validation_data",
           fragment = "Argument `validation_data[[2]]` is missing"),
  bad_case("values-validation-lengths", "validation_data",
           function(model, d) {
             fit(model, d$x, d$y, validation_data = list(d$x, d$y[1:10]), verbose = 0)
           },
           class = "kfit_value_error", argument = "validation_data",
           fragment = "has 10 rows but `validation_data[[1]]` has 64."),
  bad_case("values-validation-characters", "validation_data",
           function(model, d) {
             fit(model, d$x, d$y, validation_data = list("x_val", "y_val"), verbose = 0)
           },
           class = "kfit_type_error", argument = "validation_data",
           fragment = "Argument `validation_data[[1]]` must be numeric"),
  bad_case("values-generator-matrix", "validation_data",
           function(model, d) quiet_fit_generator(model, d$x, steps_per_epoch = 2),
           class = "kfit_type_error", argument = "generator",
           fragment = "Received: a numeric matrix with 64 rows and 10 columns",
           snapshot = TRUE),
  bad_case("values-generator-list", "validation_data",
           function(model, d) quiet_fit_generator(model, list(d$x, d$y), steps_per_epoch = 2),
           class = "kfit_type_error", argument = "generator",
           fragment = "Received: a list of length 2"),
  bad_case("values-generator-data-frame", "validation_data",
           function(model, d) {
             quiet_fit_generator(model, as.data.frame(d$x), steps_per_epoch = 2)
           },
           class = "kfit_type_error", argument = "generator",
           fragment = "Received: a data frame with 64 rows and 10 columns"),
  bad_case("values-validation-with-weights", "validation_data",
           function(model, d) {
             fit(model, d$x, d$y, verbose = 0,
                 validation_data = list(d$x[1:16, ], d$y[1:16], rep(c(0, 2), 8)))
           },
           check = validated(16L)),
  bad_case("values-validation-list", "validation_data",
           function(model, d) {
             fit(model, d$x, d$y, validation_data = list(d$x[1:20, ], d$y[1:20]),
                 verbose = 0)
           },
           check = validated(20L))
)
