# Constructor and validator ------------------------------------------------

test_that("new_keras_training_history() builds the shared layout", {
  expect_identical(class(h_val), c("kfit_training_history", "keras_training_history"))
  expect_identical(names(unclass(h_val)), c("params", "metrics"))
  expect_identical(h_val$params, history_params(3L))
  expect_identical(
    names(h_val$metrics),
    c("accuracy", "loss", "val_accuracy", "val_loss")
  )
  expect_identical(h_val$metrics$val_loss, c(1.079268, 1.069979, 1.0612))
})

test_that("new_keras_training_history() stores every metric as a double vector", {
  h <- new_keras_training_history(
    params = list(),
    metrics = list(loss = c(a = 2L, b = 1L), val_loss = c(NA, NA))
  )
  expect_identical(h$metrics, list(loss = c(2, 1), val_loss = c(NA_real_, NA_real_)))
  expect_identical(
    new_keras_training_history(list(), list())$metrics,
    list()
  )
})

test_that("new_keras_training_history() rejects malformed parts", {
  expect_snapshot(error = TRUE, cnd_class = TRUE, {
    new_keras_training_history(list(), list(loss = 1:5, val_loss = c(1, 2)))
    new_keras_training_history(list(), list(1:3, loss = 1:3))
    new_keras_training_history(list(), list(loss = 1:3, loss = 4:6))
    new_keras_training_history(list(), list(loss = c("a", "b"), auc = list(1, 2)))
    new_keras_training_history(list(), c(loss = 1))
    new_keras_training_history(NULL, list(loss = 1))
    new_keras_training_history(list(initial_epoch = 0L), list(loss = 1))
    new_keras_training_history(list(initial_epoch = c(1, 2)), list(loss = 1))
  })
  expect_error(
    new_keras_training_history(list(), list(loss = 1:5, val_loss = 1:2)),
    class = "kfit_error"
  )
})

test_that("methods that need aligned epochs reject ragged metrics", {
  # what keras3 itself records with validation_freq = 2
  ragged <- structure(
    list(
      params = list(verbose = 2L, epochs = 5L, steps = 5L),
      metrics = list(loss = c(1.04, 1.03, 1.01, 1.00, 0.99), val_loss = c(1.08, 1.05))
    ),
    class = "keras_training_history"
  )
  expect_snapshot(error = TRUE, cnd_class = TRUE, as.data.frame(ragged))
  expect_error(plot(ragged), class = "kfit_error")
  # print() needs no alignment: the last value of each metric, laid out
  # exactly as keras3 prints it (trailing space included)
  expect_identical(
    capture.output(print(ragged)),
    c("", "Final epoch (plot to see history):", "    loss: 0.99", "val_loss: 1.05 ")
  )
})

# print() -------------------------------------------------------------------

test_that("print() shows the last value of every metric, like keras3", {
  expect_identical(
    capture.output(print(h_plain)),
    c("", "Final epoch (plot to see history):", "accuracy: 0.36", "    loss: 1.25")
  )
  expect_identical(
    capture.output(print(h_val)),
    c(
      "", "Final epoch (plot to see history):",
      "    accuracy: 0.35", "        loss: 1.102",
      "val_accuracy: 0.4", "    val_loss: 1.061"
    )
  )
  expect_identical(
    capture.output(print(h_resumed)),
    c("", "Final epoch (plot to see history):", "accuracy: 0.535", "    loss: 0.9851")
  )
  # autoprint uses the same method
  expect_identical(capture.output(h_val), capture.output(print(h_val)))
  expect_snapshot(print(h_val))
})

test_that("print() shows the last computed value with validation_freq = 2", {
  expect_identical(
    capture.output(print(h_freq)),
    c(
      "", "Final epoch (plot to see history):",
      "    accuracy: 0.5188", "        loss: 0.991",
      "val_accuracy: 0.45", "    val_loss: 1.055"
    )
  )
  expect_snapshot(h_freq)
})

test_that("print() formats each value on its own with 4 significant digits", {
  h <- new_keras_training_history(
    params = list(),
    metrics = list(lr = c(1e-3, 3.6e-05), loss = c(2, 1234.567), val_auc = c(NA_real_, NA_real_))
  )
  expect_identical(
    capture.output(print(h)),
    c(
      "", "Final epoch (plot to see history):",
      "     lr: 3.6e-05", "   loss: 1235", "val_auc: NA"
    )
  )
})

test_that("print() returns its input invisibly", {
  capture.output(out <- withVisible(print(h_val)))
  expect_false(out$visible)
  expect_identical(out$value, h_val)
})

