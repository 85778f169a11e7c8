# kfit beside keras3 ("cran" R world only): either load order, and kfit
# loaded before keras3's namespace merely loads (a `keras3::` call). Each
# scenario runs in a child R process, since the order of loading is what is
# tested. See beside_keras3() below.

skip_if_no_k3 <- function() {
  skip_if_no_core()
  for (package in c("callr", "keras3")) {
    if (!nzchar(system.file(package = package))) {
      stop("The cran R world needs the package ", package, ": run `make setup`.")
    }
  }
}

# Loads the packages in `order`, then trains a keras3 model with fit() (the
# generic, whichever method owns it) resuming at epoch 3 with a mixed list of
# callbacks, and with keras3_fit() for 2 epochs with a kfit callback. Returns
# plain R data.
beside_keras3 <- function(order) {
  callr::r(function(order) {
    messages <- character()
    keep <- function(m) {
      messages <<- c(messages, conditionMessage(m))
      invokeRestart("muffleMessage")
    }
    withCallingHandlers({
      if (order == "kfit, keras3") {
        library(kfit)
        library(keras3)
      } else if (order == "keras3, kfit") {
        library(keras3)
        library(kfit)
      } else { # kfit attached, keras3's namespace loaded by a keras3:: call
        library(kfit)
        invisible(keras3::op_add)
      }
    }, message = keep)
    owner_after_load <- kfit:::fit_owner()
    lambda_formals <- names(formals(callback_lambda))
    lambda_from <- environmentName(environment(callback_lambda))

    set.seed(3)
    x <- matrix(rnorm(64 * 4), 64)
    y <- as.numeric(x %*% c(1, -1, 0.5, 2))
    keras3::set_random_seed(1)
    model <- keras3::keras_model_sequential(input_shape = 4)
    model <- keras3::layer_dense(model, 1)
    keras3::compile(model, optimizer = "sgd", loss = "mse")

    calls <- character()
    kfit_cb <- kfit::callback_lambda(
      on_epoch_end = function(epoch, logs) {
        calls <<- c(calls, paste("kfit", epoch))
        list(twice_loss = 2 * logs$loss)
      },
      on_train_batch_end = function(batch, logs) {
        if (batch == 1L) calls <<- c(calls, paste("kfit batch", batch))
      }
    )
    keras3_cb <- keras3::callback_lambda(on_epoch_end = function(epoch, logs) {
      calls <<- c(calls, paste("keras3", epoch))
    })
    # Whichever callback_lambda() the search path has.
    search_cb <- callback_lambda(on_epoch_begin = function(epoch, logs) {
      calls <<- c(calls, paste("search", epoch))
    })
    history <- fit(model, x, y, epochs = 5, initial_epoch = 3, batch_size = 16,
                   verbose = 0, view_metrics = FALSE,
                   callbacks = list(search_cb, kfit_cb, keras3_cb))
    kfit_calls <- calls

    calls <- character()
    history3 <- keras3_fit(model, x, y, epochs = 2, batch_size = 16, verbose = 0,
                           view_metrics = FALSE, callbacks = list(kfit_cb, search_cb))
    keras3_calls <- calls
    k3_print <- utils::getFromNamespace("print.keras_training_history", "keras3")
    k3_df <- utils::getFromNamespace("as.data.frame.keras_training_history", "keras3")

    grDevices::pdf(NULL)
    plotted <- plot(history, method = "base")
    list(
      messages = messages, owner_after_load = owner_after_load,
      owner_now = kfit:::fit_owner(), lambda_formals = lambda_formals,
      lambda_from = lambda_from,
      keras3_lambda_formals = names(formals(keras3::callback_lambda)),
      history_class = class(history), history_metrics = names(history$metrics),
      history_print = utils::capture.output(print(history)),
      history_df = as.data.frame(history), plotted_class = class(plotted),
      kfit_calls = kfit_calls,
      history3_class = class(history3),
      history3_print = utils::capture.output(print(history3)),
      history3_print_keras3 = utils::capture.output(k3_print(history3)),
      history3_df = as.data.frame(history3),
      history3_df_keras3 = k3_df(history3),
      twice_loss3 = history3$metrics$twice_loss, loss3 = history3$metrics$loss,
      keras3_calls = keras3_calls
    )
  }, args = list(order = order))
}

