# In-memory R arrays, R-hosted: kfit's fit() against the same training
# without kfit, side by side in one R process, alternating, every fit from a
# fresh model. In the cran world the baseline is keras3's own fit(); in the
# debian world (no keras3) it is Keras' model$fit() on reticulate's NumPy
# view of the matrix (what keras3 hands Keras). Also: how fast an R matrix
# reaches the core (encode in R, decode and convert in Python).
#
#   Rscript bench/r_arrays.R [--rows 20000] [--cols 784] [--rounds 7]
#
# Prints one line per workload: medians and the ratio, with the target of
# issue 19 beside it (light model <= 1.05x, heavy model <= 1.02x).

options(warn = 1, error = function() { traceback(3); q(status = 1) })
argv <- commandArgs(trailingOnly = TRUE)
option <- function(name, default) {
  at <- match(paste0("--", name), argv)
  if (is.na(at)) default else as.integer(argv[[at + 1L]])
}
rows <- option("rows", 20000L)
cols <- option("cols", 784L)
rounds <- option("rounds", 7L)

suppressPackageStartupMessages(library(kfit))
has_keras3 <- requireNamespace("keras3", quietly = TRUE)
keras <- reticulate::import("keras")
set.seed(1)
x <- matrix(rnorm(rows * cols), rows, cols)
y <- rnorm(rows)

make_model <- function(units) {
  keras$utils$set_random_seed(1L)
  layers <- c(list(keras$Input(shape = list(cols))),
              lapply(units, function(u) keras$layers$Dense(as.integer(u), activation = "relu")),
              list(keras$layers$Dense(1L)))
  model <- keras$Sequential(layers)
  model$compile(optimizer = "adam", loss = "mse")
  model
}

baseline_name <- if (has_keras3) "keras3::fit()" else "Keras model$fit()"
baseline <- if (has_keras3) {
  function(model, epochs) keras3:::fit.keras.src.models.model.Model(
    model, x, y, epochs = epochs, verbose = 0)
} else {
  function(model, epochs) model$fit(reticulate::r_to_py(x), reticulate::r_to_py(array(y)),
                                    epochs = as.integer(epochs), verbose = 0L)
}
with_kfit <- function(model, epochs) kfit::kfit_fit(model, x, y, epochs = epochs, verbose = 0)

elapsed <- function(f) {
  t0 <- proc.time()[["elapsed"]]
  f()
  proc.time()[["elapsed"]] - t0
}

compare <- function(label, units, epochs, target) {
  warm <- make_model(units)  # traces and caches what the first fit would
  baseline(warm, 1L)
  with_kfit(warm, 1L)
  times <- list(base = numeric(), kfit = numeric())
  for (round in seq_len(rounds)) {
    order <- if (round %% 2L) c("base", "kfit") else c("kfit", "base")
    for (who in order) {
      model <- make_model(units)
      run <- if (who == "base") baseline else with_kfit
      times[[who]] <- c(times[[who]], elapsed(function() run(model, epochs)))
    }
  }
  base <- stats::median(times$base)
  ours <- stats::median(times$kfit)
  cat(sprintf("%-44s %s %6.3f s   kfit %6.3f s   ratio %5.3f   (target <= %.2f)\n",
              label, baseline_name, base, ours, ours / base, target))
}

mb <- rows * cols * 8 / 1e6
convert <- reticulate::import("kfit.r.convert", convert = FALSE)
decode <- reticulate::import("kfit.r.function", convert = FALSE)$decode_record
conversion <- vapply(seq_len(5L), function(i) elapsed(function() {
  frame <- kfit:::encode_for_core(list(x), arrays = TRUE)
  value <- decode(reticulate::r_to_py(c(list(ok = TRUE), frame)))$value
  convert$r_to_numpy(value$items[0L])
}), numeric(1))
cat(sprintf("R %d x %d double matrix (%.0f MB) -> core float32: %.3f s, %.2f GB/s (target >= 1)\n",
            rows, cols, mb, stats::median(conversion), mb / 1000 / stats::median(conversion)))
compare(sprintf("light: Dense 64-1, 1 epoch, %d rows", rows), 64L, 1L, 1.05)
compare(sprintf("heavy: Dense 512-512-1, 3 epochs, %d rows", rows), c(512L, 512L), 3L, 1.02)
