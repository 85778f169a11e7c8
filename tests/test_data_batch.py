"""kfit.data.batch: one batch from a generator, unpacked, converted, checked
(numeric, one length, a row at least, finite) and weighted, with errors in
the source's words (nothing trains)."""

from __future__ import annotations

import numpy as np
import pytest

from kfit.data.batch import (
    BatchError,
    all_finite,
    check_like,
    non_finite,
    normalize_batch,
)
from kfit.words import R


def test_a_batch_is_converted_and_weighted_by_class() -> None:
    x = np.arange(6, dtype=np.float64).reshape(3, 2)
    batch = normalize_batch((x, np.array([0, 1, 0])), class_weight={1: 3.0})
    assert batch[0].dtype == np.float32 and batch[0].tolist() == x.tolist()
    assert batch[2].tolist() == [1.0, 3.0, 1.0]
    named = normalize_batch(({"a": [[1.0], [2.0]], "b": np.ones((2, 1))},
                             np.zeros(2)))
    assert set(named[0]) == {"a", "b"} and named[0]["a"].dtype == np.float32


@pytest.mark.parametrize("raw, said", [
    ((np.zeros((3, 2)), np.zeros(2)), "arrays of different lengths"),
    ((np.zeros((0, 2)), np.zeros(0)), "a batch of 0 rows"),
    ((np.array([["a", "b"]]), np.zeros(1)), "arrays must be numeric"),
    ((np.array([[1.0, np.nan]]), np.zeros(1)), r"nan in the inputs at index \[0, 1\]"),
    ([], "an empty list"),
])
def test_malformed_batches_say_what_is_wrong(raw, said) -> None:
    with pytest.raises(BatchError, match=said):
        normalize_batch(raw)


def test_finite_checks_find_the_first_bad_value() -> None:
    values = np.ones((3, 4), dtype=np.float32)
    assert all_finite(values)
    values[2, 1] = np.inf
    values[1, 3] = np.nan
    assert not all_finite(values)
    assert non_finite(values) == ((1, 3), 2)  # where first, how many
    big = np.full(4, 3e38, dtype=np.float32)  # the sum overflows, no value does
    assert all_finite(big)


def test_later_batches_must_have_the_first_ones_structure() -> None:
    first = normalize_batch((np.zeros((2, 3)), np.zeros(2)))
    check_like(normalize_batch((np.ones((5, 3)), np.ones(5))), first)  # rows may vary
    with pytest.raises(BatchError) as info:
        check_like(normalize_batch((np.zeros((2, 4)), np.zeros(2))), first)
    said = "of shape (2, 4), unlike the first batch ((2, 3)): dimension {} is 4, not 3"
    assert str(info.value.problem) == "returned the inputs " + said.format(1)
    assert info.value.problem.render(R) == "returned the inputs " + said.format(2)
    with pytest.raises(BatchError, match="of type int32, unlike the first batch"):
        check_like((np.zeros((2, 3), np.int32), np.zeros(2, np.float32)), first)
    with pytest.raises(BatchError, match="3 dimensions, not 2"):
        check_like(normalize_batch((np.zeros((2, 3, 1)), np.zeros(2))), first)
    with pytest.raises(BatchError, match=r"unlike the first batch \(a tuple"):
        check_like(normalize_batch(([np.zeros((2, 3)), np.zeros((2, 3))],
                                    np.zeros(2))), first)
