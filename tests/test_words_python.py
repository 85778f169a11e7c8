"""kfit.words.python: Python's words (reprs, 0-based, None); R values from
rpy2 still read as R reads them."""

from __future__ import annotations

import numpy as np
import pytest
from words_cases import TOKENS, VALUES

from kfit.r.codec import RVector
from kfit.words import PYTHON, Value


@pytest.mark.parametrize("value, shown", [(c[0], c[1]) for c in VALUES])
def test_values(value: object, shown: str) -> None:
    assert PYTHON.field(Value(value)) == shown


@pytest.mark.parametrize("token, shown", [(c[0], c[1]) for c in TOKENS])
def test_positions_arguments_and_shapes(token: object, shown: str) -> None:
    assert PYTHON.field(token) == shown


def test_arrays_are_described_and_r_values_read_as_r() -> None:
    assert PYTHON.field(Value([np.zeros(2), np.ones(3)])) == \
        "[<ndarray shape=(2,) dtype=float64>, <ndarray shape=(3,) dtype=float64>]"
    assert PYTHON.field(Value(RVector("double", 2, np.array([1.0, np.nan])))) == \
        "c(1, NA)"
