# Bad-input table, groups "callbacks" and "numpy-scalars".
#
# "callbacks": what `callbacks` may hold (one callback, or a list of
# callback_lambda() objects and Keras callbacks), hooks that take the
# arguments kfit passes (`...` is fine), and callbacks that fail: an R hook's
# error becomes a kfit_callback_error (also a kfit_training_error) naming
# the hook and where, with `epoch`, `step` and the `history` of the finished
# epochs (also kfit::last_history()). Failures after training started change
# the weights, so those cases catch the condition themselves and check it.
#
# "numpy-scalars": NumPy scalars from reticulate (convert = FALSE) are valid
# for scalar arguments as the numbers/booleans they hold, and nothing else.

np <- function() reticulate::import("numpy", convert = FALSE)

# `callbacks` stays a promise until the case runs (the tables are also
# loaded just to be counted, without Python).
fit_cb <- function(callbacks, ...) {
  extra <- list(...)
  function(model, d) {
    args <- utils::modifyList(list(verbose = 0, view_metrics = FALSE), extra)
    do.call(fit, c(list(model, d$x, d$y, callbacks = callbacks), args))
  }
}

# `make(seen)` builds the callbacks with an environment `seen` the hooks fill.
fit_seen <- function(make, ...) {
  extra <- list(...)
  function(model, d) {
    seen <- new.env()
    args <- utils::modifyList(list(verbose = 0, view_metrics = FALSE), extra)
    history <- do.call(fit, c(list(model, d$x, d$y, callbacks = make(seen)), args))
    list(history = history, seen = as.list(seen))
  }
}

seen_is <- function(name, expected, epochs = 2L) {
  function(result, model) {
    expect_identical(as.integer(result$history$params$epochs), epochs)
    expect_equal(length(result$history$metrics$loss), epochs)
    expect_equal(result$seen[[name]], expected)
  }
}

# A run that fails after training started: returns the condition.
caught <- function(callbacks, ...) {
  call <- fit_cb(callbacks, ...)
  function(model, d) {
    tryCatch({
      call(model, d)
      stop("the run did not fail")
    }, kfit_error = function(e) e)
  }
}

failed_at <- function(epoch, step, finished, fragment) {
  function(e, model) {
    expect_s3_class(e, "kfit_callback_error")
    expect_s3_class(e, "kfit_training_error")
    expect_identical(e$epoch, epoch)
    expect_identical(e$step, step)
    expect_equal(length(e$history$metrics$loss), finished)
    expect_equal(length(last_history()$metrics$loss), finished)
    expect_true(grepl(fragment, cli::ansi_strip(conditionMessage(e)), fixed = TRUE),
                info = conditionMessage(e))
  }
}

bad_cb <- function(id, callbacks, class, fragment, argument = "callbacks",
                   snapshot = FALSE, ...) {
  bad_case(paste0("callbacks-", id), "callbacks", fit_cb(callbacks, ...),
           class = class, argument = argument, fragment = fragment,
           snapshot = snapshot)
}

# A hook of the wrong shape: the error comes from callback_lambda() itself.
bad_hook <- function(id, hooks, fragment, argument = names(hooks)[[1]],
                     snapshot = FALSE) {
  call <- function(model, d) {
    fit(model, d$x, d$y, verbose = 0, view_metrics = FALSE,
        callbacks = list(do.call(callback_lambda, hooks)))
  }
  bad_case(paste0("callbacks-", id), "callbacks", call, class = "kfit_type_error",
           argument = argument, fragment = fragment, snapshot = snapshot)
}

good_cb <- function(id, call, check) {
  bad_case(paste0("callbacks-", id), "callbacks", call, check = check)
}

# A Python class raising in one hook (a Keras callback written in Python).
py_raising <- function(hook) {
  main <- reticulate::py_run_string(paste0(
    "import keras\n",
    "class PyRaising(keras.callbacks.Callback):\n",
    "    def ", hook, "(self, *args, **kwargs):\n",
    "        raise ValueError('raised in ", hook, "')\n"
  ), convert = FALSE)
  main$PyRaising()
}

history_has <- function(...) {
  expected <- list(...)
  function(history, model) {
    for (name in names(expected)) {
      expect_equal(history$params[[name]], expected[[name]], info = name)
    }
  }
}

np_case <- function(id, argument, value, class = NULL, fragment = NULL,
                    check = NULL, snapshot = FALSE, ...) {
  extra <- list(...)
  call <- function(model, d) {
    args <- utils::modifyList(list(verbose = 0, view_metrics = FALSE), extra)
    args[[argument]] <- value()
    do.call(fit, c(list(model, d$x, d$y), args))
  }
  bad_case(paste0("callbacks-np-", id), "numpy-scalars", call, class = class,
           argument = if (!is.null(class)) argument, fragment = fragment,
           check = check, snapshot = snapshot)
}

