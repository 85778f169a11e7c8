"""R values as encoded by the R package (`r_pkg/R/codec.R`), decoded here.

A frame is a JSON header describing the value (R type, length, dims,
classes, factor levels, names) and the little-endian bytes of each numeric
vector. This session's R sends frames over reticulate (bytes, never NumPy
arrays); R worker processes send them over a socket. Decoding calls no R,
so it may run on any thread; the result holds no reference to R.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

NA_INTEGER = -2147483648

_DTYPES = {"double": np.dtype("<f8"), "integer": np.dtype("<i4"),
           "logical": np.dtype("<i4")}
_SINGLE = np.dtype("<f4")  # doubles sent in single precision ("w": 4)


@dataclass
class RVector:
    """An R atomic vector: its values in R's (column-major) order, or, for a
    matrix or array a worker sent (`order` "C"), in row-major order."""

    type: str  # R's typeof(): "double", "integer", "logical", "character", ...
    length: int
    data: Any = None  # 1-D numpy array (numeric types) or list of str/None
    dim: tuple[int, ...] | None = None
    classes: tuple[str, ...] = ()
    levels: list[str] | None = None
    names: list[str] | None = None
    order: str = "F"  # of `data`, for a `dim` of 2 or more


@dataclass
class RList:
    """An R list (or data frame: `classes` says)."""

    items: list[Any]
    names: list[str] | None = None
    classes: tuple[str, ...] = ()


@dataclass
class ROther:
    """An R object kfit does not take apart (a function, an environment...)."""

    type: str
    classes: tuple[str, ...] = ()


@dataclass
class Frame:
    """A decoded frame: its kind ("value", "batch", "end", "error", "hello"),
    the value it carries and the other header fields."""

    kind: str
    value: Any = None
    fields: dict[str, Any] = field(default_factory=dict)
    repeat: bool = False  # a worker's frame sent without a header: the last one's


def _strings(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _values(buffer: Any, dtype: Any) -> np.ndarray:
    """A leaf's values, flat, in R's (column-major) order, without a copy:
    from bytes, or from a NumPy view of R's memory (reticulate's, of a vector
    or an array of any dim)."""
    if isinstance(buffer, np.ndarray):
        flat = buffer.reshape(-1, order="F")
        if flat.dtype != dtype or not flat.flags.f_contiguous:
            raise ValueError(f"a leaf of {flat.dtype} where {np.dtype(dtype)} "
                             "was described")
        return flat
    return np.frombuffer(buffer, dtype=dtype)


def _node(spec: Any, buffers: Sequence[Any], python: Sequence[Any]) -> Any:
    kind = spec["t"]
    if kind == "null":
        return None
    if kind == "python":
        return python[int(spec["ref"])]
    classes = tuple(_strings(spec.get("class")))
    names = spec.get("names")
    names = None if names is None else [str(n) for n in _strings(names)]
    if kind == "list":
        return RList([_node(item, buffers, python) for item in spec["items"]],
                     names=names, classes=classes)
    dim = spec.get("dim")
    dim = None if dim is None else tuple(int(d) for d in _strings(dim))
    if kind in _DTYPES:
        dtype = _SINGLE if kind == "double" and spec.get("w") == 4 else _DTYPES[kind]
        data = _values(buffers[int(spec["b"])], dtype)
        levels = spec.get("levels")
        return RVector(kind, int(spec["n"]), data, dim, classes,
                       None if levels is None else [str(v) for v in _strings(levels)],
                       names, "C" if spec.get("o") == "C" else "F")
    if kind == "character":
        return RVector(kind, int(spec["n"]), _strings(spec.get("s")), dim, classes,
                       names=names)
    if "n" in spec:
        return RVector(kind, int(spec["n"]), None, dim, classes, names=names)
    return ROther(kind, classes)


def decode_value(spec: Any, buffers: Sequence[Any]) -> Any:
    """The value a parsed header's `value` describes, over `buffers`."""
    return _node(spec, buffers, ())


def decode(header: str | bytes | dict[str, Any], buffers: Sequence[Any],
           python: Sequence[Any] = ()) -> Frame:
    """Decode a frame from its header (JSON text, or its fields already parsed
    by `buffer_sizes()`) and its buffers (bytes-like)."""
    fields = header if isinstance(header, dict) else json.loads(header)
    spec = fields.pop("value", None)
    fields.pop("sizes", None)
    value = None if spec is None else _node(spec, buffers, python)
    return Frame(str(fields.pop("kind")), value, fields)


def buffer_sizes(header: str | bytes) -> tuple[dict[str, Any], list[int]]:
    """The header's fields and the byte size of each buffer that follows."""
    fields = json.loads(header)
    return fields, [int(s) for s in _strings(fields.get("sizes"))]


def describe(value: Any) -> str:
    """What an R value is, in R's words: "a character vector", "a function"."""
    if value is None:
        return "NULL"
    if isinstance(value, RList):
        if "data.frame" in value.classes:
            return "a data frame"
        if value.classes:
            return f"an object of class {value.classes[0]}"
        return "a list"
    if isinstance(value, ROther):
        return {"closure": "a function", "builtin": "a function",
                "environment": "an environment"}.get(value.type, f"an R {value.type}")
    if "factor" in value.classes:
        return "a factor"
    if value.classes:
        return f"an object of class {'/'.join(value.classes)}"
    kind = {"double": "numeric", "integer": "integer", "logical": "logical",
            "character": "character", "complex": "complex", "raw": "raw"}.get(
                value.type, value.type)
    shape = "matrix" if value.dim is not None and len(value.dim) == 2 else (
        "array" if value.dim is not None else "vector")
    article = "an" if kind[0] in "aeiou" else "a"
    return f"{article} {kind} {shape}"
