test_that("view_metrics = 'auto' opens RStudio's viewer once, with the live page", {
  skip_if_no_core()
  urls <- character()
  withr::local_envvar(RSTUDIO = "1")
  withr::local_options(viewer = function(url, ...) urls <<- c(urls, url))
  capture.output(
    h <- fit(small_model(), iris_x(), iris$Species, epochs = 3, initial_epoch = 2,
             batch_size = 50, verbose = 2)
  )
  expect_length(urls, 1L)
  # RStudio's viewer shows files from the session's tempdir()
  expect_identical(normalizePath(dirname(dirname(urls))), normalizePath(tempdir()))
  expect_identical(basename(urls), "index.html")
  expect_true(h$params$view_metrics)
  page <- paste(readLines(urls, warn = FALSE), collapse = "\n")
  expect_match(page, "kfit", fixed = TRUE)
  metrics <- jsonlite::fromJSON(file.path(dirname(urls), "metrics.json"))
  expect_identical(as.integer(metrics$epoch), c(2L, 3L))
  expect_identical(as.integer(metrics$epochs), 3L)
  expect_equal(unlist(metrics$metrics$loss), h$metrics$loss)
  expect_identical(metrics$status, "done")
})

test_that("view_metrics = 'auto' stays off outside RStudio, for 1 epoch, or silent", {
  skip_if_no_core()
  urls <- character()
  withr::local_options(viewer = function(url, ...) urls <<- c(urls, url))
  withr::local_envvar(RSTUDIO = NA)
  capture.output(h <- fit(small_model(), iris_x(), iris$Species, epochs = 2, verbose = 2))
  expect_false(h$params$view_metrics)
  withr::local_envvar(RSTUDIO = "1")
  h <- fit(small_model(), iris_x(), iris$Species, epochs = 2, verbose = 0)
  expect_false(h$params$view_metrics)
  capture.output(h <- fit(small_model(), iris_x(), iris$Species, epochs = 1, verbose = 2))
  expect_false(h$params$view_metrics)
  expect_length(urls, 0L)
})

test_that("view_metrics = a folder keeps the page there, opened in the browser", {
  skip_if_no_core()
  urls <- character()
  # RStudio's viewer shows only pages in tempdir(): a folder of the user's
  # opens in the browser.
  withr::local_envvar(RSTUDIO = "1")
  withr::local_options(
    viewer = function(url, ...) stop("the viewer cannot show ", url),
    browser = function(url, ...) urls <<- c(urls, url)
  )
  folder <- withr::local_tempfile(tmpdir = withr::local_tempdir(tmpdir = "."))
  runs <- file.path(basename(dirname(folder)), basename(folder), "iris")
  h <- fit(small_model(), iris_x(), iris$Species, epochs = 2, verbose = 0,
           view_metrics = runs)
  page <- normalizePath(file.path(runs, "index.html"))
  expect_true(h$params$view_metrics)
  expect_identical(h$params$view_url, paste0("file://", page))
  expect_identical(urls, h$params$view_url)
  expect_setequal(list.files(runs), c("index.html", "metrics.js", "metrics.json"))
  metrics <- jsonlite::fromJSON(file.path(runs, "metrics.json"))
  expect_identical(metrics$status, "done")
  expect_equal(unlist(metrics$metrics$loss), h$metrics$loss)
  # a file is no folder; a flag in quotes is a mistake, not a folder named TRUE
  expect_error(fit(small_model(), iris_x(), iris$Species, view_metrics = page),
               "names a file, not a folder", class = "kfit_value_error")
  expect_error(fit(small_model(), iris_x(), iris$Species, view_metrics = "TRUE"),
               "without quotes", class = "kfit_value_error")
  expect_false(dir.exists("TRUE"))
})