test_that("print() handles a history with no completed epochs", {
  lines <- c("", "Final epoch (plot to see history):", "(no epochs completed)")
  expect_identical(capture.output(print(h_empty)), lines)
  h <- new_keras_training_history(
    params = history_params(0L),
    metrics = list(loss = numeric(), val_loss = numeric())
  )
  expect_identical(capture.output(print(h)), lines)
  expect_snapshot(h_empty)
})

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

# plot() --------------------------------------------------------------------

test_that("plot() returns a ggplot, visibly, with one panel per metric", {
  out <- withVisible(plot(h_val))
  expect_true(out$visible)
  expect_s3_class(out$value, "ggplot")

  built <- ggplot2::ggplot_build(out$value)
  expect_identical(levels(built$layout$layout$metric), c("accuracy", "loss"))
  points <- built$data[[1]]
  expect_identical(nrow(points), 12L)
  expect_identical(as.integer(table(points$PANEL)), c(6L, 6L))
})

test_that("plot() puts a resumed run at its real epoch numbers", {
  built <- ggplot2::ggplot_build(plot(h_resumed))
  expect_identical(built$data[[1]]$x, c(3, 4, 5, 3, 4, 5))
  expect_identical(built$layout$panel_params[[1]]$x$breaks, c(3, 4, 5))
})

test_that("plot() leaves out epochs without validation, without warnings", {
  p <- plot(h_freq)
  expect_no_warning(built <- ggplot2::ggplot_build(p))
  points <- built$data[[1]]
  validation <- points[points$fill == points$fill[[nrow(points)]] & !is.na(points$y), ]
  expect_identical(validation$x, c(2, 4, 2, 4))
  expect_identical(validation$y, c(0.4, 0.45, 1.0775, 1.0548))
  withr::local_pdf(NULL)
  expect_no_warning(print(p))
  expect_no_warning(plot(h_freq, method = "base"))
})

test_that("plot() selects metrics by base name, in the order given", {
  p <- plot(h_val, metrics = "accuracy")
  expect_identical(levels(p$data$metric), "accuracy")
  expect_identical(
    as.character(p$data$data),
    rep(c("training", "validation"), each = 3)
  )
  p <- plot(h_val, metrics = c("loss", "accuracy"))
  expect_identical(levels(p$data$metric), c("loss", "accuracy"))
})

test_that("plot() adds a loess smooth only to series with >= 10 values", {
  has_smooth <- function(p) {
    any(vapply(p$layers, function(l) inherits(l$geom, "GeomSmooth"), logical(1)))
  }
  expect_true(has_smooth(plot(h_long)))
  expect_false(has_smooth(plot(h_long, smooth = FALSE)))
  expect_false(has_smooth(plot(h_val)))
  withr::with_options(
    list(keras.plot.history.smooth = FALSE),
    expect_false(has_smooth(plot(h_long)))
  )
})

test_that("plot() with method = 'base' draws and returns its input invisibly", {
  withr::local_pdf(NULL)
  out <- withVisible(plot(h_val, method = "base"))
  expect_false(out$visible)
  expect_identical(out$value, h_val)
})

test_that("plot() falls back to base graphics without ggplot2", {
  local_no_ggplot2()
  withr::local_pdf(NULL)
  expect_invisible(plot(h_val))
  expect_identical(plot(h_val), h_val)
  expect_snapshot(error = TRUE, cnd_class = TRUE, plot(h_val, method = "ggplot2"))
  expect_error(plot(h_val, method = "ggplot2"), class = "kfit_error")
})

test_that("plot() rejects bad arguments", {
  expect_snapshot(error = TRUE, cnd_class = TRUE, {
    plot(h_val, metrics = "acc")
    plot(h_val, metrics = c("accuracy", "val_loss", "auc"))
    plot(h_val, metrics = 1)
    plot(h_val, method = "gg")
    plot(h_val, smooth = NA)
    plot(h_empty)
  })
  expect_error(plot(h_val, metrics = "acc"), class = "kfit_error")
})

test_that("plot() warns about arguments it does not use", {
  expect_snapshot(cnd_class = TRUE, {
    p <- plot(h_val, "accuracy")
    p <- plot(h_val, pch = 3)
  })
  expect_warning(plot(h_val, pch = 3), class = "kfit_warning")
})

