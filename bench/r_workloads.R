# R workloads shared by bench/r_generator.py (sourced over rpy2) and
# bench/r_generator.R (sourced by Rscript): the same generators, index
# datasets and calibration in both hosts.
#
# Every generator is built by a factory, so each closure carries what it
# needs in its own environment (kfit ships it to the worker processes with
# it) and refers to nothing else but base R.

# A list of `count` precomputed batches of `rows` x `cols` random doubles
# (and `rows` targets).
bench_pool <- function(count, rows, cols, seed = 1L) {
  set.seed(seed)
  lapply(seq_len(count), function(i) {
    list(matrix(rnorm(rows * cols), rows, cols), rnorm(rows))
  })
}

# I/O-like: waits `seconds` (no CPU), then returns the next precomputed batch.
make_sleep_generator <- function(pool, seconds) {
  force(pool)
  force(seconds)
  i <- 0L
  function() {
    Sys.sleep(seconds)
    i <<- i %% length(pool) + 1L
    pool[[i]]
  }
}

# CPU-bound: builds the batch with rnorm() (one allocation, as a real
# generator makes) and then computes in the R interpreter: `passes` x 1000
# iterations of scalar arithmetic, which allocate nothing (so the cost does
# not depend on the size of the R heap, or on R's garbage collector).
make_cpu_generator <- function(rows, cols, passes) {
  force(rows)
  force(cols)
  force(passes)
  function() {
    x <- matrix(rnorm(rows * cols), rows, cols)
    acc <- 0
    for (k in seq_len(passes * 1000L)) acc <- acc + k %% 7L
    x[1L, 1L] <- x[1L, 1L] + acc * 0
    list(x, rnorm(rows))
  }
}

# Index datasets function(i): batch i of a precomputed pool, after
# `seconds` of sleep (kind "sleep") or `passes` x 1000 iterations of the
# same scalar arithmetic (kind "cpu").
make_index_dataset <- function(pool, kind, seconds = 0, passes = 0L) {
  force(pool)
  force(kind)
  force(seconds)
  force(passes)
  if (identical(kind, "sleep")) {
    function(i) {
      Sys.sleep(seconds)
      pool[[(i - 1L) %% length(pool) + 1L]]
    }
  } else {
    function(i) {
      acc <- 0
      for (k in seq_len(passes * 1000L)) acc <- acc + k %% 7L
      b <- pool[[(i - 1L) %% length(pool) + 1L]]
      list(b[[1]], b[[2]] + acc * 0)
    }
  }
}

# The trivial generator of the per-batch cost benchmark: cycles through a
# precomputed pool (no work at all).
make_pool_generator <- function(pool) {
  force(pool)
  i <- 0L
  function() {
    i <<- i %% length(pool) + 1L
    pool[[i]]
  }
}

# Seconds `gen` takes for `n` calls, here in R (what a worker does per batch
# before encoding it).
time_generator <- function(gen, n, index = FALSE) {
  t0 <- proc.time()
  if (index) {
    for (i in seq_len(n)) gen(i)
  } else {
    for (i in seq_len(n)) gen()
  }
  t <- proc.time() - t0
  # seconds, with the CPU seconds the calls used as attribute "cpu"
  structure(t[["elapsed"]], cpu = t[["user.self"]] + t[["sys.self"]])
}

# Milliseconds per call of `f`: the median of `reps` rounds of `n` calls
# (after one call, which compiles it).
ms_per_call <- function(f, n = 20L, reps = 5L) {
  f()
  stats::median(vapply(seq_len(reps), function(r) {
    t0 <- proc.time()[["elapsed"]]
    for (i in seq_len(n)) f()
    (proc.time()[["elapsed"]] - t0) / n * 1000
  }, numeric(1)))
}

# Passes that make make_cpu_generator(rows, cols, passes) cost ~target_ms:
# base cost (rnorm) and per-pass cost measured here, then one correction
# from the cost measured with those passes. (The tables print what the
# generator then costs over a whole run: "gen_alone".)
calibrate_cpu <- function(rows, cols, target_ms = 10) {
  calibrate(function(passes) make_cpu_generator(rows, cols, passes), target_ms)
}

# Passes over one batch (the CPU index dataset's work) that cost ~target_ms.
calibrate_passes <- function(pool, target_ms) {
  calibrate(function(passes) {
    ds <- make_index_dataset(pool, "cpu", passes = passes)
    function() ds(1L)
  }, target_ms)
}

calibrate <- function(make, target_ms, probe = 100L) {
  base <- ms_per_call(make(0L))
  per_pass <- max((ms_per_call(make(probe)) - base) / probe, 1e-4)
  passes <- max(0L, as.integer(round((target_ms - base) / per_pass)))
  ms <- ms_per_call(make(passes))
  if (passes > 0L && ms > base) {
    # (no less than a quarter of the probe's figure: a noisy `ms` close to
    # `base` must not make the passes explode)
    per_pass <- max((ms - base) / passes, per_pass / 4)
    passes <- max(0L, as.integer(round((target_ms - base) / per_pass)))
    ms <- ms_per_call(make(passes))
  }
  list(passes = passes, base_ms = base, per_pass_ms = per_pass, ms = ms)
}
