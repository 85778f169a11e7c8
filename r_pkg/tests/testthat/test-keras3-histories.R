# keras3's own histories look the same with kfit loaded: print, as.data.frame
# and the data of plot() equal keras3's own methods' (cran world: keras3).

keras3_histories_script <- c(
  "suppressMessages(library(keras3))",
  "make <- function() {",
  "  set_random_seed(1)",
  "  model <- keras_model_sequential(input_shape = 4) |> layer_dense(3, activation = 'softmax')",
  "  compile(model, optimizer = 'adam', loss = 'sparse_categorical_crossentropy', metrics = 'accuracy')",
  "  model",
  "}",
  "x <- scale(as.matrix(iris[1:4])); y <- as.integer(iris$Species) - 1L",
  "fit3 <- function(...) keras3:::fit.keras.src.models.model.Model(...)",
  "m <- make()",
  "histories <- list(",
  "  early = fit3(m, x, y, epochs = 20, verbose = 0, callbacks = list(callback_early_stopping(monitor = 'loss', min_delta = 10, patience = 2))),",
  "  freq = fit3(make(), x, y, epochs = 4, verbose = 0, validation_split = 0.2, validation_freq = 2),",
  "  resumed = fit3(m, x, y, epochs = 6, initial_epoch = 3, verbose = 0))",
  "ns <- asNamespace('keras3')",
  "own <- function(generic) get(paste0(generic, '.keras_training_history'), envir = ns)",
  # Each look at a history, or "failed" where keras3's own method fails.
  "look <- function(h, print_fn, df_fn, plot_fn) lapply(list(",
  "  print = function() capture.output(print_fn(h)), df = function() df_fn(h),",
  "  plot = function() plot_fn(h, method = 'ggplot2')$data),",
  "  function(part) tryCatch(part(), error = function(e) 'failed'))",
  "keras3_only <- lapply(histories, look, own('print'), own('as.data.frame'), own('plot'))",
  "library(kfit)",
  "with_kfit <- lapply(histories, look, print, as.data.frame, plot)",
  "cat('ROWS_early:', nrow(with_kfit$early$df), '\\n')",
  # same: keras3 and kfit agree; kfit: keras3's own method failed, kfit answered
  "for (name in names(histories)) for (part in names(with_kfit[[name]])) {",
  "  k3 <- keras3_only[[name]][[part]]; kf <- with_kfit[[name]][[part]]",
  "  status <- if (identical(k3, kf)) 'same' else if (identical(k3, 'failed') &&",
  "    !identical(kf, 'failed')) 'kfit' else 'differ'",
  "  cat('PART', name, part, status, '\\n')",
  "}",
  "writeLines(paste('EARLY', with_kfit$freq$print))"
)

test_that("keras3's histories print, convert and plot as keras3 does with kfit loaded", {
  skip_if_no_core()
  out <- run_child(keras3_histories_script, timeout = 300)
  info <- paste(tail(out, 20), collapse = "\n")
  expect_identical(attr(out, "status"), 0L, info = info)
  # early stopping before epoch 20 of 20: keras3 keeps 20 rows per metric
  expect_identical(child_value(out, "ROWS_early"), "40 ", info = info)
  parts <- grep("^PART ", out, value = TRUE)
  expect_length(parts, 9)
  expect_false(any(grepl(" differ $", parts)), info = info)
  # keras3's own methods work on these: kfit gives exactly their result
  for (part in c("PART early print same ", "PART early df same ",
                 "PART early plot same ", "PART freq df same ", "PART freq plot same ",
                 "PART resumed print same ", "PART resumed df same ",
                 "PART resumed plot same ")) {
    expect_true(part %in% parts, info = paste(part, info))
  }
  # where keras3's print() fails (validation_freq = 2: the validation metrics
  # have fewer epochs), kfit prints keras3's layout with the last values
  expect_true("PART freq print kfit " %in% parts, info = info)
  early <- grep("^EARLY ", out, value = TRUE)
  expect_match(early, "Final epoch \\(plot to see history\\):", all = FALSE)
  expect_match(early, "^EARLY +accuracy: [0-9.]+ *$", all = FALSE)
})
