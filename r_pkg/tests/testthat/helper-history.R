# Histories with fixed numbers, laid out as the Python core builds them.
# The numbers of h_plain, h_val and h_freq are taken from runs of the real
# keras3 package (reference sections (a), (a'), (b) and (f)).

history_params <- function(epochs, steps = 5L, initial_epoch = 1L) {
  list(verbose = 2L, epochs = epochs, steps = steps, initial_epoch = initial_epoch)
}

# 4 epochs, no validation
h_plain <- new_keras_training_history(
  params = history_params(4L, steps = 7L),
  metrics = list(
    accuracy = c(0.25, 0.305, 0.33, 0.36),
    loss = c(1.319592, 1.294101, 1.271205, 1.24987)
  )
)

# 3 epochs, validation_split = 0.2
h_val <- new_keras_training_history(
  params = history_params(3L),
  metrics = list(
    accuracy = c(0.33125, 0.35, 0.35),
    loss = c(1.134231, 1.117877, 1.102317),
    val_accuracy = c(0.4, 0.4, 0.4),
    val_loss = c(1.079268, 1.069979, 1.0612)
  )
)

# 5 epochs, validation_freq = 2: validation ran after epochs 2 and 4
h_freq <- new_keras_training_history(
  params = history_params(5L),
  metrics = list(
    accuracy = c(0.4563, 0.4625, 0.4688, 0.5125, 0.5188),
    loss = c(1.0404, 1.0270, 1.0144, 1.0024, 0.9910),
    val_accuracy = c(NA, 0.4, NA, 0.45, NA),
    val_loss = c(NA, 1.0775, NA, 1.0548, NA)
  )
)

# resumed run: initial_epoch = 3, epochs = 5, so epochs 3, 4 and 5 ran
h_resumed <- new_keras_training_history(
  params = history_params(5L, steps = 7L, initial_epoch = 3L),
  metrics = list(
    accuracy = c(0.52, 0.525, 0.535),
    loss = c(1.0193306, 1.0014404, 0.9851375)
  )
)

# 12 epochs with validation: long enough for the loess smooth
h_long <- new_keras_training_history(
  params = history_params(12L),
  metrics = list(
    accuracy = c(0.31, 0.38, 0.44, 0.49, 0.53, 0.57, 0.60, 0.62, 0.645, 0.66, 0.675, 0.68),
    loss = c(1.30, 1.18, 1.09, 1.01, 0.95, 0.90, 0.86, 0.83, 0.805, 0.79, 0.775, 0.77),
    val_accuracy = c(0.30, 0.36, 0.41, 0.47, 0.49, 0.53, 0.55, 0.56, 0.58, 0.585, 0.59, 0.59),
    val_loss = c(1.31, 1.21, 1.14, 1.07, 1.03, 0.99, 0.97, 0.955, 0.95, 0.945, 0.95, 0.955)
  )
)

# interrupted before the first epoch ended
h_empty <- new_keras_training_history(params = history_params(0L), metrics = list())

# Makes kfit believe ggplot2 is not installed until `frame` exits.
# (testthat >= 3.1.7 has local_mocked_bindings(); Debian's 3.1.6 does not.)
local_no_ggplot2 <- function(frame = parent.frame()) {
  ns <- asNamespace("kfit")
  original <- ns$has_ggplot2
  unlockBinding("has_ggplot2", ns)
  assign("has_ggplot2", function() FALSE, envir = ns)
  withr::defer(
    {
      assign("has_ggplot2", original, envir = ns)
      lockBinding("has_ggplot2", ns)
    },
    envir = frame
  )
}
