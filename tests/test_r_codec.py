"""The codec's two byte paths (r_pkg/R/codec.R, r_pkg/src/leaf_bytes.c):
in-session frames in full precision, worker batch frames in single precision
through reused buffers, both decoded by kfit.r.codec without R."""

from __future__ import annotations

import json

import numpy as np
import rpy2.robjects as ro

from kfit.r.codec import RList, RVector, decode
from kfit.r.convert import r_to_numpy


def frame(expression: str, single: bool) -> tuple[str, list[bytes]]:
    """Encode an R value as a worker does (single) or for the core."""
    flag = "TRUE" if single else "FALSE"
    r = ro.r(f"""local({{
      value <- {expression}
      frame <- kfit:::encode_frame("batch", value, single = {flag})
      list(frame$header, lapply(frame$leaves, kfit:::leaf_raw, single = frame$single))
    }})""")
    return str(r[0][0]), [bytes(b) for b in r[1]]


def test_batches_arrive_in_single_precision_with_na_as_nan() -> None:
    expr = "list(matrix(c(1.5, NA, NaN, 1e-3, -2, 1/3), 2, 3), 1:3, c(TRUE, NA, FALSE))"
    header, leaves = frame(expr, single=True)
    value = decode(header, leaves).value
    assert isinstance(value, RList)
    x, i, b = value.items
    assert isinstance(x, RVector) and x.data.dtype == np.dtype("<f4")
    assert x.dim == (2, 3) and len(leaves[0]) == 6 * 4
    # a matrix in a worker's batch comes row-major, as Keras takes it
    assert x.order == "C"
    expected = np.array([1.5, np.nan, -2, np.nan, 1e-3, 1 / 3], dtype=np.float32)
    np.testing.assert_array_equal(x.data, expected)
    assert i.data.dtype == np.dtype("<i4") and list(i.data) == [1, 2, 3]
    assert list(b.data) == [1, -2147483648, 0]


def test_values_for_the_core_keep_double_precision() -> None:
    header, leaves = frame("list(0.1, matrix(c(1/3, 2/3), 1))", single=False)
    value = decode(header, leaves).value
    assert value.items[0].data.dtype == np.dtype("<f8")
    assert value.items[0].data[0] == 0.1
    assert value.items[1].data[1] == 2 / 3 and value.items[1].dim == (1, 2)


def test_a_large_matrix_round_trips_whatever_its_attributes() -> None:
    # A shared matrix with dimnames and a class: its bytes come straight from
    # its memory (no copy that drops the attributes first).
    ro.r("set.seed(7); big <- structure(matrix(rnorm(128 * 784), 128, 784, "
         "dimnames = list(NULL, paste0('v', 1:784))), extra = 'kept')")
    header, leaves = frame("list(big, big)", single=True)
    value = decode(header, leaves).value
    expected = np.asarray(ro.r("as.vector(t(big))"), dtype=np.float32)  # row-major
    for item in value.items:
        np.testing.assert_array_equal(item.data, expected)
    assert ro.r("attr(big, 'extra')")[0] == "kept"


def test_worker_arrays_of_any_rank_and_type_reach_numpy_as_r_indexes_them() -> None:
    # Row-major from C (src/leaf_bytes.c) for 2, 3 and 4 dims, doubles,
    # integers and logicals; converted, each equals R's array element by
    # element (x[i, j, k] in R is x[i - 1, j - 1, k - 1] here).
    exprs = ["array(rnorm(5 * 7), c(5, 7))", "array(rnorm(4 * 3 * 6), c(4, 3, 6))",
             "array(as.integer(1:(3 * 2 * 4 * 5)), c(3, 2, 4, 5))",
             "array(c(TRUE, FALSE, NA), c(3, 4))", "array(rnorm(6), c(6, 1))"]
    ro.r("set.seed(3)")
    for expr in exprs:
        ro.r(f"value <- {expr}")
        header, leaves = frame("list(value)", single=True)
        item = decode(header, leaves).value.items[0]
        assert item.order == "C"
        got = r_to_numpy(item).value
        dims = tuple(int(d) for d in ro.r("dim(value)"))
        flat = np.asarray(ro.r("as.vector(as.numeric(value))"), dtype=np.float64)
        with np.errstate(invalid="ignore"):  # R's NA: a NaN with a payload
            want = flat.reshape(dims, order="F").astype(np.float32)
        assert got.shape == dims and got.flags.c_contiguous
        np.testing.assert_array_equal(got.astype(np.float32), want, err_msg=expr)


