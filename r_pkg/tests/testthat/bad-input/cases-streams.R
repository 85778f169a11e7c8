# Bad input, groups "generator-batches", "pydataset", "tf.data" and
# "validation-stream": what generators and datasets yield. Every batch of an
# R generator (in this session with workers = 0, or in a worker process) is
# checked: a list of 1 to 3 parts, numbers, one length, at least one row, no
# NA/NaN/Inf (1-based row and column), and targets for a model with a loss.
# A bad first batch fails before training (kfit_source_error, naming the
# argument, at epoch 1, step 1); a bad later batch stops training where it
# stands (kfit_training_error with its epoch and step, the batches before
# it trained: those cases catch the error and check it). A PyDataset with no
# batches (it hung before) runs in a child R process with a timeout;
# unbatched tf.data datasets and datasets of inputs only are errors; a
# validation generator needs validation_steps in fit_generator() and warns
# without it in fit().

put <- function(x, value, ...) {
  x[...] <- value
  x
}

first_x <- function(d) d$x[1:16, ]
first_y <- function(d) d$y[1:16]

# A generator cycling through the 4 batches of 16 rows of d (NULL after the
# last one when `ends`), with batch `bad` (1-based call) replaced by `with`.
batches_of <- function(d, ends = FALSE, bad = 0L, with = NULL) {
  i <- 0L
  function() {
    i <<- i + 1L
    if (i == bad) return(with)
    k <- (i - 1L) %% (4L + ends) + 1L
    if (k == 5L) return(NULL)
    rows <- ((k - 1L) * 16L + 1L):(k * 16L)
    list(d$x[rows, ], d$y[rows])
  }
}

gen <- function(batch) function() batch

quiet <- function(model, x, ..., workers = 0L, steps_per_epoch = 2L) {
  fit(model, x, verbose = 0, view_metrics = FALSE, workers = workers,
      steps_per_epoch = steps_per_epoch, ...)
}

quiet_fit_generator <- function(...) {
  withCallingHandlers(
    fit_generator(..., verbose = 0, view_metrics = FALSE),
    kfit_deprecation_warning = function(w) invokeRestart("muffleWarning")
  )
}

# The error a run signals after training started (the weights changed).
caught <- function(call) {
  function(model, d) tryCatch({
    call(model, d)
    stop("the run did not fail")
  }, kfit_error = function(e) e)
}

stopped_at <- function(epoch, step, fragment, epochs_done = 0L) {
  function(err, model) {
    expect_s3_class(err, "kfit_training_error")
    expect_identical(c(err$epoch, err$step), as.integer(c(epoch, step)))
    expect_true(grepl(fragment, cli::ansi_strip(conditionMessage(err)), fixed = TRUE),
                info = conditionMessage(err))
    expect_length(err$history$metrics$loss, epochs_done)
    expect_false(identical(model_weights(model), model_weights(bad_input_model())))
  }
}

trained <- function(epochs = 1L, steps = NULL) {
  function(history, model) {
    expect_s3_class(history, "keras_training_history")
    expect_length(history$metrics$loss, epochs)
    expect_true(all(is.finite(history$metrics$loss)))
    if (!is.null(steps)) expect_identical(history$params$steps, as.integer(steps))
    expect_false(identical(model_weights(model), model_weights(bad_input_model())))
  }
}

# (history, kfit warnings about validation_steps) of a run.
recorded <- function(call) {
  function(model, d) {
    notes <- character()
    history <- withCallingHandlers(
      call(model, d),
      kfit_warning = function(w) {
        if (grepl("validation_steps", conditionMessage(w), fixed = TRUE)) {
          notes <<- c(notes, conditionMessage(w))
        }
        invokeRestart("muffleWarning")
      }
    )
    list(history = history, notes = notes)
  }
}

warned <- function(fragment, epochs = 1L) {
  function(result, model) {
    expect_length(result$history$metrics$val_loss, epochs)
    expect_true(all(is.finite(result$history$metrics$val_loss)))
    if (is.null(fragment)) {
      expect_length(result$notes, 0L)
    } else {
      expect_length(result$notes, 1L)
      expect_true(grepl(fragment, result$notes[[1]], fixed = TRUE), info = result$notes)
    }
  }
}

