"""Python's words: reprs, 0-based indices and positions, `None`, NumPy
shapes. R values (from rpy2) are shown as R shows them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kfit.r.codec import RList, ROther, RVector
from kfit.words.r import R
from kfit.words.say import Words
from kfit.words.tokens import holds_arrays, is_array, one_line


class PythonWords(Words):
    """Python's words: reprs, 0-based indices, `None`."""

    language = "Python"

    def value(self, value: Any) -> str:
        if isinstance(value, (RVector, RList, ROther)):  # R values, from rpy2
            return R.value(value)
        if is_array(value) and np.ndim(value) == 0:  # a NumPy scalar
            value = np.asarray(value).item()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if is_array(value) or holds_arrays(value):
            return self.kind(value)
        return one_line(repr(value))

    def kind(self, value: Any) -> str:
        if is_array(value):
            return (f"<{type(value).__name__} shape={tuple(value.shape)} "
                    f"dtype={value.dtype}>")
        if isinstance(value, Mapping):
            inner = ", ".join(f"{k!r}: {self.kind(v)}" for k, v in value.items())
            return "{" + inner + "}"
        if isinstance(value, (list, tuple)) and holds_arrays(value):
            inner = ", ".join(self.kind(v) for v in value)
            return one_line(f"({inner})" if isinstance(value, tuple) else f"[{inner}]")
        if value is None:
            return "None"
        return f"a {type(value).__name__}"

    def argument(self, name: str, path: Sequence[int | str]) -> str:
        return name + "".join(f"[{p!r}]" for p in path)

    def position(self, index: Sequence[int]) -> str:
        return "index [" + ", ".join(str(i) for i in index) + "]"

    def shape(self, dims: Sequence[int | None]) -> str:
        return str(tuple(dims))


PYTHON = PythonWords()
