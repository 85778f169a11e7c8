"""The cases both formatters are tested on (tests/test_words_python.py and
tests/test_words_r.py): each value or token with what Python shows and what
R shows, side by side."""

from __future__ import annotations

import numpy as np

from kfit.r.values import NA
from kfit.words import Arg, At, Either, Index, Shape

# (value, in Python, in R)
VALUES = [
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
]

# (token, in Python, in R)
TOKENS = [
    (Arg("x"), "`x`", "`x`"),
    (Arg("validation_data", (1,)), "`validation_data[1]`", "`validation_data[[2]]`"),
    (Arg("x", ("a b",)), "`x['a b']`", '`x[["a b"]]`'),
    (At((4,)), "index [4]", "element 5"),
    (At((2, 0)), "index [2, 0]", "row 3, column 1"),
    (At((0, 1, 2)), "index [0, 1, 2]", "[1, 2, 3]"),
    (Shape((None, 10)), "(None, 10)", "(NA, 10)"),
    (Index(0), "0", "1"),
    (Either("None", "NULL"), "None", "NULL"),
]
