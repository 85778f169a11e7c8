"""R's words: values as R's `deparse()` shows them (`NA`, `TRUE`, `c(1, 2)`,
`list("0" = 1)`), R's type names ("a character vector"), 1-based positions
("row 3, column 2") and arguments (`validation_data[[2]]`)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from kfit.r.codec import RList, ROther, RVector, describe
from kfit.r.values import NA, r_value
from kfit.words.say import Words
from kfit.words.tokens import SHORT, holds_arrays, is_array


class RWords(Words):
    """R's words: deparse-like values, R type names, 1-based positions."""

    language = "R"

    # -- values --------------------------------------------------------------
    def value(self, value: Any) -> str:
        if isinstance(value, RVector):
            return self._r_vector(value)
        if isinstance(value, (RList, ROther)):
            return self.kind(value)
        if is_array(value):
            if np.ndim(value) == 0:
                return self.value(np.asarray(value).item())
            if np.ndim(value) == 1 and len(value) <= SHORT and \
                    value.dtype.kind in "biuf":
                return self.value(np.asarray(value).tolist())
            return self.kind(value)
        if isinstance(value, Mapping):
            items = list(value.items())
            if len(items) > SHORT * 2:
                return f"a named list of length {len(items)}"
            return "list(" + ", ".join(f"{self._name(k)} = {self.value(v)}"
                                       for k, v in items) + ")"
        if isinstance(value, (list, tuple)):
            if holds_arrays(value) or any(isinstance(v, (list, tuple, Mapping))
                                           for v in value):
                return self.kind(value)
            if not value:
                return "NULL"
            if len(value) > SHORT:
                return self.kind(value)
            if len(value) == 1:
                return self.scalar(value[0])
            return "c(" + ", ".join(self.scalar(v) for v in value) + ")"
        return self.scalar(value)

    def scalar(self, value: Any) -> str:
        if value is NA:
            return "NA"
        if value is None:
            return "NULL"
        if isinstance(value, (bool, np.bool_)):
            return "TRUE" if value else "FALSE"
        if isinstance(value, numbers.Integral):
            return str(int(value))
        if isinstance(value, numbers.Real):
            number = float(value)
            if math.isnan(number):
                return "NA"
            if math.isinf(number):
                return "Inf" if number > 0 else "-Inf"
            if number.is_integer() and abs(number) < 1e15:
                return str(int(number))
            return repr(number)
        if isinstance(value, str):
            return _r_string(value)
        return self.kind(value)

    def _name(self, key: Any) -> str:
        text = str(key)
        if text.isidentifier() and not text[0].isdigit():
            return text
        return _r_string(text)

    def _r_vector(self, vector: Any) -> str:
        data = vector.data
        if "factor" in vector.classes:
            levels = vector.levels or []
            if vector.length <= SHORT and data is not None:
                shown = [levels[int(c) - 1] if 0 < int(c) <= len(levels) else None
                         for c in data[: vector.length]]
                inner = ", ".join("NA" if s is None else _r_string(s) for s in shown)
                return f"factor({inner})" if shown else "factor()"
            return f"a factor of length {vector.length}"
        if vector.classes or vector.dim is not None or vector.length > SHORT \
                or data is None:
            return self.kind(vector)
        names = vector.names
        if names and any(names):  # shown as given: a name may come twice
            values = r_value(_unnamed(vector))
            values = values if isinstance(values, list) else [values]
            return "c(" + ", ".join(f"{self._name(n)} = {self.scalar(v)}"
                                    for n, v in zip(names, values, strict=False)) + ")"
        return self.value(r_value(vector))

    # -- descriptions --------------------------------------------------------
    def kind(self, value: Any) -> str:
        if isinstance(value, RVector):
            base = describe(value)
            if value.dim is not None and len(value.dim) == 2:
                return f"{base} with {value.dim[0]} rows and {value.dim[1]} columns"
            if value.dim is not None:
                return f"{base} of dim {self.value(list(value.dim))}"
            return f"{base} of length {value.length}"
        if isinstance(value, RList):
            if "data.frame" in value.classes:
                rows = _frame_rows(value)
                return f"a data frame with {rows} rows and {len(value.items)} columns"
            return describe(value) + f" of length {len(value.items)}"
        if isinstance(value, ROther):
            return describe(value)
        if is_array(value):
            return _r_array_kind(value)
        if value is None:
            return "NULL"
        if isinstance(value, Mapping):
            names = ", ".join(self._name(k) for k in list(value)[:SHORT])
            return f"a named list of length {len(value)} ({names})"
        if isinstance(value, (list, tuple)):
            if value and all(isinstance(v, (bool, np.bool_)) for v in value):
                return f"a logical vector of length {len(value)}"
            if value and all(isinstance(v, numbers.Real) for v in value):
                return f"a numeric vector of length {len(value)}"
            if value and all(isinstance(v, str) for v in value):
                return f"a character vector of length {len(value)}"
            inner = ", ".join(self.kind(v) for v in value[:3])
            more = ", ..." if len(value) > 3 else ""
            return f"a list of length {len(value)} ({inner}{more})"
        if isinstance(value, (bool, np.bool_)):
            return "a logical value"
        if isinstance(value, numbers.Real):
            return "a number"
        if isinstance(value, str):
            return "a string"
        cls = type(value)
        return f"a Python object of class <{cls.__module__}.{cls.__qualname__}>"

    def argument(self, name: str, path: Sequence[int | str]) -> str:
        out = name
        for part in path:
            key = part + 1 if isinstance(part, int) else _r_string(part)
            out += f"[[{key}]]"
        return out

    def position(self, index: Sequence[int]) -> str:
        if len(index) == 1:
            return f"element {index[0] + 1}"
        if len(index) == 2:
            return f"row {index[0] + 1}, column {index[1] + 1}"
        return "[" + ", ".join(str(i + 1) for i in index) + "]"

    def shape(self, dims: Sequence[int | None]) -> str:
        return "(" + ", ".join("NA" if d is None else str(d) for d in dims) + ")"


def _unnamed(vector: Any) -> Any:
    """`vector` without its names, so that `r_value()` gives its values."""
    return replace(vector, names=None)


def _r_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _frame_rows(frame: Any) -> int:
    first = frame.items[0] if frame.items else None
    return int(getattr(first, "length", 0) or 0)


_R_TYPES = {"f": "numeric", "i": "integer", "u": "integer", "b": "logical",
            "U": "character", "S": "character", "O": "list-like", "c": "complex",
            "M": "date-time", "m": "time difference"}


def _r_array_kind(array: Any) -> str:
    dtype = getattr(array, "dtype", None)
    dtype = getattr(dtype, "as_numpy_dtype", dtype)  # TensorFlow dtypes
    try:
        code = np.dtype(dtype).kind
    except TypeError:
        code = "O"
    kind = _R_TYPES.get(code, "numeric")
    article = "an" if kind[0] in "aeiou" else "a"
    shape = tuple(int(d) for d in array.shape)
    if len(shape) == 1:
        return f"{article} {kind} vector of length {shape[0]}"
    if len(shape) == 2:
        return f"{article} {kind} matrix with {shape[0]} rows and {shape[1]} columns"
    return f"{article} {kind} array of dim c({', '.join(map(str, shape))})"


R = RWords()