py_datasets <- function() {
  reticulate::py_run_string("
import keras
import numpy as np

class RowsDataset(keras.utils.PyDataset):
    '''Batches of 16 rows; `length` may lie; indices in `broken` raise
    IndexError (or give None with none=True); `nan` puts a NaN at [2, 1].'''

    def __init__(self, x, y, length=None, broken=(), none=False, nan=False,
                 workers=1):
        super().__init__(workers=workers)
        self.x = np.asarray(x, dtype='float32')
        self.y = np.asarray(y, dtype='int32')
        self.length = len(self.x) // 16 if length is None else int(length)
        self.broken = [int(b) for b in broken]
        self.none = none
        self.nan = nan

    def __len__(self):
        return self.length

    def __getitem__(self, index):
        if index in self.broken:
            if self.none:
                return None
            raise IndexError(f'index {index} is out of range')
        x = self.x[index * 16:(index + 1) * 16].copy()
        if self.nan:
            x[2, 1] = np.nan
        return x, self.y[index * 16:(index + 1) * 16]
", convert = FALSE)
  reticulate::import_main(convert = FALSE)
}

rows_dataset <- function(d, ...) py_datasets()$RowsDataset(d$x, d$y, ...)

tf_slices <- function(d) {
  tf <- reticulate::import("tensorflow")
  tf$data$Dataset$from_tensor_slices(reticulate::tuple(d$x, as.integer(d$y)))
}

# A child R process fits on a PyDataset of length 0 (it hung at 100% CPU
# before): it must end, with kfit's error.
empty_dataset_in_child <- function(argument) {
  function(model, d) {
    code <- sprintf('
library(kfit)
keras <- reticulate::import("keras")
reticulate::py_run_string("
import keras
class Empty(keras.utils.PyDataset):
    def __len__(self):
        return 0
    def __getitem__(self, index):
        raise IndexError(index)
")
model <- keras$Sequential(list(keras$Input(shape = list(10L)), keras$layers$Dense(3L)))
model$compile(optimizer = "sgd", loss = "mse")
x <- matrix(rnorm(160), 16, 10); y <- matrix(0, 16, 3)
err <- tryCatch({
  if ("%s" == "x") fit(model, reticulate::py$Empty(), verbose = 0)
  else fit(model, x, y, validation_data = reticulate::py$Empty(), verbose = 0)
  NULL
}, kfit_error = function(e) e)
cat("CLASS:", class(err)[[1]], "\\n")
cat("ARGUMENT:", err$argument, "\\n")
cat("MESSAGE:", gsub("\\n", " ", cli::ansi_strip(conditionMessage(err))), "\\n")
', argument)
    run_child(code, timeout = 240)
  }
}

child_failed_with <- function(argument) {
  function(out, model) {
    expect_identical(attr(out, "status"), 0L, info = paste(out, collapse = "\n"))
    expect_identical(trimws(child_value(out, "CLASS")), "kfit_value_error",
                     info = paste(out, collapse = "\n"))
    expect_identical(trimws(child_value(out, "ARGUMENT")), argument)
    expect_match(child_value(out, "MESSAGE"),
                 "is a PyDataset with no batches: its `__len__()` returned 0", fixed = TRUE)
  }
}

GB <- "generator-batches"
PD <- "pydataset"
TF <- "tf.data"
VS <- "validation-stream"

cases <- list(
  # -- generator-batches ------------------------------------------------------------
  bad_case("streams-na-inputs", GB,
           function(model, d) quiet(model, gen(list(put(first_x(d), NA, 3, 2), first_y(d)))),
           class = "kfit_source_error", argument = "x",
           fragment = "returned NA in the inputs at row 3, column 2", snapshot = TRUE),
  bad_case("streams-na-inputs-worker", GB,
           function(model, d) {
             quiet(model, gen(list(put(first_x(d), NA, 3, 2), first_y(d))), workers = 1L)
           },
           class = "kfit_source_error", argument = "x",
           fragment = "returned NA in the inputs at row 3, column 2"),
  bad_case("streams-nan-inputs", GB,
           function(model, d) quiet(model, gen(list(put(first_x(d), NaN, 16, 10), first_y(d)))),
           class = "kfit_source_error", argument = "x",
           fragment = "NA in the inputs at row 16, column 10"),
  bad_case("streams-inf-inputs", GB,
           function(model, d) quiet(model, gen(list(put(first_x(d), Inf, 1, 10), first_y(d)))),
           class = "kfit_source_error", argument = "x",
           fragment = "returned Inf in the inputs at row 1, column 10"),
  bad_case("streams-minus-inf-inputs", GB,
           function(model, d) quiet(model, gen(list(put(first_x(d), -Inf, 4, 4), first_y(d)))),
           class = "kfit_source_error", argument = "x",
           fragment = "returned -Inf in the inputs at row 4, column 4"),
  bad_case("streams-na-targets", GB,
           function(model, d) quiet(model, gen(list(first_x(d), put(d$y_reg[1:16], NA, 3)))),
           class = "kfit_source_error", argument = "x", model = "regression",
           fragment = "returned NA in the targets at element 3", snapshot = TRUE),
  bad_case("streams-na-factor-targets", GB,
           function(model, d) {
             y <- factor(put(first_y(d), NA, 2), levels = 0:2)
             quiet(model, gen(list(first_x(d), y)))
           },
           class = "kfit_source_error", argument = "x",
           fragment = "returned NA in the targets at element 2"),
  bad_case("streams-na-sample-weights", GB,
           function(model, d) quiet(model, gen(list(first_x(d), first_y(d), put(rep(1, 16), NA, 5)))),
           class = "kfit_source_error", argument = "x",
           fragment = "NA in the sample weights at element 5"),
  bad_case("streams-na-named-input", GB,
           function(model, d) {
             quiet(model, gen(list(list(a = d$xa[1:16, ], b = put(d$xb[1:16, ], NA, 2, 5)),
                                   d$y_reg[1:16])))
           },
           class = "kfit_source_error", argument = "x", model = "two_inputs",
           fragment = 'NA in `inputs[["b"]]` at row 2, column 5'),
  bad_case("streams-zero-rows", GB,
           function(model, d) quiet(model, gen(list(d$x[0, , drop = FALSE], integer()))),
           class = "kfit_source_error", argument = "x",
           fragment = "returned a batch of 0 rows", snapshot = TRUE),
  bad_case("streams-inputs-only", GB,
           function(model, d) quiet(model, gen(list(first_x(d)))),
           class = "kfit_source_error", argument = "x",
           fragment = "inputs only (at epoch 1, step 1)", snapshot = TRUE),
  bad_case("streams-inputs-and-null", GB,
           function(model, d) quiet(model, gen(list(first_x(d), NULL))),
           class = "kfit_source_error", argument = "x",
           fragment = "training needs targets"),
  bad_case("streams-inputs-only-worker", GB,
           function(model, d) quiet(model, gen(list(first_x(d))), workers = 1L),
           class = "kfit_source_error", argument = "x",
           fragment = "returned a list of 1 item"),
  bad_case("streams-a-matrix", GB,
           function(model, d) quiet(model, gen(first_x(d))),
           class = "kfit_source_error", argument = "x",
           fragment = "rows and 10 columns, not a list", snapshot = TRUE),
  bad_case("streams-null-first", GB,
           function(model, d) quiet(model, function() NULL, steps_per_epoch = NULL),
           class = "kfit_source_error", argument = "x",
           fragment = "returned NULL at its first call", snapshot = TRUE),
  bad_case("streams-null-first-worker", GB,
           function(model, d) quiet(model, function() NULL, workers = 1L),
           class = "kfit_source_error", argument = "x",
           fragment = "returned NULL at its first call"),
  bad_case("streams-list-of-4", GB,
           function(model, d) quiet(model, gen(list(first_x(d), first_y(d), rep(1, 16), 1))),
           class = "kfit_source_error", argument = "x",
           fragment = "returned a list of length 4", snapshot = TRUE),
  bad_case("streams-character-matrix", GB,
           function(model, d) quiet(model, gen(list(matrix("a", 16, 10), first_y(d)))),
           class = "kfit_source_error", argument = "x",
           fragment = "holding a character matrix", snapshot = TRUE),
  bad_case("streams-a-data-frame", GB,
           function(model, d) quiet(model, gen(as.data.frame(first_x(d)))),
           class = "kfit_source_error", argument = "x",
           fragment = "returned a data frame with 16 rows"),
  bad_case("streams-different-lengths", GB,
           function(model, d) quiet(model, gen(list(first_x(d), d$y[1:15]))),
           class = "kfit_source_error", argument = "x",
           fragment = "(the inputs (16, 10), the targets (15))"),
  bad_case("streams-generator-stops", GB,
           function(model, d) quiet(model, function() stop("no data here")),
           class = "kfit_source_error", argument = "x",
           fragment = "failed at epoch 1, step 1"),
  bad_case("streams-fit-generator-na", GB,
           function(model, d) {
             quiet_fit_generator(model, gen(list(put(first_x(d), NA, 1, 1), first_y(d))),
                                 steps_per_epoch = 2, workers = 0)
           },
           class = "kfit_source_error", argument = "generator",
           fragment = "The R generator `generator` returned NA"),
  bad_case("streams-index-dataset-na", GB,
           function(model, d) {
             quiet(model, function(i) list(put(first_x(d), NA, i, 2), first_y(d)))
           },
           class = "kfit_source_error", argument = "x",
           fragment = "NA in the inputs at row 1, column 2"),
  bad_case("streams-na-later-batch", GB,
           caught(function(model, d) {
             quiet(model, batches_of(d, bad = 6L, with = list(put(first_x(d), NA, 3, 2), first_y(d))),
                   steps_per_epoch = 4L, epochs = 2)
           }),
           check = stopped_at(2, 2, "row 3, column 2 (at epoch 2, step 2)", epochs_done = 1L)),
  bad_case("streams-zero-rows-later", GB,
           caught(function(model, d) {
             quiet(model, batches_of(d, bad = 3L, with = list(d$x[0, , drop = FALSE], integer())),
                   steps_per_epoch = 4L)
           }),
           check = stopped_at(1, 3, "returned a batch of 0 rows")),
  bad_case("streams-na-later-worker", GB,
           caught(function(model, d) {
             quiet(model, batches_of(d, bad = 2L, with = list(first_x(d), put(first_y(d), NA, 7))),
                   steps_per_epoch = 4L, workers = 1L)
           }),
           check = stopped_at(1, 2, "NA in the targets at element 7")),
  bad_case("streams-integer-batches", GB,
           function(model, d) {
             quiet(model, gen(list(matrix(1:160, 16, 10), first_y(d))), epochs = 2)
           },
           check = trained(2L, steps = 2L)),
  bad_case("streams-ends-without-steps", GB,
           function(model, d) quiet(model, batches_of(d, ends = TRUE), steps_per_epoch = NULL,
                                    epochs = 2),
           check = trained(2L)),
  bad_case("streams-with-weights-and-factor", GB,
           function(model, d) {
             quiet(model, gen(list(first_x(d), factor(first_y(d), levels = 0:2), runif(16))))
           },
           check = trained(1L, steps = 2L)),
  bad_case("streams-index-dataset-trains", GB,
           function(model, d) {
             quiet(model, function(i) {
               rows <- ((i - 1) * 16 + 1):(i * 16)
               list(d$x[rows, ], d$y[rows])
             }, steps_per_epoch = 4L)
           },
           check = trained(1L, steps = 4L)),

  # -- pydataset ----------------------------------------------------------------------
  bad_case("streams-pydataset-len-0", PD, empty_dataset_in_child("x"),
           check = child_failed_with("x")),
  bad_case("streams-pydataset-len-0-validation", PD,
           empty_dataset_in_child("validation_data"),
           check = child_failed_with("validation_data")),
  bad_case("streams-pydataset-index-error", PD,
           function(model, d) {
             fit(model, rows_dataset(d, length = 6L, broken = 0:5), verbose = 0,
                 shuffle = FALSE)
           },
           class = "kfit_source_error", argument = "x",
           fragment = "raised IndexError for index 0", snapshot = TRUE),
  bad_case("streams-pydataset-none", PD,
           function(model, d) {
             fit(model, rows_dataset(d, broken = list(0L), none = TRUE), verbose = 0, shuffle = FALSE)
           },
           class = "kfit_source_error", argument = "x",
           fragment = "returned None for index 0"),
  bad_case("streams-pydataset-na", PD,
           function(model, d) fit(model, rows_dataset(d, nan = TRUE), verbose = 0),
           class = "kfit_source_error", argument = "x",
           fragment = "returned NA in the inputs at row 3, column 2"),
  bad_case("streams-pydataset-promises-more", PD,
           caught(function(model, d) {
             fit(model, rows_dataset(d, length = 6L, broken = 4:5), verbose = 0, shuffle = FALSE)
           }),
           check = stopped_at(1, 5, "raised IndexError for index 4")),
  bad_case("streams-pydataset-workers", PD,
           function(model, d) {
             fit(model, rows_dataset(d, workers = 2L), epochs = 2, verbose = 0,
                 view_metrics = FALSE)
           },
           check = trained(2L, steps = 4L)),

  # -- tf.data ------------------------------------------------------------------------
  bad_case("streams-tf-unbatched", TF,
           function(model, d) fit(model, tf_slices(d), verbose = 0),
           class = "kfit_value_error", argument = "x",
           fragment = "yields single samples, not batches", snapshot = TRUE),
  bad_case("streams-tf-unbatched-shape", TF,
           function(model, d) fit(model, tf_slices(d), verbose = 0),
           class = "kfit_value_error", argument = "x",
           fragment = "batches of shape (NA, 10)"),
  bad_case("streams-tf-unbatched-validation", TF,
           function(model, d) fit(model, d$x, d$y, validation_data = tf_slices(d), verbose = 0),
           class = "kfit_value_error", argument = "validation_data",
           fragment = "`validation_data` yields single samples"),
  bad_case("streams-tf-unbatched-fit-generator", TF,
           function(model, d) quiet_fit_generator(model, tf_slices(d), steps_per_epoch = 2),
           class = "kfit_value_error", argument = "generator",
           fragment = "yields single samples"),
  bad_case("streams-tf-inputs-only", TF,
           function(model, d) {
             tf <- reticulate::import("tensorflow")
             fit(model, tf$data$Dataset$from_tensor_slices(d$x)$batch(16L), verbose = 0)
           },
           class = "kfit_value_error", argument = "x",
           fragment = "whose elements are inputs only", snapshot = TRUE),
  bad_case("streams-tf-batched-trains", TF,
           function(model, d) fit(model, tf_slices(d)$batch(16L), epochs = 2, verbose = 0,
                                  view_metrics = FALSE),
           check = trained(2L, steps = 4L)),

  # -- validation-stream --------------------------------------------------------------
  bad_case("streams-fit-generator-validation-steps", VS,
           function(model, d) {
             quiet_fit_generator(model, batches_of(d), steps_per_epoch = 4, workers = 0,
                                 validation_data = batches_of(d))
           },
           class = "kfit_value_error", argument = "validation_steps",
           fragment = "is required by `fit_generator()`", snapshot = TRUE),
  bad_case("streams-infinite-tf-validation", VS,
           function(model, d) {
             fit(model, d$x, d$y, validation_data = tf_slices(d)$batch(16L)$`repeat`(),
                 verbose = 0)
           },
           class = "kfit_value_error", argument = "validation_steps",
           fragment = "infinite tf.data.Dataset"),
  bad_case("streams-validation-warns", VS,
           recorded(function(model, d) {
             quiet(model, batches_of(d), steps_per_epoch = 4L, epochs = 2,
                   validation_data = batches_of(d, ends = TRUE))
           }),
           check = warned("calls it until it returns NULL", epochs = 2L)),
  bad_case("streams-validation-steps-no-warning", VS,
           recorded(function(model, d) {
             quiet(model, batches_of(d), steps_per_epoch = 4L,
                   validation_data = batches_of(d), validation_steps = 2)
           }),
           check = warned(NULL)),
  bad_case("streams-pydataset-validation-no-warning", VS,
           recorded(function(model, d) {
             quiet_fit_generator(model, batches_of(d), steps_per_epoch = 4, workers = 0,
                                 validation_data = rows_dataset(d))
           }),
           check = warned(NULL)),
  bad_case("streams-validation-na", VS,
           function(model, d) {
             quiet(model, batches_of(d), validation_steps = 1,
                   validation_data = gen(list(put(first_x(d), NA, 2, 3), first_y(d))))
           },
           class = "kfit_source_error", argument = "validation_data",
           fragment = "NA in the inputs at row 2, column 3"),
  bad_case("streams-validation-inputs-only", VS,
           function(model, d) {
             quiet(model, batches_of(d), validation_steps = 1,
                   validation_data = gen(list(first_x(d))))
           },
           class = "kfit_source_error", argument = "validation_data",
           fragment = "validation needs targets")
)
