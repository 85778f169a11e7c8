# The bad-input tables (test-bad-input-*.R): each case is a call of fit()
# or fit_generator() on a fresh model from bad_input_model(), and either the
# error it must signal (its classes, the argument it names, a fragment of
# the message that shows what was received, in R's words) or, for inputs
# that are unusual but valid, a check of the result. A failing case leaves
# the model's weights unchanged. `snapshot = TRUE` also locks the message
# with expect_snapshot(error = TRUE).

# Clean data for the models: 64 rows of 10 features, classes 0..2.
bad_input_data <- function() {
  set.seed(7)
  list(
    x = matrix(rnorm(640), 64, 10),
    y = sample(0:2, 64, replace = TRUE),
    y_reg = rnorm(64),
    xa = matrix(rnorm(192), 64, 3),
    xb = matrix(rnorm(320), 64, 5)
  )
}

# "classifier": 10 inputs -> 3 classes, sparse categorical crossentropy;
# "regression": 10 inputs -> 1, mse; "two_inputs": inputs "a" (3) and
# "b" (5) -> 1, mse.
bad_input_model <- function(kind = "classifier") {
  keras <- keras_module()
  keras$utils$set_random_seed(3L)
  if (identical(kind, "two_inputs")) {
    a <- keras$Input(shape = list(3L), name = "a")
    b <- keras$Input(shape = list(5L), name = "b")
    out <- keras$layers$Dense(1L)(keras$layers$Concatenate()(list(a, b)))
    model <- keras$Model(list(a = a, b = b), out)
    model$compile(optimizer = "sgd", loss = "mse")
    return(model)
  }
  units <- if (identical(kind, "classifier")) 3L else 1L
  layers <- list(keras$Input(shape = list(10L), name = "features"))
  if (identical(kind, "classifier")) {
    layers <- c(layers, keras$layers$Dense(4L, activation = "relu"),
                keras$layers$Dense(units, activation = "softmax"))
  } else {
    layers <- c(layers, keras$layers$Dense(units))
  }
  model <- keras$Sequential(layers)
  model$compile(optimizer = "sgd", loss = if (units == 3L) "sparse_categorical_crossentropy" else "mse")
  model
}

# One case of a table.
bad_case <- function(id, group, call, class = NULL, argument = NULL,
                     fragment = NULL, check = NULL, model = "classifier",
                     snapshot = FALSE) {
  list(id = id, group = group, call = call, class = class, argument = argument,
       fragment = fragment, check = check, model = model, snapshot = snapshot)
}

# Run every case of `cases` as its own test.
run_bad_cases <- function(cases) {
  ids <- vapply(cases, `[[`, "", "id")
  stopifnot(!anyDuplicated(ids))
  for (case in cases) {
    test_that(paste0("bad input [", case$group, "]: ", case$id), {
      skip_if_no_core()
      run_bad_case(case)
    })
  }
  invisible(length(cases))
}

run_bad_case <- function(case) {
  model <- bad_input_model(case$model)
  d <- bad_input_data()
  before <- model_weights(model)
  if (is.null(case$class)) {
    result <- case$call(model, d)
    if (!is.null(case$check)) case$check(result, model)
    return(invisible())
  }
  err <- expect_error(case$call(model, d), class = case$class[[1]])
  for (cls in c(case$class, "kfit_error")) expect_s3_class(err, cls)
  message <- conditionMessage(err)
  if (!is.null(case$argument)) expect_identical(err$argument, case$argument, info = message)
  if (!is.null(case$fragment)) {
    expect_true(grepl(case$fragment, cli::ansi_strip(message), fixed = TRUE),
                info = message)
  }
  expect_false(grepl("\033[", message, fixed = TRUE), info = message) # no raw Keras text
  expect_identical(model_weights(model), before)
  if (isTRUE(case$snapshot)) {
    expect_snapshot(error = TRUE, case$call(model, d))
  }
}

# The cases of one group's table, bad-input/cases-<group>.R (a file that
# assigns `cases`, a list of bad_case()s). test-bad-input-<group>.R runs
# them; test-bad-input-tables.R counts all of them.
load_bad_cases <- function(group, envir = parent.frame()) {
  file <- test_path("bad-input", paste0("cases-", group, ".R"))
  env <- new.env(parent = envir)
  sys.source(file, envir = env)
  env$cases
}

bad_case_groups <- function() {
  files <- list.files(test_path("bad-input"), "^cases-.*[.]R$")
  sub("^cases-(.*)[.]R$", "\\1", files)
}
