# kfit_demo() (R/demo.R): the README's first run, shortened.

test_that("kfit_demo() trains from an R generator and writes its plot", {
  skip_if_no_core()
  png <- withr::local_tempfile(fileext = ".png")
  shown <- capture.output(history <- suppressMessages(
    kfit_demo(png = png, epochs = 3, verbose = 0)
  ))
  expect_s3_class(history, "kfit_training_history")
  expect_identical(history$params$epochs, 3L)
  expect_identical(history$params$steps, 8L)
  expect_named(history$metrics, c("accuracy", "loss", "val_accuracy", "val_loss"))
  expect_length(history$metrics$val_loss, 3L)
  expect_true(all(is.finite(unlist(history$metrics))))
  expect_match(paste(shown, collapse = "\n"), "Final epoch")  # print(history)
  expect_gt(file.size(png), 1000)
  expect_identical(readBin(png, "raw", 4L), as.raw(c(0x89, 0x50, 0x4e, 0x47)))
})
