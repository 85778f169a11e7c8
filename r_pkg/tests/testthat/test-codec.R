# How R values reach the core (R/codec.R): large matrices and arrays as
# NumPy views of R's memory (no copy), the rest as raw bytes. Both ways give
# the core the same values.

core_values <- function(value, arrays) {
  function_module <- reticulate::import("kfit.r.function", convert = FALSE)
  convert <- reticulate::import("kfit.r.convert", convert = FALSE)
  frame <- encode_for_core(list(value), arrays = arrays)
  decoded <- function_module$decode_record(reticulate::r_to_py(c(list(ok = TRUE), frame)))
  converted <- convert$r_to_numpy(decoded$value$items[0L])
  list(value = reticulate::py_to_r(converted$value),
       na = reticulate::py_to_r(converted$na_count),
       shared = vapply(frame$leaves, function(leaf) !is.raw(leaf), logical(1)))
}

test_that("large matrices and arrays reach the core without a copy, with the values raw bytes give", {
  skip_if_no_core()
  set.seed(3)
  m <- matrix(rnorm(300 * 40), 300, 40)
  m[c(5, 700, 9000)] <- c(NA, NaN, Inf)
  a <- array(sample(c(1:9, NA), 20 * 30 * 4, replace = TRUE), c(20, 30, 4))
  for (value in list(m, a)) {
    shared <- core_values(value, arrays = TRUE)
    copied <- core_values(value, arrays = FALSE)
    expect_true(shared$shared)
    expect_false(copied$shared)
    expect_identical(shared$value, copied$value)
    expect_identical(shared$na, copied$na)
    expect_identical(dim(shared$value), dim(value))
    expect_gt(shared$na, 0)
  }
  # R's indexing holds: a[i, j, k] is the core's a[i-1, j-1, k-1]
  v <- core_values(a, arrays = TRUE)$value
  expect_identical(v[3, 7, 2], as.double(a[3, 7, 2]))
  expect_equal(core_values(m, arrays = TRUE)$value[17, 23], m[17, 23], tolerance = 1e-6)
})

test_that("vectors, small, classed and named leaves still go as raw bytes", {
  skip_if_no_core()
  big <- matrix(1, 64, 64)
  leaves <- function(value) {
    vapply(encode_for_core(value, arrays = TRUE)$leaves, is.raw, logical(1))
  }
  expect_identical(leaves(list(big, runif(5000), matrix(1, 10, 10),
                               factor(rep("a", 2000)),
                               structure(big, class = "myclass"))),
                   c(FALSE, TRUE, TRUE, TRUE, TRUE))
})
