# No abort, ever: each run in a child Rscript (R hosting Python, as users
# run it), repeated. These were the crashes of the threaded design: an R
# garbage collection while rpy2 had released the GIL ran reticulate's
# finalizers without it. A gc() in this session costs about 0.5 s with
# TensorFlow loaded, so those cases run 10 batches (they crashed every time).

robust_script <- c(
  "library(kfit)",
  "keras <- reticulate::import('keras')",
  "model <- keras$Sequential(list(keras$Input(shape = list(784L)), keras$layers$Dense(8L), keras$layers$Dense(1L)))",
  "model$compile(optimizer = 'adam', loss = 'mse')",
  "big <- function() { x <- matrix(runif(64 * 784), 64, 784); list(x, rowMeans(x)) }",
  "gc_gen <- function() { gc(); big() }",
  "alloc_gen <- function() { junk <- numeric(8e6); junk[1] <- 1; big() }", # 64 MB
  "py <- reticulate::import_builtins()",
  "py_gen <- function() { for (k in 1:20) { d <- py$dict(a = k); l <- py$list(list(1, 2)) }; rm(d, l); big() }",
  "cb <- callback_lambda(on_batch_end = function(batch, logs) { gc(); invisible(NULL) })",
  "for (w in c(0, 1)) {",
  "  h <- fit(model, gc_gen, steps_per_epoch = 5, epochs = 2, verbose = 0, workers = w)",
  "  cat('gc_gen', w, length(h$metrics$loss), '\\n')",
  "  h <- fit(model, alloc_gen, steps_per_epoch = 20, epochs = 1, verbose = 0, workers = w)",
  "  cat('alloc_gen', w, length(h$metrics$loss), '\\n')",
  "}",
  "h <- fit(model, py_gen, steps_per_epoch = 25, epochs = 2, verbose = 0, workers = 0)",
  "cat('py_gen 0', length(h$metrics$loss), '\\n')",
  "h <- fit(model, big, steps_per_epoch = 5, epochs = 2, verbose = 0, callbacks = list(cb))",
  "cat('gc_callback 1', length(h$metrics$loss), '\\n')",
  "cat('DONE\\n')"
)

# 20,000 batches from an R generator.
many_batches_script <- c(
  "library(kfit)",
  "keras <- reticulate::import('keras')",
  "model <- keras$Sequential(list(keras$Input(shape = list(10L)), keras$layers$Dense(1L)))",
  # 25 steps per execution: Keras' own per-step cost is paid once per 25
  # batches, while every one of the 20,000 batches still comes from R.
  "model$compile(optimizer = 'sgd', loss = 'mse', steps_per_execution = 25L)",
  "i <- 0",
  "gen <- function() { i <<- i + 1; x <- matrix(runif(320), 32, 10); list(x, rowSums(x)) }",
  "h <- fit(model, gen, steps_per_epoch = 4000, epochs = 5, verbose = 0, max_queue_size = 50)",
  "cat('EPOCHS:', length(h$metrics$loss), '\\n')",
  "cat('STEPS:', h$params$steps, '\\n')"
)

test_that("gc() in generators and callbacks, 64 MB batches, Python objects, 20,000 batches: no abort (5 runs each)", {
  skip_if_no_core()
  for (run in 1:5) {
    # The two children of a run at the same time (about 30 s and 25 s alone).
    robust <- start_child(robust_script, timeout = 600)
    many <- start_child(many_batches_script, timeout = 600)
    out <- finish_child(robust)
    expect_identical(attr(out, "status"), 0L, info = paste(c(run, tail(out, 15)), collapse = "\n"))
    expect_identical(
      grep("^(gc_gen|alloc_gen|py_gen|gc_callback)", trimws(out), value = TRUE),
      c("gc_gen 0 2", "alloc_gen 0 1", "gc_gen 1 2", "alloc_gen 1 1", "py_gen 0 2",
        "gc_callback 1 2"),
      info = paste(tail(out, 15), collapse = "\n")
    )
    out <- finish_child(many)
    expect_identical(attr(out, "status"), 0L, info = paste(c(run, tail(out, 15)), collapse = "\n"))
    expect_identical(child_value(out, "EPOCHS"), "5 ")
    expect_identical(child_value(out, "STEPS"), "4000 ")
  }
})
