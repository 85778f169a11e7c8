# Distribution strategies from R (the batch-ID matrix of every backend and
# strategy is tests/test_batch_matrix.py, which also runs R-hosted children).

multi_worker_script <- c(
  "library(kfit)",
  "tf <- reticulate::import('tensorflow')",
  "keras <- reticulate::import('keras')",
  "strategy <- tf$distribute$MultiWorkerMirroredStrategy()",
  "with(strategy$scope(), {",
  "  model <- keras$Sequential(list(keras$Input(shape = list(3L)), keras$layers$Dense(1L)))",
  "  model$compile(optimizer = 'sgd', loss = 'mse')",
  "})",
  "before <- model$get_weights()",
  "e <- tryCatch(fit(model, matrix(1, 8, 3), rep(1, 8), verbose = 0), error = identity)",
  "cat('CLASS:', paste(class(e), collapse = ' '), '\\n')",
  "cat('MESSAGE:', gsub('\\n', ' ', conditionMessage(e)), '\\n')",
  "cat('UNCHANGED:', identical(before, model$get_weights()), '\\n')"
)

test_that("MultiWorkerMirroredStrategy is refused before step 1 with a classed error", {
  skip_if_no_core()
  out <- run_child(multi_worker_script, timeout = 300)
  info <- paste(tail(out, 20), collapse = "\n")
  expect_identical(attr(out, "status"), 0L, info = info)
  classes <- strsplit(child_value(out, "CLASS"), " ")[[1]]
  expect_true(all(c("kfit_unsupported_error", "kfit_error") %in% classes), info = info)
  expect_false("kfit_python_error" %in% classes)
  message <- child_value(out, "MESSAGE")
  expect_match(message, "keras-team/keras#20585", fixed = TRUE)
  expect_match(message, "tf$distribute$MirroredStrategy()", fixed = TRUE)
  expect_lt(nchar(message), 700)  # no tensor dump
  expect_identical(child_value(out, "UNCHANGED"), "TRUE ")
})
