"""kfit.r.values: small decoded R values as the plain Python fit() takes."""

from __future__ import annotations

import numpy as np

from kfit.r.codec import NA_INTEGER, RList, RVector
from kfit.r.values import NA, names_of, r_value


def test_scalars_vectors_and_na() -> None:
    assert r_value(RVector("double", 1, np.array([2.0]))) == 2.0
    integers = RVector("integer", 2, np.array([1, NA_INTEGER], np.int32))
    assert r_value(integers) == [1, NA]
    assert r_value(RVector("logical", 1, np.array([NA_INTEGER], np.int32))) is NA
    assert r_value(RVector("character", 2, ["a", None])) == ["a", NA]
    assert r_value(RVector("double", 1, np.array([np.nan]))) is NA
    assert not NA and repr(NA) == "NA"


def test_named_values_become_dicts_and_classed_values_stay_r_values() -> None:
    named = RVector("double", 2, np.array([1.0, 5.0]), names=["0", "1"])
    assert r_value(named) == {"0": 1.0, "1": 5.0}
    listed = RList([RVector("double", 1, np.array([1.0]))], names=["a"])
    assert r_value(listed) == {"a": 1.0}
    factor = RVector("integer", 1, np.array([1], np.int32), classes=("factor",),
                     levels=["x"])
    assert r_value(factor) is factor
    assert names_of(RVector("double", 2, np.zeros(2), names=["", ""])) is None
