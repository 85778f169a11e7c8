"""kfit.words: one message, two languages. Python speaks Python (reprs,
0-based, None); R speaks R (deparse-like values, 1-based, NULL/NA)."""

from __future__ import annotations

import numpy as np
import pytest

from kfit.r.codec import RList, RVector
from kfit.r.values import NA
from kfit.words import PYTHON, Arg, At, Either, Index, Kind, R, Say, Shape, Value


def _both(token: object) -> tuple[str, str]:
    return PYTHON.field(token), R.field(token)


@pytest.mark.parametrize("value, python, r", [
    (None, "None", "NULL"),
    (True, "True", "TRUE"),
    (3.0, "3", "3"),
    (2.5, "2.5", "2.5"),
    (float("nan"), "nan", "NA"),
    (float("-inf"), "-inf", "-Inf"),
    (NA, "NA", "NA"),
    ("a\"b", "'a\"b'", '"a\\"b"'),
    ([1, 2], "[1, 2]", "c(1, 2)"),
    ([7], "[7]", "7"),
    ([], "[]", "NULL"),
    ({"0": 1, "b c": 2}, "{'0': 1, 'b c': 2}", 'list("0" = 1, "b c" = 2)'),
    (np.float32(0.5), "0.5", "0.5"),
    (np.array([1.0, 2.0]), "<ndarray shape=(2,) dtype=float64>", "c(1, 2)"),
])
def test_values_in_each_language(value: object, python: str, r: str) -> None:
    assert _both(Value(value)) == (python, r)


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


@pytest.mark.parametrize("token, python, r", [
    (Arg("x"), "`x`", "`x`"),
    (Arg("validation_data", (1,)), "`validation_data[1]`", "`validation_data[[2]]`"),
    (Arg("x", ("a b",)), "`x['a b']`", '`x[["a b"]]`'),
    (At((4,)), "index [4]", "element 5"),
    (At((2, 0)), "index [2, 0]", "row 3, column 1"),
    (At((0, 1, 2)), "index [0, 1, 2]", "[1, 2, 3]"),
    (Shape((None, 10)), "(None, 10)", "(NA, 10)"),
    (Index(0), "0", "1"),
    (Either("None", "NULL"), "None", "NULL"),
])
def test_positions_arguments_and_shapes_in_each_language(token: object, python: str,
                                                         r: str) -> None:
    assert _both(token) == (python, r)


def test_a_say_renders_its_fields_and_nested_says_in_one_language() -> None:
    inner = Say("{a} at {at}", a=Arg("x", (0,)), at=At((1, 1)))
    message = Say("Argument {inner}: {v}.", inner=inner, v=Value(None)) + " Hint."
    assert str(message) == "Argument `x[0]` at index [1, 1]: None. Hint."
    assert message.render(R) == "Argument `x[[1]]` at row 2, column 2: NULL. Hint."
    assert Say("plain {n}", n=3).render(R) == "plain 3"
    assert repr(Say("no fields")) == "Say('no fields')"
