"""What a message shows, in the caller's language: one formatter per language.

An error's text is a `Say`: a template whose fields may be tokens
(`Value`, `Arg`, `At`, `Shape`, `Either`) that each language renders its
own way. Python messages speak Python (`None`, `nan`, `True`, `[1, 2]`,
0-based `x[2, 1]`); messages shown in R speak R (`NA`, `TRUE`,
`c(1, 2)`, `list("0" = 1)`, "a character vector", 1-based "row 3, column
2", `validation_data[[2]]`). `PYTHON` and `R` are the two formatters;
nothing patches strings afterwards.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

SHORT = 5  # vectors up to this length are shown by value


class _Missing:
    """R's NA in a scalar argument (R's NULL is None: it means "not given")."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NA"

    def __bool__(self) -> bool:
        return False


NA = _Missing()


# -- tokens -------------------------------------------------------------------
@dataclass(frozen=True)
class Value:
    """A value the user gave: shown by value when short, else described."""

    value: Any


@dataclass(frozen=True)
class Kind:
    """A value described by its type and size only ("a numeric matrix ...")."""

    value: Any


@dataclass(frozen=True)
class Arg:
    """An argument, or an element of it: `path` holds 0-based indices or names."""

    name: str
    path: tuple[int | str, ...] = ()


@dataclass(frozen=True)
class At:
    """A 0-based position in an array (row, column, ...)."""

    index: tuple[int, ...]


@dataclass(frozen=True)
class Shape:
    """An array or input shape; None is a free dimension."""

    dims: tuple[int | None, ...]


@dataclass(frozen=True)
class Either:
    """Text that differs by language (code examples in hints)."""

    python: str
    r: str


@dataclass(frozen=True)
class Index:
    """A 0-based index, shown 1-based in R (a step, an element, a column)."""

    index: int


class Say:
    """A message template: `Say("has {n} columns", n=7)`; fields may be tokens,
    other `Say`s, or plain values (inserted as `str()`)."""

    def __init__(self, template: str, /, **fields: Any) -> None:
        self.template = template
        self.fields = fields

    def render(self, words: Words) -> str:
        if not self.fields:
            return self.template
        shown = {k: words.field(v) for k, v in self.fields.items()}
        return self.template.format(**shown)

    def __str__(self) -> str:
        return self.render(PYTHON)

    def __repr__(self) -> str:
        return f"Say({str(self)!r})"

    def __add__(self, other: Any) -> Say:
        return Say("{a}{b}", a=self, b=other)


def render(text: Any, words: Words) -> str:
    """A `Say`, a token or a plain string, in `words`' language."""
    return words.field(text)


# -- the formatters -------------------------------------------------------------
class Words:
    """Shared dispatch: each language renders tokens its own way."""

    language = "?"

    def field(self, value: Any) -> str:
        if isinstance(value, Say):
            return value.render(self)
        if isinstance(value, Value):
            return self.value(value.value)
        if isinstance(value, Kind):
            return self.kind(value.value)
        if isinstance(value, Arg):
            return f"`{self.argument(value.name, value.path)}`"
        if isinstance(value, At):
            return self.position(value.index)
        if isinstance(value, Shape):
            return self.shape(value.dims)
        if isinstance(value, Either):
            return value.r if self.language == "R" else value.python
        if isinstance(value, Index):
            return str(value.index + (1 if self.language == "R" else 0))
        return str(value)

    def value(self, value: Any) -> str:
        raise NotImplementedError

    def kind(self, value: Any) -> str:
        raise NotImplementedError

    def argument(self, name: str, path: Sequence[int | str]) -> str:
        raise NotImplementedError

    def position(self, index: Sequence[int]) -> str:
        raise NotImplementedError

    def shape(self, dims: Sequence[int | None]) -> str:
        raise NotImplementedError


def _is_array(value: Any) -> bool:
    return hasattr(value, "shape") and hasattr(value, "dtype")


def _one_line(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class PythonWords(Words):
    """Python's words: reprs, 0-based indices, `None`."""

    language = "Python"

    def value(self, value: Any) -> str:
        from kfit.r.codec import RList, ROther, RVector

        if isinstance(value, (RVector, RList, ROther)):  # R values, from rpy2
            return R.value(value)
        if _is_array(value) and np.ndim(value) == 0:  # a NumPy scalar
            value = np.asarray(value).item()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if _is_array(value) or _holds_arrays(value):
            return self.kind(value)
        return _one_line(repr(value))

    def kind(self, value: Any) -> str:
        if _is_array(value):
            return (f"<{type(value).__name__} shape={tuple(value.shape)} "
                    f"dtype={value.dtype}>")
        if isinstance(value, Mapping):
            inner = ", ".join(f"{k!r}: {self.kind(v)}" for k, v in value.items())
            return "{" + inner + "}"
        if isinstance(value, (list, tuple)) and _holds_arrays(value):
            inner = ", ".join(self.kind(v) for v in value)
            return _one_line(f"({inner})" if isinstance(value, tuple) else f"[{inner}]")
        if value is None:
            return "None"
        return f"a {type(value).__name__}"

    def argument(self, name: str, path: Sequence[int | str]) -> str:
        return name + "".join(f"[{p!r}]" for p in path)

    def position(self, index: Sequence[int]) -> str:
        return "index [" + ", ".join(str(i) for i in index) + "]"

    def shape(self, dims: Sequence[int | None]) -> str:
        return str(tuple(dims))


def _holds_arrays(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(_is_array(v) or _holds_arrays(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_is_array(v) or _holds_arrays(v) for v in value)
    return False


class RWords(Words):
    """R's words: deparse-like values, R type names, 1-based positions."""

    language = "R"

    # -- values --------------------------------------------------------------
    def value(self, value: Any) -> str:
        from kfit.r.codec import RList, ROther, RVector

        if isinstance(value, RVector):
            return self._r_vector(value)
        if isinstance(value, (RList, ROther)):
            return self.kind(value)
        if _is_array(value):
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
            if _holds_arrays(value) or any(isinstance(v, (list, tuple, Mapping))
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
        from kfit.r.arguments import r_value

        names = vector.names
        if names and any(names):  # shown as given: a name may come twice
            values = r_value(_unnamed(vector))
            values = values if isinstance(values, list) else [values]
            return "c(" + ", ".join(f"{self._name(n)} = {self.scalar(v)}"
                                    for n, v in zip(names, values, strict=False)) + ")"
        return self.value(r_value(vector))

    # -- descriptions --------------------------------------------------------
    def kind(self, value: Any) -> str:
        from kfit.r.codec import RList, ROther, RVector, describe

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
        if _is_array(value):
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
    from dataclasses import replace

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


PYTHON = PythonWords()
R = RWords()