expect_beside <- function(res) {
  # fit() on a Keras model is kfit's, and stays so.
  expect_identical(res$owner_after_load, "kfit")
  expect_identical(res$owner_now, "kfit")
  # callr's session is not interactive: kfit says nothing (see test-zzz.R)
  expect_false(any(grepl("kfit:", res$messages, fixed = TRUE)))
  # callback_lambda(), whoever's: keras3's arguments.
  expect_identical(res$lambda_formals, res$keras3_lambda_formals)
  # A kfit history resumed at epoch 3: epochs 3, 4, 5 whatever is loaded.
  expect_identical(res$history_class, c("kfit_training_history", "keras_training_history"))
  expect_identical(unique(res$history_df$epoch), 3:5)
  expect_false(anyNA(res$history_df$value))
  expect_identical(res$history_print[1:2], c("", "Final epoch (plot to see history):"))
  expect_true(any(grepl("^ *twice_loss: ", res$history_print)))
  expect_identical(res$plotted_class, res$history_class)
  # The callbacks ran in the order listed, at 1-based real epochs.
  expect_identical(res$kfit_calls, c(
    "search 3", "kfit batch 1", "kfit 3", "keras3 3",
    "search 4", "kfit batch 1", "kfit 4", "keras3 4",
    "search 5", "kfit batch 1", "kfit 5", "keras3 5"
  ))
  # keras3's own fit(): a kfit callback works there, 1-based, its returned
  # values land in keras3's history; the history prints as keras3 prints it.
  expect_identical(res$keras3_calls, c(
    "search 1", "kfit batch 1", "kfit 1", "search 2", "kfit batch 1", "kfit 2"
  ))
  expect_identical(res$history3_class, "keras_training_history")
  expect_equal(res$twice_loss3, 2 * res$loss3, tolerance = 1e-6)
  expect_identical(res$history3_print, res$history3_print_keras3)
  expect_equal(res$history3_df, res$history3_df_keras3, ignore_attr = TRUE)
}

test_that("kfit then keras3: fit(), histories and callbacks are right", {
  skip_if_no_k3()
  res <- beside_keras3("kfit, keras3")
  expect_beside(res)
  expect_identical(res$lambda_from, "keras3") # attached last
})

test_that("keras3 then kfit: fit(), histories and callbacks are right", {
  skip_if_no_k3()
  res <- beside_keras3("keras3, kfit")
  expect_beside(res)
  expect_identical(res$lambda_from, "kfit")
})

test_that("kfit, then keras3's namespace loads (a keras3:: call): fit() stays kfit's", {
  skip_if_no_k3()
  res <- beside_keras3("kfit, keras3 namespace")
  expect_beside(res)
  expect_identical(res$lambda_from, "kfit")
})

test_that("keras3 loaded after kfit: under R's note, one line says fit() stays kfit's", {
  skip_if_no_k3()
  out <- session_output(c("library(kfit)", "library(keras3)"), interactive = TRUE)
  note <- regexpr("Registered S3 methods overwritten by 'keras3':", out, fixed = TRUE)
  expect_gt(note, 0L)
  expect_identical(kfit_said(out), c(
    paste0("kfit: fit() on a Keras model is kfit's, also once keras3 loads; ",
           "keras3_fit() calls keras3's."),
    paste0("kfit: fit() on a Keras model stays kfit's (taken back from keras3); ",
           "keras3_fit() calls keras3's.")
  ))
  expect_gt(regexpr("stays kfit's", out, fixed = TRUE), note)
  # In a script, R's note alone (kfit says nothing there).
  out <- session_output(c("library(kfit)", "library(keras3)"), interactive = FALSE)
  expect_match(out, "Registered S3 methods overwritten by 'keras3'", fixed = TRUE)
  expect_length(kfit_said(out), 0L)
  # keras3 first, then kfit: R notes kfit's methods over keras3's, which is
  # what kfit's one line says.
  out <- session_output(c("library(keras3)", "library(kfit)"), interactive = TRUE)
  expect_match(out, "Registered S3 methods overwritten by 'kfit'", fixed = TRUE)
  expect_no_match(out, "overwritten by 'keras3'", fixed = TRUE)
  expect_length(kfit_said(out), 1L)
})
