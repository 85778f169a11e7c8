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