def test_worker_frames_with_reused_buffers_equal_fresh_ones(tmp_path) -> None:
    # Leaves of one size share a buffer in a worker: every frame's bytes must
    # still be those of its own values (small ones joined, large ones
    # written at once), frame after frame.
    reused, fresh = tmp_path / "reused.bin", tmp_path / "fresh.bin"
    ro.r(f"""local({{
      batches <- lapply(1:3, function(k) list(matrix(rnorm(300 * 100), 300),
                                              rnorm(300 * 100), k + 1:20, k - 1:20))
      buffers <- new.env()
      a <- file("{reused}", "wb"); b <- file("{fresh}", "wb")
      for (batch in batches) {{
        frame <- kfit:::encode_frame("batch", batch, single = TRUE)
        kfit:::write_frame(a, frame, buffers)
        kfit:::write_frame(b, frame)
      }}
      close(a); close(b)
    }})""")
    data = reused.read_bytes()
    assert data == fresh.read_bytes()
    # Parse the three frames back and check the last pair of small leaves.
    offset, frames = 0, []
    for _ in range(3):
        length = int.from_bytes(data[offset:offset + 4], "little")
        header = data[offset + 4:offset + 4 + length]
        offset += 4 + length
        sizes = json.loads(header)["sizes"]
        leaves = []
        for size in sizes:
            leaves.append(data[offset:offset + size])
            offset += size
        frames.append(decode(header, leaves).value)
    assert offset == len(data)
    for k, value in enumerate(frames, start=1):
        assert list(value.items[2].data) == [k + j for j in range(1, 21)]
        assert list(value.items[3].data) == [k - j for j in range(1, 21)]
        assert value.items[0].dim == (300, 100)


def test_the_c_encoder_writes_what_the_r_encoder_writes() -> None:
    # src/encode_node.c is the fast path of encode_node() (R/codec.R): for
    # every value it takes, the same header text and leaves, in both
    # precisions; values it leaves to R (a function inside) give NULL.
    result = ro.r("""local({
      values <- list(
        NULL, 1, 1:3, c(TRUE, NA), c(a = 1, b = 2), matrix(1:6, 2), array(1:24, 2:4),
        factor(c("x", NA, "y"), levels = c("y", "x", "z")),
        c("a\\"b\\\\c", NA, "t\\tn\\n", "\\u00e9"), list(), list(1, list(2, "s")),
        list(a = 1, 2), data.frame(u = 1:2, v = c("p", "q")),
        structure(1:3, class = "foo"),
        matrix(c(1.5, NA), 1, dimnames = list("r", c("c1", "c2"))),
        list(x = matrix(rnorm(6), 3), y = 1:3, w = c(0.5, 1, 2)), rep("s", 1500),
        structure(list(1), names = NA_character_), numeric(0), character(0),
        list(factor("a"), list(list(NULL)))
      )
      ns <- asNamespace("kfit")
      same <- 0L
      for (single in c(FALSE, TRUE)) for (v in values) {
        e <- new.env()
        e$data <- list(); e$python <- list(); e$single <- single; e$sizes <- numeric()
        r <- ns$encode_node(v, e)
        fast <- .Call(ns$kfit_encode_node, v, single, ns$codec_max_strings)
        if (identical(r, fast[[1]]) && identical(e$data, fast[[2]]) &&
            identical(as.double(e$sizes), fast[[3]])) same <- same + 1L
      }
      c(same, 2L * length(values),
        is.null(.Call(ns$kfit_encode_node, list(1, function() 1), TRUE, 1000L)))
    })""")
    same, cases, fell_back = (int(v) for v in result)
    assert cases == 42
    assert same == cases
    assert fell_back == 1
