"""kfit.data.batch_layout: the short path of a worker's batches laid out like
the batch before gives what the whole way gives (values, shapes, dtypes,
class weights) and the same errors; anything it does not know goes the
whole way."""

from __future__ import annotations

import numpy as np
import pytest

from kfit.data.batch import BatchError, normalize_batch
from kfit.data.batch_layout import LaidOut, Layout, normalize_laid_out
from kfit.r.codec import RList, RVector


def _vector(values: np.ndarray, dim: tuple[int, ...] | None = None, *,
            order: str = "C", **extra: object) -> RVector:
    """A double vector as a worker sends it: float32, row-major, writeable."""
    data = np.frombuffer(bytearray(np.ascontiguousarray(values, "<f4").tobytes()),
                         "<f4")
    return RVector("double", data.size, data, dim, order=order, **extra)  # type: ignore[arg-type]


def _batch(number: int, rows: int = 4) -> RList:
    """Batch `number`: inputs rows x 3 and targets of `rows`, values from it."""
    x = np.arange(rows * 3, dtype="f4").reshape(rows, 3) + 100 * number
    return RList([_vector(x, (rows, 3)), _vector(np.full(rows, number, "f4"))])


def test_later_batches_are_views_of_their_buffers_in_the_first_ones_shape() -> None:
    layout = Layout.of(_batch(1))
    assert layout is not None and layout.shapes == ((4, 3), (4,))
    value = _batch(2)
    parts = layout.parts(value)
    assert type(parts) is LaidOut
    x, y = parts
    assert x.shape == (4, 3) and y.shape == (4,)
    assert np.shares_memory(x, value.items[0].data)  # no copy
    assert x[1, 0] == 203 and y.tolist() == [2.0] * 4
    assert x.flags.writeable and x.flags.c_contiguous


@pytest.mark.parametrize("value", [
    RList([_vector(np.zeros((4, 3)), (4, 3), order="F"), _vector(np.zeros(4))]),
    RList([_vector(np.zeros(4), classes=("factor",)), _vector(np.zeros(4))]),
    RList([RList([_vector(np.zeros(4))]), _vector(np.zeros(4))]),  # multi-input
    RList([RVector("integer", 4, np.zeros(4, "<i4")), _vector(np.zeros(4))]),
    RList([RVector("double", 4, np.zeros(4, "<f8")), _vector(np.zeros(4))]),
    RList([_vector(np.zeros(4))] * 4),  # not 1 to 3 parts
    RList([_vector(np.zeros(4)), _vector(np.zeros(4))], classes=("data.frame",)),
], ids=["column-major", "factor", "nested", "integer", "float64", "four", "frame"])
def test_what_needs_converting_has_no_layout(value: RList) -> None:
    assert Layout.of(value) is None


def test_a_read_only_buffer_goes_the_whole_way() -> None:
    layout = Layout.of(_batch(1))
    assert layout is not None
    value = _batch(2)
    value.items[0].data = np.frombuffer(value.items[0].data.tobytes(), "<f4")
    assert layout.parts(value) is None  # a view of it would be read-only


@pytest.mark.parametrize("class_weight", [None, {0: 1.0, 2: 3.0}])
def test_the_short_path_gives_what_normalize_batch_gives(class_weight) -> None:
    value = _batch(2)
    layout = Layout.of(_batch(1))
    assert layout is not None
    short = normalize_laid_out(layout.parts(value), class_weight=class_weight)
    whole = normalize_batch(tuple(np.asarray(v.data).reshape(s) for v, s in
                                  zip(value.items, layout.shapes, strict=True)),
                            class_weight=class_weight)
    assert type(short) is tuple and len(short) == len(whole) == (3 if class_weight
                                                                  else 2)
    for a, b in zip(short, whole, strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    if class_weight:  # targets are 2: weight 3
        assert short[2].tolist() == [3.0] * 4


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_batch_with_nan_or_inf_gets_normalize_batchs_error(bad: float) -> None:
    layout = Layout.of(_batch(1))
    assert layout is not None
    value = _batch(2)
    value.items[0].data[7] = bad  # row 3, column 2
    with pytest.raises(BatchError) as short:
        normalize_laid_out(layout.parts(value))
    with pytest.raises(BatchError) as whole:
        normalize_batch(tuple(layout.parts(value)))
    assert str(short.value) == str(whole.value)
    assert "in the inputs at index [2, 1]" in str(short.value)  # Python's words


def test_huge_finite_values_are_not_mistaken_for_inf() -> None:
    # Their sum overflows float32; each value is finite, so the batch is fine.
    layout = Layout.of(_batch(1))
    assert layout is not None
    value = _batch(2)
    value.items[0].data[:] = 3e38
    x, _ = normalize_laid_out(layout.parts(value))
    assert float(x[0, 0]) == pytest.approx(3e38, rel=1e-6)


def test_other_batches_go_the_whole_way() -> None:
    raw = (np.ones((2, 3)), np.ones(2))  # float64: converted by normalize_batch
    out = normalize_laid_out(raw)
    assert [a.dtype for a in out] == [np.float32, np.float32]