test_that("plot() draws the expected ggplot2 figures", {
  vdiffr::expect_doppelganger("ggplot2 plain", plot(h_plain))
  vdiffr::expect_doppelganger("ggplot2 validation", plot(h_val))
  vdiffr::expect_doppelganger("ggplot2 validation_freq 2", plot(h_freq))
  vdiffr::expect_doppelganger("ggplot2 resumed", plot(h_resumed))
  vdiffr::expect_doppelganger("ggplot2 metrics accuracy", plot(h_val, metrics = "accuracy"))
  vdiffr::expect_doppelganger("ggplot2 smooth", plot(h_long))
  vdiffr::expect_doppelganger("ggplot2 theme_bw", plot(h_long, theme_bw = TRUE))
})

test_that("plot() draws the expected base figures", {
  base_plot <- function(x, ...) function() plot(x, method = "base", ...)
  vdiffr::expect_doppelganger("base plain", base_plot(h_plain))
  vdiffr::expect_doppelganger("base validation", base_plot(h_val))
  vdiffr::expect_doppelganger("base validation_freq 2", base_plot(h_freq))
  vdiffr::expect_doppelganger("base resumed", base_plot(h_resumed))
  vdiffr::expect_doppelganger("base metrics accuracy", base_plot(h_val, metrics = "accuracy"))
})

# Plain keras_training_history objects (keras3's) -------------------------------

# What keras3's own fit() returns after early stopping at epoch 3 of 5: Keras
# 3 params (no initial_epoch), one value per epoch that ran.
h_keras3 <- structure(
  list(
    params = list(verbose = 0L, epochs = 5L, steps = 4L),
    metrics = list(loss = c(2.5, 1.75, 1.3125), mae = c(1.25, 1.0625, 0.90625))
  ),
  class = "keras_training_history"
)

test_that("a keras3 history prints as keras3 prints it", {
  # keras3 1.5.1's layout (R/history.R there): labels right-aligned, values
  # by prettyNum(digits = 4), a space before the last newline.
  expect_identical(
    capture.output(print(h_keras3)),
    c("", "Final epoch (plot to see history):", "loss: 1.312", " mae: 0.9062 ")
  )
  with_samples <- h_keras3
  with_samples$params <- c(h_keras3$params, samples = 12000L, batch_size = 32L)
  expect_identical(
    capture.output(print(with_samples))[1:2],
    c("Trained on 12,000 samples (batch_size=32, epochs=3)",
      "Final epoch (plot to see history):")
  )
})

test_that("without keras3 loaded, a keras3 history's data frame has the epochs that ran, from 1", {
  # (keras3 loads in child processes only in these tests: its methods would
  # answer here otherwise, see test-keras3-histories.R)
  expect_false(isNamespaceLoaded("keras3"))
  df <- as.data.frame(h_keras3)
  expect_identical(df$epoch, c(1:3, 1:3))
  expect_identical(df$value, c(2.5, 1.75, 1.3125, 1.25, 1.0625, 0.90625))
  expect_identical(levels(df$metric), c("loss", "mae"))
  expect_identical(as.character(unique(df$data)), "training")
  # a history saved by an older kfit (plain class, initial_epoch kept)
  saved <- unclass(h_resumed)
  class(saved) <- "keras_training_history"
  expect_identical(unique(as.data.frame(saved)$epoch), 3:5)
  expect_identical(capture.output(print(saved)), capture.output(print(h_resumed)))
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off(), add = TRUE)
  expect_identical(plot(h_keras3, method = "base"), h_keras3)
})

test_that("kfit histories keep kfit's methods whatever else is registered", {
  # As when keras3 loads after kfit: its methods for keras_training_history
  # replace kfit's. A kfit history has its own class in front.
  methods <- c("print", "as.data.frame")
  old <- lapply(methods, function(m) utils::getS3method(m, "keras_training_history"))
  on.exit(for (i in seq_along(methods)) {
    registerS3method(methods[[i]], "keras_training_history", old[[i]],
                     envir = asNamespace("base"))
  }, add = TRUE)
  for (m in methods) {
    registerS3method(m, "keras_training_history", function(x, ...) stop("not kfit's"),
                     envir = asNamespace("base"))
  }
  # Dispatched from the global environment, as a user's code is (here, in
  # the tests, kfit's namespace is in scope and would be found first).
  user <- new.env(parent = globalenv())
  user$kfit_history <- h_resumed
  user$keras3_history <- h_keras3
  expect_identical(
    evalq(utils::capture.output(print(kfit_history)), user)[2],
    "Final epoch (plot to see history):"
  )
  expect_identical(evalq(unique(as.data.frame(kfit_history)$epoch), user), 3:5)
  expect_error(evalq(print(keras3_history), user), "not kfit's")
})
