"""kfit.words.r: R's words (deparse-like values, R type names, 1-based
positions, `x[[2]]`)."""

from __future__ import annotations

import numpy as np
import pytest
from words_cases import TOKENS, VALUES

from kfit.r.codec import RList, RVector
from kfit.words import PYTHON, Kind, R, Value


@pytest.mark.parametrize("value, shown", [(c[0], c[2]) for c in VALUES])
def test_values(value: object, shown: str) -> None:
    assert R.field(Value(value)) == shown


@pytest.mark.parametrize("token, shown", [(c[0], c[2]) for c in TOKENS])
def test_positions_arguments_and_shapes(token: object, shown: str) -> None:
    assert R.field(token) == shown


def test_long_and_nested_values_are_described_not_shown() -> None:
    assert R.field(Value(list(range(9)))) == "a numeric vector of length 9"
    assert R.field(Value(np.zeros((3, 4)))) == \
        "a numeric matrix with 3 rows and 4 columns"
    assert R.field(Value(np.zeros((2, 3, 4), dtype=np.int32))) == \
        "an integer array of dim c(2, 3, 4)"
    assert PYTHON.field(Value([np.zeros(2), np.ones(3)])) == \
        "[<ndarray shape=(2,) dtype=float64>, <ndarray shape=(3,) dtype=float64>]"
    assert R.field(Kind(["a", "b"])) == "a character vector of length 2"
    assert R.field(Kind(object())) == \
        "a Python object of class <builtins.object>"


def test_r_values_read_as_r_wherever_they_are_shown() -> None:
    vector = RVector("double", 3, np.array([1.0, 2.5, np.nan]))
    named = RVector("integer", 2, np.array([1, 2], dtype=np.int32), names=["a", "b"])
    factor = RVector("integer", 2, np.array([2, 1], dtype=np.int32),
                     classes=("factor",), levels=["lo", "hi"])
    matrix = RVector("double", 6, np.zeros(6), dim=(2, 3))
    for words in (PYTHON, R):  # an R value from rpy2 reads as R in Python too
        assert words.field(Value(vector)) == "c(1, 2.5, NA)"
        assert words.field(Value(named)) == "c(a = 1, b = 2)"
        assert words.field(Value(factor)) == 'factor("hi", "lo")'
        assert words.field(Value(matrix)) == \
            "a numeric matrix with 2 rows and 3 columns"
    frame = RList([RVector("double", 4, np.zeros(4))], names=["a"],
                  classes=("data.frame",))
    assert R.field(Kind(frame)) == "a data frame with 4 rows and 1 columns"
