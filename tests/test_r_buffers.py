"""kfit.r.buffers: large copies land in memory mapped whole, and equal
NumPy's own copy value for value."""

from __future__ import annotations

import mmap

import numpy as np
import pytest

from kfit.r.buffers import c_copy

NA_REAL = np.frombuffer(np.array([0x7FF00000000007A2], dtype=np.uint64).tobytes(),
                        dtype=np.float64)[0]  # R's NA_real_: a NaN with payload 1954


def _base(array: np.ndarray) -> object:
    while isinstance(array, np.ndarray) and array.base is not None:
        array = array.base
    return array.obj if isinstance(array, memoryview) else array


@pytest.mark.parametrize("rows", [10, 20_000])  # 2 KB and 62.7 MB of float32
def test_copy_of_a_column_major_double_matrix_equals_numpy(rows: int) -> None:
    rng = np.random.default_rng(rows)
    values = np.asfortranarray(rng.normal(size=(rows, 784)))
    values[rows // 2, 3] = NA_REAL
    values[-1, -1] = np.inf
    out = c_copy(values, np.float32)
    with np.errstate(invalid="ignore"):  # NumPy warns casting NA's payload
        expected = np.array(values, dtype=np.float32, order="C")
    assert out.flags.c_contiguous and out.flags.writeable
    assert out.dtype == np.float32 and out.shape == (rows, 784)
    np.testing.assert_array_equal(out, expected)  # NaN where NaN
    assert np.isnan(out[rows // 2, 3]) and out[-1, -1] == np.inf
    large = out.nbytes >= 8 << 20
    assert isinstance(_base(out), mmap.mmap) == large


def test_copy_to_integers_and_of_three_dimensions() -> None:
    values = np.arange(4 * 1024 * 1024, dtype=np.int32).reshape(256, 128, 128)
    values = np.asfortranarray(values)
    out = c_copy(values, np.int32)
    assert isinstance(_base(out), mmap.mmap)
    np.testing.assert_array_equal(out, values)
    assert out[255, 127, 127] == values[255, 127, 127] and out.flags.c_contiguous


def test_the_mapping_lives_as_long_as_a_view_of_it() -> None:
    out = c_copy(np.asfortranarray(np.ones((4096, 1024))), np.float32)
    view = out[10:20]
    del out
    view[...] += 1  # still mapped and writeable
    assert float(view.sum()) == 2.0 * 10 * 1024