cases <- list(
  # What `callbacks` may be: valid but unusual.
  good_cb("single-lambda-not-in-list",
          fit_seen(function(seen) callback_lambda(on_epoch_end = function(epoch, logs) {
            seen$epochs <- c(seen$epochs, epoch)
          }), epochs = 2),
          seen_is("epochs", c(1, 2))),
  good_cb("hook-with-dots",
          fit_seen(function(seen) list(callback_lambda(on_epoch_end = function(...) {
            seen$epochs <- c(seen$epochs, ..1)
          })), epochs = 2),
          seen_is("epochs", c(1, 2))),
  good_cb("hook-with-extra-default",
          fit_seen(function(seen) list(callback_lambda(
            on_epoch_end = function(epoch, logs, by = 10) {
              seen$epochs <- c(seen$epochs, by * epoch)
            })), epochs = 2),
          seen_is("epochs", c(10, 20))),
  good_cb("keras2-on-batch-end",
          fit_seen(function(seen) list(callback_lambda(on_batch_end = function(batch, logs) {
            seen$batches <- c(seen$batches, batch)
          })), epochs = 2),
          seen_is("batches", c(1, 2, 1, 2))),
  good_cb("hook-returns-logs",
          fit_seen(function(seen) list(callback_lambda(
            on_epoch_end = function(epoch, logs) list(twice = 2 * epoch))), epochs = 2),
          function(result, model) {
            expect_equal(result$history$metrics$twice, c(2, 4))
          }),
  good_cb("lambda-without-hooks", fit_cb(list(callback_lambda()), epochs = 2),
          function(history, model) expect_equal(length(history$metrics$loss), 2)),
  good_cb("empty-list", fit_cb(list()),
          function(history, model) expect_equal(length(history$metrics$loss), 1)),
  good_cb("keras-callback-not-in-list",
          function(model, d) {
            stop_early <- keras_module()$callbacks$EarlyStopping(monitor = "loss",
                                                                 patience = 5L)
            fit(model, d$x, d$y, epochs = 2, verbose = 0, view_metrics = FALSE,
                callbacks = stop_early)
          },
          function(history, model) expect_equal(length(history$metrics$loss), 2)),
  good_cb("mixed-r-and-keras",
          fit_seen(function(seen) list(
            keras_module()$callbacks$TerminateOnNaN(),
            callback_lambda(on_train_end = function(logs) seen$ended <- TRUE)
          ), epochs = 2),
          seen_is("ended", TRUE)),

  # What `callbacks` must not be.
  bad_cb("bare-function", function(epoch, logs) NULL, "kfit_type_error",
         "Received: a function of 2 arguments: `function(epoch, logs)`",
         snapshot = TRUE),
  bad_cb("string", "early_stopping", "kfit_type_error",
         'Received: "early_stopping"', snapshot = TRUE),
  bad_cb("number-in-list", list(callback_lambda(), 1), "kfit_type_error",
         "Argument `callbacks[[2]]` must be a `callback_lambda()` object or a Keras callback.",
         snapshot = TRUE),
  bad_cb("null-in-list", list(NULL), "kfit_type_error", "Received: NULL"),
  bad_cb("function-in-list", list(function(epoch, logs) NULL), "kfit_type_error",
         "Make a callback from the function with `callback_lambda()`",
         snapshot = TRUE),
  bad_cb("nested-list", list(list(callback_lambda())), "kfit_type_error",
         "Received: a list of length 1"),
  bad_cb("numeric-vector", c(1, 2), "kfit_type_error", "Received: c(1, 2)"),
  bad_cb("data-frame", data.frame(a = 1:2, b = 3:4), "kfit_type_error",
         "Received: a data frame with 2 rows and 2 columns"),
  bad_cb("keras-class-not-instance", list(keras_module()$callbacks$EarlyStopping),
         "kfit_type_error", "Received: the class EarlyStopping", snapshot = TRUE),
  bad_cb("python-non-callback", list(np()$int64(1L)), "kfit_type_error",
         "Argument `callbacks[[1]]` must be a Keras callback."),

  # Hooks that cannot take what kfit passes: before any training.
  bad_hook("hook-without-arguments", list(on_epoch_end = function() NULL),
           "Received: a function of no arguments", snapshot = TRUE),
  bad_hook("hook-with-three-arguments", list(on_epoch_end = function(a, b, c) NULL),
           "Received: a function of 3 arguments: `function(a, b, c)`", snapshot = TRUE),
  bad_hook("logs-hook-with-two-arguments",
           list(on_train_begin = function(epoch, logs) NULL),
           "kfit calls `on_train_begin(logs)`"),
  bad_hook("batch-hook-with-one-argument", list(on_train_batch_end = function(batch) NULL),
           "kfit calls `on_train_batch_end(batch, logs)`"),
  bad_hook("keras2-alias-without-arguments", list(on_batch_end = function() NULL),
           "Argument `on_batch_end` must be a function of 2 arguments"),
  bad_hook("test-hook-without-logs", list(on_test_end = function() NULL),
           "kfit calls `on_test_end(logs)`"),
  bad_hook("hook-not-a-function", list(on_epoch_end = 1), "Received 1"),

  # Hooks that fail.
  bad_cb("r-error-at-train-begin",
         list(callback_lambda(on_train_begin = function(logs) stop("no data yet"))),
         c("kfit_callback_error", "kfit_training_error"),
         "callback_lambda `on_train_begin` failed at the start of training: no data yet",
         argument = NULL, snapshot = TRUE),
  bad_cb("r-error-in-first-batch",
         list(callback_lambda(on_train_batch_begin = function(batch, logs) {
           stop("batch ", batch, " is bad")
         })),
         c("kfit_callback_error", "kfit_training_error"),
         "callback_lambda `on_train_batch_begin` failed at epoch 1, batch 1: batch 1 is bad",
         argument = NULL, snapshot = TRUE),
  bad_cb("r-error-after-initial-epoch",
         list(callback_lambda(on_epoch_begin = function(epoch, logs) stop("epoch ", epoch))),
         c("kfit_callback_error", "kfit_training_error"),
         "callback_lambda `on_epoch_begin` failed at epoch 3: epoch 3",
         argument = NULL, initial_epoch = 3, epochs = 4),
  bad_cb("python-error-at-train-begin", list(py_raising("on_train_begin")),
         c("kfit_callback_error", "kfit_training_error"),
         "Callback `PyRaising.on_train_begin()` failed at the start of training: ValueError: raised in on_train_begin",
         argument = NULL, snapshot = TRUE),
  good_cb("r-error-at-epoch-end",
          caught(list(callback_lambda(on_epoch_end = function(epoch, logs) {
            if (epoch == 2) stop("loss too high")
          })), epochs = 3),
          failed_at(2L, NULL, 1, "callback_lambda `on_epoch_end` failed at epoch 2: loss too high")),
  good_cb("r-error-at-batch-end",
          caught(list(callback_lambda(on_train_batch_end = function(batch, logs) {
            if (batch == 2 && !is.null(logs$loss)) stop("stop at ", batch)
          }), callback_lambda()), epochs = 2),
          failed_at(1L, 2L, 0, "callback_lambda `on_train_batch_end` failed at epoch 1, batch 2: stop at 2")),
  good_cb("r-error-in-validation",
          caught(list(callback_lambda(on_test_batch_begin = function(batch, logs) {
            stop("no validation")
          })), validation_split = 0.25, epochs = 2),
          failed_at(1L, NULL, 0, "failed at epoch 1, validation batch 1: no validation")),
  good_cb("python-error-at-epoch-end",
          caught(list(callback_lambda(), py_raising("on_epoch_end")), epochs = 2),
          failed_at(1L, NULL, 0, "Callback `PyRaising.on_epoch_end()` failed at epoch 1: ValueError: raised in on_epoch_end")),

  # NumPy scalars (numpy-scalars).
  np_case("epochs-int64", "epochs", function() np()$int64(3L),
          check = history_has(epochs = 3)),
  np_case("shuffle-bool", "shuffle", function() np()$bool_(FALSE),
          check = function(history, model) expect_equal(length(history$metrics$loss), 1)),
  np_case("batch-size-int32", "batch_size", function() np()$int32(16L),
          check = history_has(batch_size = 16, steps = 4)),
  np_case("validation-split-float32", "validation_split", function() np()$float32(0.25),
          check = history_has(samples = 48, validation_samples = 16)),
  np_case("verbose-int64", "verbose", function() np()$int64(0L),
          check = history_has(verbose = 0)),
  np_case("initial-epoch-int64", "initial_epoch", function() np()$int64(2L),
          check = history_has(initial_epoch = 2, epochs = 3), epochs = 3),
  np_case("epochs-bool", "epochs", function() np()$bool_(TRUE), "kfit_type_error",
          "Received: TRUE", snapshot = TRUE),
  np_case("shuffle-int64", "shuffle", function() np()$int64(1L), "kfit_type_error",
          "Received: 1", snapshot = TRUE),
  np_case("epochs-fraction", "epochs", function() np()$float64(2.5), "kfit_type_error",
          "Received: 2.5"),
  np_case("batch-size-zero", "batch_size", function() np()$int64(0L), "kfit_value_error",
          "Received: 0"),
  np_case("validation-split-bool", "validation_split", function() np()$bool_(TRUE),
          "kfit_type_error", "Received: TRUE"),
  np_case("epochs-nan", "epochs", function() np()$float64(NaN), "kfit_type_error",
          "Received: NA")
)
