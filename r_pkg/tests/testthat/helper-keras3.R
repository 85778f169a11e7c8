# Helpers for test-keras3*.R (the "cran" R world). Only definitions here:
# helpers are sourced in every world, keras3 is loaded in child processes.

# Trains the same keras3 model twice in a child R process, from the same
# seed (same initial weights, fresh optimizers): once with keras3's own
# fit() and once with kfit's. The model uses R code everywhere Keras lets
# it: layer_lambda(), a Layer() subclass, an R loss and an R metric. With
# `callbacks = TRUE` both fits get keras3's callback_lambda(), a Callback()
# subclass and callback_early_stopping(). Returns plain R data only.
#
# In a child process because loading keras3 registers keras3's S3 methods
# for fit() and keras_training_history, masking kfit's for the rest of the
# session; so both fits are called by their full method names.
keras3_vs_kfit <- function(eager, callbacks = FALSE, epochs = 3L) {
  callr::r(function(eager, callbacks, epochs) {
    suppressMessages(library(keras3))

    # An R Layer subclass: multiplies by a trainable scalar made in build().
    layer_r_scale <- Layer(
      "RScale",
      build = function(input_shape) {
        self$scale <- self$add_weight(
          name = "scale", shape = shape(1), initializer = "ones"
        )
      },
      call = function(x) x * self$scale
    )

    # How often R code ran (layer_lambda per trace/call, callbacks per hook).
    calls <- new.env()
    reset_calls <- function() {
      calls$lambda <- 0L
      calls$epochs <- integer()
      calls$epoch_loss <- numeric()
      calls$batches <- integer()
      calls$batch_loss <- numeric()
      calls$train_end <- 0L
    }

    build_model <- function() {
      set_random_seed(42)
      input <- keras_input(shape = 4)
      output <- input |>
        layer_dense(8) |>
        layer_lambda(function(x) {
          calls$lambda <- calls$lambda + 1L
          op_tanh(x) * 2
        }) |>
        layer_r_scale() |>
        layer_dense(1)
      model <- keras_model(input, output)
      compile(
        model,
        optimizer = optimizer_sgd(learning_rate = 0.05),
        loss = function(y_true, y_pred) {
          op_mean(op_square(y_true - y_pred), axis = -1)
        },
        metrics = list(custom_metric("r_mae", function(y_true, y_pred) {
          op_mean(op_abs(y_true - y_pred))
        })),
        run_eagerly = eager
      )
      model
    }

    # A Callback() subclass recording on_train_batch_end().
    BatchRecorder <- Callback(
      "BatchRecorder",
      on_train_batch_end = function(batch, logs = NULL) {
        calls$batches <- c(calls$batches, as.integer(batch))
        calls$batch_loss <- c(calls$batch_loss, as.numeric(logs$loss))
      },
      on_train_end = function(logs = NULL) {
        calls$train_end <- calls$train_end + 1L
      }
    )
    make_callbacks <- function() {
      if (!callbacks) return(NULL)
      list(
        callback_lambda(on_epoch_end = function(epoch, logs) {
          calls$epochs <- c(calls$epochs, as.integer(epoch))
          calls$epoch_loss <- c(calls$epoch_loss, as.numeric(logs$loss))
        }),
        BatchRecorder(),
        # The loss falls by about 1.3, then by 0.08: with min_delta = 1 (an
        # integer: keras3 truncates min_delta with as_integer()), training
        # stops after the 3rd epoch.
        callback_early_stopping(monitor = "loss", patience = 0, min_delta = 1)
      )
    }

    weights <- function(model) lapply(get_weights(model), as.array)

    # 64 fixed rows: 4 batches of 16 per epoch.
    x <- matrix(sin(seq_len(256)), ncol = 4)
    y <- matrix(cos(seq_len(64)), ncol = 1)

    run <- function(fit_method) {
      model <- build_model()
      initial <- weights(model)
      reset_calls()
      cbs <- make_callbacks()
      history <- fit_method(
        model, x, y, epochs = epochs, batch_size = 16, shuffle = FALSE,
        verbose = 0, callbacks = cbs
      )
      metrics <- lapply(unclass(history)$metrics, as.numeric)
      list(
        initial = initial,
        weights = weights(model),
        metrics = metrics,
        history_class = class(history),
        run_eagerly = model$run_eagerly,
        stopped_epoch = if (callbacks) as.integer(cbs[[3]]$stopped_epoch),
        calls = as.list(calls)
      )
    }

    list(
      keras3 = run(keras3:::fit.keras.src.models.model.Model),
      kfit = run(kfit:::fit.keras.src.models.model.Model)
    )
  }, args = list(eager = eager, callbacks = callbacks, epochs = epochs))
}
