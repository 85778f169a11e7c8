"""R values -> numpy (kfit.r.convert.r_to_numpy), checked against R's own indexing.

Every comparison evaluates R's `x[i, j, k]` through rpy2 and compares it with
the numpy element `a[i-1, j-1, k-1]`: shapes alone would not catch a
transposed (column-major vs row-major) conversion.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import rpy2.robjects as ro

from kfit.errors import KfitTypeError
from kfit.r.convert import Converted, is_r_object, r_to_numpy


def r_value(expression: str) -> float:
    """One R scalar, NA as NaN (R's own evaluation of `expression`)."""
    value = ro.r(f"as.double({expression})")[0]
    return float("nan") if value is ro.NA_Real or math.isnan(value) else float(value)


def assert_same_as_r(name: str, array: np.ndarray, dims: tuple[int, ...]) -> None:
    """a[i-1, j-1, ...] equals R's name[i, j, ...] for every element."""
    assert array.shape == dims
    for index in itertools.product(*(range(n) for n in dims)):
        r_index = ", ".join(str(i + 1) for i in index)
        expected = r_value(f"{name}[{r_index}]")
        got = float(array[index])
        if math.isnan(expected):
            assert math.isnan(got), (index, got)
        else:
            assert got == pytest.approx(expected, rel=1e-6), (index, got, expected)


def owns_its_memory(array: np.ndarray) -> bool:
    """True when no R memory backs the array (safe to hand to another thread)."""
    base = array
    while isinstance(base, np.ndarray) and base.base is not None:
        base = base.base
    return isinstance(base, np.ndarray)


def assign(name: str, expression: str):
    ro.r(f"{name} <- {expression}")
    return ro.globalenv[name]


# -- atomic vectors ----------------------------------------------------------

def test_double_vector_values_and_na():
    value = assign("v_dbl", "c(1.5, -2, NA, 4.25, NaN)")
    out = r_to_numpy(value)
    assert isinstance(out, Converted)
    assert out.value.dtype == np.float32
    assert out.value.flags.c_contiguous and owns_its_memory(out.value)
    assert_same_as_r("v_dbl", out.value, (5,))
    assert out.na_count == 2  # NA and NaN both become NaN
    assert out.levels is None


def test_integer_vector_stays_integer():
    value = assign("v_int", "c(3L, -1L, 7L, 0L)")
    out = r_to_numpy(value)
    assert out.value.dtype == np.int32
    assert out.value.tolist() == [3, -1, 7, 0]
    assert_same_as_r("v_int", out.value, (4,))
    assert out.na_count == 0


def test_integer_na_becomes_nan_not_int_min():
    value = assign("v_int_na", "c(1L, NA, 3L)")
    out = r_to_numpy(value)
    assert out.value.dtype == np.float32
    assert np.isnan(out.value[1])
    assert out.value[0] == 1 and out.value[2] == 3
    assert out.na_count == 1
    assert not (out.value == -2147483648).any()


def test_logical_vector():
    value = assign("v_lgl", "c(TRUE, FALSE, NA, TRUE)")
    out = r_to_numpy(value)
    assert out.value.dtype == np.float32
    assert_same_as_r("v_lgl", out.value, (4,))
    assert out.na_count == 1


def test_float_dtype_option():
    value = assign("v_dbl64", "c(0.1, 0.2)")
    out = r_to_numpy(value, float_dtype=np.float64)
    assert out.value.dtype == np.float64
    assert out.value.tolist() == [0.1, 0.2]


# -- matrices and arrays keep R's indexing ------------------------------------

def test_double_matrix_keeps_r_indexing():
    value = assign("m_dbl", "matrix(c(1.5, 2:11, 12.5), 3, 4)")
    out = r_to_numpy(value)
    assert out.value.flags.c_contiguous and owns_its_memory(out.value)
    assert_same_as_r("m_dbl", out.value, (3, 4))
    # column-major fill in R: the first column is 1.5, 2, 3
    assert out.value[:, 0].tolist() == [1.5, 2.0, 3.0]


def test_random_matrix_keeps_r_indexing():
    value = assign("m_rnd", "{set.seed(7); matrix(rnorm(5 * 6), 5, 6)}")
    out = r_to_numpy(value)
    assert_same_as_r("m_rnd", out.value, (5, 6))


def test_integer_matrix_keeps_r_indexing_and_dtype():
    value = assign("m_int", "matrix(1:12, nrow = 4, byrow = TRUE)")
    out = r_to_numpy(value)
    assert out.value.dtype == np.int32
    assert out.value.flags.c_contiguous
    assert_same_as_r("m_int", out.value, (4, 3))
    assert out.value[0].tolist() == [1, 2, 3]  # byrow = TRUE


def test_logical_matrix():
    value = assign("m_lgl", "matrix(c(TRUE, FALSE, TRUE, NA, FALSE, TRUE), 2, 3)")
    out = r_to_numpy(value)
    assert_same_as_r("m_lgl", out.value, (2, 3))
    assert out.na_count == 1


def test_3d_array_keeps_r_indexing():
    value = assign("a3", "array(seq(0.5, by = 1, length.out = 2 * 3 * 4), c(2, 3, 4))")
    out = r_to_numpy(value)
    assert out.value.flags.c_contiguous and owns_its_memory(out.value)
    assert_same_as_r("a3", out.value, (2, 3, 4))


def test_4d_integer_array_keeps_r_indexing():
    value = assign("a4", "array(1:(2 * 3 * 2 * 2), c(2, 3, 2, 2))")
    out = r_to_numpy(value)
    assert out.value.dtype == np.int32
    assert_same_as_r("a4", out.value, (2, 3, 2, 2))


def test_array_with_na_counts_them():
    value = assign("a_na", "{a <- array(as.double(1:8), c(2, 2, 2)); a[2, 1, 2] <- NA; "
                           "a[1, 2, 1] <- NA; a}")
    out = r_to_numpy(value)
    assert out.na_count == 2
    assert np.isnan(out.value[1, 0, 1]) and np.isnan(out.value[0, 1, 0])
    assert_same_as_r("a_na", out.value, (2, 2, 2))


# -- factors -----------------------------------------------------------------

def test_factor_becomes_zero_based_codes_with_levels():
    value = assign("f1", 'factor(c("b", "a", "c", "a", "b"), '
                         'levels = c("c", "b", "a"))')
    out = r_to_numpy(value)
    assert out.levels == ["c", "b", "a"]
    assert out.value.dtype.kind == "i"
    expected = [int(v) - 1 for v in ro.r("as.integer(f1)")]
    assert out.value.tolist() == expected == [1, 2, 0, 2, 1]


def test_factor_with_na():
    value = assign("f_na", 'factor(c("x", NA, "y"))')
    out = r_to_numpy(value)
    assert out.levels == ["x", "y"]
    assert out.na_count == 1
    assert out.value[0] == 0 and out.value[2] == 1 and np.isnan(out.value[1])


# -- lists and data frames ---------------------------------------------------

def test_unnamed_list_is_a_list_of_arrays():
    value = assign("l_multi", "list(matrix(as.double(1:6), 2, 3), c(10L, 20L), "
                              "array(1:8, c(2, 2, 2)))")
    out = r_to_numpy(value)
    assert isinstance(out.value, list) and len(out.value) == 3
    assert_same_as_r("l_multi[[1]]", out.value[0], (2, 3))
    assert out.value[1].tolist() == [10, 20]
    assert_same_as_r("l_multi[[3]]", out.value[2], (2, 2, 2))
    assert all(a.flags.c_contiguous for a in out.value)


def test_named_list_is_a_dict():
    value = assign("l_named", "list(image = matrix(c(1, 2, 3, 4), 2, 2), "
                              "meta = c(5, NA))")
    out = r_to_numpy(value)
    assert isinstance(out.value, dict)
    assert list(out.value) == ["image", "meta"]
    assert_same_as_r("l_named$image", out.value["image"], (2, 2))
    assert out.na_count == 1


def test_list_with_some_names_missing_is_a_type_error():
    value = assign("l_half", "list(a = 1, 2)")
    with pytest.raises(KfitTypeError, match="names missing"):
        r_to_numpy(value)


def test_list_of_one_factor_reports_levels():
    value = assign("l_fac", 'list(factor(c("lo", "hi", "lo"), levels = c("lo", "hi")))')
    out = r_to_numpy(value)
    assert out.levels == ["lo", "hi"]
    assert out.value[0].tolist() == [0, 1, 0]


def test_numeric_data_frame_is_a_matrix():
    value = assign("df_num", "data.frame(a = c(1.5, 2.5, NA), b = 4:6, "
                             "c = c(TRUE, FALSE, TRUE))")
    out = r_to_numpy(value)
    assert out.value.dtype == np.float32
    assert out.value.flags.c_contiguous and owns_its_memory(out.value)
    assert out.na_count == 1
    assert_same_as_r("df_num", out.value, (3, 3))


def test_data_frame_with_a_factor_column_is_a_type_error():
    value = assign("df_fac", 'data.frame(a = 1:2, g = factor(c("u", "v")))')
    with pytest.raises(KfitTypeError, match="not numeric") as info:
        r_to_numpy(value, argument="x")
    assert info.value.argument == "x"
    assert 'column 2 ("g") is a factor' in str(info.value)


def test_character_vector_is_a_type_error_naming_the_argument():
    value = assign("v_chr", 'c("a", "b")')
    with pytest.raises(KfitTypeError) as info:
        r_to_numpy(value, argument="y")
    assert info.value.argument == "y"
    assert "Argument `y`" in str(info.value)
    assert "as.factor()" in str(info.value)


def test_character_inside_a_list_is_a_type_error():
    value = assign("l_chr", 'list(1:3, c("p", "q", "r"))')
    with pytest.raises(KfitTypeError):
        r_to_numpy(value)


def test_null_is_none():
    assert r_to_numpy(ro.r("NULL")).value is None


def test_is_r_object():
    assert is_r_object(ro.r("1"))
    assert is_r_object(ro.r("function() 1"))
    assert not is_r_object(np.zeros(2))
    assert not is_r_object([1, 2])


def test_converted_array_outlives_the_r_object():
    value = assign("m_tmp", "matrix(as.double(1:6), 2, 3)")
    out = r_to_numpy(value).value
    ro.r("m_tmp[1, 1] <- 100; rm(m_tmp); invisible(gc())")
    del value
    assert out[0, 0] == 1.0
    assert out[1, 2] == 6.0


# -- R data through fit() ----------------------------------------------------

@pytest.mark.trains
def test_fit_with_r_matrix_and_factor_targets(make_model):
    import kfit

    x = assign("fit_x", "{set.seed(3); matrix(rnorm(60 * 4), 60, 4)}")
    y = assign("fit_y", 'factor(sample(c("lo", "mid", "hi"), 60, TRUE), '
                        'levels = c("lo", "mid", "hi"))')
    model = make_model()
    history = kfit.fit(model, x, y, epochs=2, batch_size=20, verbose=0,
                       class_weight={"lo": 1.0, "hi": 2.0}, shuffle=False)
    assert history.epochs == [1, 2]
    assert history.params["steps"] == 3
    assert history.params["samples"] == 60
    # predictions on the R matrix agree with the same rows indexed in R
    row = np.array([r_value(f"fit_x[5, {j}]") for j in range(1, 5)], dtype=np.float32)
    converted = r_to_numpy(x).value
    np.testing.assert_allclose(converted[4], row, rtol=1e-6)
