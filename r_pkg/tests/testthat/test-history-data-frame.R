# as.data.frame() -----------------------------------------------------------

expected_df <- function(epoch, value, metric, data, levels) {
  data.frame(
    epoch = epoch,
    value = value,
    metric = factor(metric, levels = levels),
    data = factor(data, levels = c("training", "validation"))
  )
}

test_that("as.data.frame() is metric-major in the order metrics were logged", {
  expect_identical(
    as.data.frame(h_val),
    expected_df(
      epoch = rep(1:3, 4),
      value = c(
        0.33125, 0.35, 0.35, 1.134231, 1.117877, 1.102317,
        0.4, 0.4, 0.4, 1.079268, 1.069979, 1.0612
      ),
      metric = rep(c("accuracy", "loss", "accuracy", "loss"), each = 3),
      data = rep(c("training", "validation"), each = 6),
      levels = c("accuracy", "loss")
    )
  )
  expect_identical(
    as.data.frame(h_plain),
    expected_df(
      epoch = rep(1:4, 2),
      value = c(0.25, 0.305, 0.33, 0.36, 1.319592, 1.294101, 1.271205, 1.24987),
      metric = rep(c("accuracy", "loss"), each = 4),
      data = rep("training", 8),
      levels = c("accuracy", "loss")
    )
  )
})

test_that("as.data.frame() keeps level order of first appearance", {
  h <- new_keras_training_history(
    params = list(),
    metrics = list(val_loss = 2, loss = 1, auc = 0.5)
  )
  df <- as.data.frame(h)
  expect_identical(levels(df$metric), c("loss", "auc"))
  expect_identical(as.character(df$metric), c("loss", "loss", "auc"))
  expect_identical(as.character(df$data), c("validation", "training", "training"))
})

test_that("as.data.frame() has NA where validation did not run (validation_freq = 2)", {
  expect_identical(
    as.data.frame(h_freq),
    expected_df(
      epoch = rep(1:5, 4),
      value = c(
        0.4563, 0.4625, 0.4688, 0.5125, 0.5188,
        1.0404, 1.0270, 1.0144, 1.0024, 0.9910,
        NA, 0.4, NA, 0.45, NA,
        NA, 1.0775, NA, 1.0548, NA
      ),
      metric = rep(c("accuracy", "loss", "accuracy", "loss"), each = 5),
      data = rep(c("training", "validation"), each = 10),
      levels = c("accuracy", "loss")
    )
  )
})

test_that("as.data.frame() labels a resumed run with its real epoch numbers", {
  expect_identical(
    as.data.frame(h_resumed),
    expected_df(
      epoch = rep(3:5, 2),
      value = c(0.52, 0.525, 0.535, 1.0193306, 1.0014404, 0.9851375),
      metric = rep(c("accuracy", "loss"), each = 3),
      data = rep("training", 6),
      levels = c("accuracy", "loss")
    )
  )
  # a history without initial_epoch starts at epoch 1
  h <- h_resumed
  h$params$initial_epoch <- NULL
  expect_identical(as.data.frame(h)$epoch, rep(1:3, 2))
})

test_that("as.data.frame() of zero epochs has no rows and the usual columns", {
  expect_identical(
    as.data.frame(h_empty),
    expected_df(integer(), numeric(), character(), character(), character())
  )
  h <- new_keras_training_history(
    params = list(),
    metrics = list(loss = numeric(), val_loss = numeric())
  )
  expect_identical(
    as.data.frame(h),
    expected_df(integer(), numeric(), character(), character(), "loss")
  )
})

test_that("as.data.frame() honours row.names", {
  df <- as.data.frame(h_resumed, row.names = letters[1:6])
  expect_identical(rownames(df), letters[1:6])
})

test_that("a history survives saveRDS() and readRDS()", {
  path <- withr::local_tempfile(fileext = ".rds")
  saveRDS(h_freq, path)
  restored <- readRDS(path)
  expect_identical(restored, h_freq)
  expect_identical(capture.output(print(restored)), capture.output(print(h_freq)))
  expect_identical(as.data.frame(restored), as.data.frame(h_freq))
})
