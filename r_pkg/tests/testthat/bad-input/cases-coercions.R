# Bad-input table, group "coercions": scalar arguments of the wrong type or
# value (nothing is coerced silently), shown in R's words; and unusual
# scalars that are valid.

fit_with <- function(...) {
  extra <- list(...)
  function(model, d) {
    args <- utils::modifyList(list(verbose = 0, view_metrics = FALSE), extra)
    do.call(fit, c(list(model, d$x, d$y), args))
  }
}

bad_scalar <- function(id, argument, value, class, fragment, snapshot = FALSE, ...) {
  args <- c(stats::setNames(list(value), argument), list(...))
  bad_case(paste0("coercions-", id), "coercions", do.call(fit_with, args),
           class = class, argument = argument, fragment = fragment,
           snapshot = snapshot)
}

epochs_are <- function(expected) {
  function(history, model) expect_identical(as.integer(history$params$epochs), expected)
}

cases <- list(
  bad_scalar("epochs-factor", "epochs", factor("3"), "kfit_type_error",
             'Received: factor("3")', snapshot = TRUE),
  bad_scalar("epochs-string", "epochs", "3", "kfit_type_error", 'Received: "3"'),
  bad_scalar("epochs-zero", "epochs", 0, "kfit_value_error", "Received: 0"),
  bad_scalar("epochs-na", "epochs", NA, "kfit_type_error", "Received: NA",
             snapshot = TRUE),
  bad_scalar("epochs-vector", "epochs", c(1, 2), "kfit_type_error",
             "Received: c(1, 2)"),
  bad_scalar("epochs-true", "epochs", TRUE, "kfit_type_error", "Received: TRUE"),
  bad_scalar("epochs-fraction", "epochs", 2.5, "kfit_type_error", "Received: 2.5"),
  bad_scalar("initial-epoch-after-epochs", "initial_epoch", 5, "kfit_value_error",
             "Received: 5", snapshot = TRUE, epochs = 3),
  bad_scalar("batch-size-na", "batch_size", NA, "kfit_type_error", "Received: NA",
             snapshot = TRUE),
  bad_scalar("batch-size-na-integer", "batch_size", NA_integer_, "kfit_type_error",
             "Received: NA"),
  bad_scalar("batch-size-zero", "batch_size", 0L, "kfit_value_error", "Received: 0"),
  bad_scalar("batch-size-string", "batch_size", "32", "kfit_type_error",
             'Received: "32"'),
  bad_scalar("shuffle-two", "shuffle", 2, "kfit_type_error", "Received: 2",
             snapshot = TRUE),
  bad_scalar("shuffle-na", "shuffle", NA, "kfit_type_error", "Received: NA"),
  bad_scalar("shuffle-string", "shuffle", "yes", "kfit_type_error",
             'Received: "yes"'),
  bad_scalar("validation-split-one", "validation_split", 1, "kfit_value_error",
             "Received: 1", snapshot = TRUE),
  bad_scalar("validation-split-na", "validation_split", NA_real_, "kfit_type_error",
             "Received: NA"),
  bad_scalar("verbose-three", "verbose", 3, "kfit_value_error", "Received: 3"),
  bad_scalar("verbose-na", "verbose", NA, "kfit_value_error", "Received: NA"),
  bad_scalar("view-metrics-word", "view_metrics", "yes", "kfit_value_error",
             'Received: "yes"'),
  bad_scalar("validation-freq-zero", "validation_freq", 0, "kfit_value_error",
             "Received: 0"),
  bad_scalar("validation-freq-with-na", "validation_freq", c(1, NA),
             "kfit_value_error", "Received: c(1, NA)", snapshot = TRUE),
  bad_scalar("steps-zero", "steps_per_epoch", 0, "kfit_value_error", "Received: 0"),
  bad_scalar("max-queue-zero", "max_queue_size", 0, "kfit_value_error",
             "Received: 0"),
  bad_scalar("max-queue-word", "max_queue_size", "big", "kfit_value_error",
             'or "auto"'),
  bad_scalar("workers-negative", "workers", -1, "kfit_value_error", "Received: -1"),
  bad_case("coercions-unknown-argument", "coercions", fit_with(epoch = 3),
           class = "kfit_type_error", argument = "epoch",
           fragment = "Did you mean `epochs`?", snapshot = TRUE),
  bad_case("coercions-unnamed-extra", "coercions",
           function(model, d) fit(model, d$x, d$y, 32, verbose = 0),
           class = "kfit_error", fragment = "must be named"),
  bad_case("coercions-worker-packages-number", "coercions",
           fit_with(worker_packages = 3), class = "kfit_type_error",
           argument = "worker_packages", fragment = "Received: 3"),
  bad_case("coercions-fit-generator-without-steps", "coercions",
           function(model, d) suppressWarnings(fit_generator(model, function() list(d$x, d$y))),
           class = "kfit_value_error", argument = "steps_per_epoch",
           fragment = "required"),
  # unusual but valid
  bad_case("coercions-initial-epoch-zero-is-one", "coercions",
           fit_with(epochs = 2L, initial_epoch = 0L), check = function(h, m) {
             expect_identical(as.integer(h$params$epochs), 2L)
             expect_length(h$metrics$loss, 2L)
           }),
  bad_case("coercions-integer-and-double", "coercions",
           fit_with(epochs = 3, initial_epoch = 2L, batch_size = 16),
           check = function(h, m) {
             expect_length(h$metrics$loss, 2L)
             expect_identical(as.integer(h$params$steps), 4L)
           }),
  bad_case("coercions-validation-freq-vector", "coercions",
           fit_with(epochs = 3L, validation_split = 0.25, validation_freq = c(1, 3)),
           check = function(h, m) {
             expect_identical(is.na(h$metrics$val_loss), c(FALSE, TRUE, FALSE))
           })
)
