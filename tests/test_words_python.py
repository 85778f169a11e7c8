"""kfit.words.python: Python's words (reprs, 0-based, None); R values from
rpy2 still read as R reads them."""

from __future__ import annotations

import numpy as np
import pytest

from kfit.r.codec import RVector
from kfit.r.values import NA
from kfit.words import PYTHON, Arg, At, Either, Index, Shape, Value


@pytest.mark.parametrize("value, shown", [
    (None, "None"),
    (True, "True"),
    (3.0, "3"),
    (2.5, "2.5"),
    (float("nan"), "nan"),
    (float("-inf"), "-inf"),
    (NA, "NA"),
    ("a\"b", "'a\"b'"),
    ([1, 2], "[1, 2]"),
    ([7], "[7]"),
    ([], "[]"),
    ({"0": 1, "b c": 2}, "{'0': 1, 'b c': 2}"),
    (np.float32(0.5), "0.5"),
    (np.array([1.0, 2.0]), "<ndarray shape=(2,) dtype=float64>"),
])
def test_values(value: object, shown: str) -> None:
    assert PYTHON.field(Value(value)) == shown


@pytest.mark.parametrize("token, shown", [
    (Arg("x"), "`x`"),
    (Arg("validation_data", (1,)), "`validation_data[1]`"),
    (Arg("x", ("a b",)), "`x['a b']`"),
    (At((4,)), "index [4]"),
    (At((2, 0)), "index [2, 0]"),
    (At((0, 1, 2)), "index [0, 1, 2]"),
    (Shape((None, 10)), "(None, 10)"),
    (Index(0), "0"),
    (Either("None", "NULL"), "None"),
])
def test_positions_arguments_and_shapes(token: object, shown: str) -> None:
    assert PYTHON.field(token) == shown


def test_arrays_are_described_and_r_values_read_as_r() -> None:
    assert PYTHON.field(Value([np.zeros(2), np.ones(3)])) == \
        "[<ndarray shape=(2,) dtype=float64>, <ndarray shape=(3,) dtype=float64>]"
    assert PYTHON.field(Value(RVector("double", 2, np.array([1.0, np.nan])))) == \
        "c(1, NA)"
