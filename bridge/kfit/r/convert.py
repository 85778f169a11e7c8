"""R values -> numpy, keeping R's indexing: the rules, decided once, here.

The input is a decoded R value (`kfit.r.codec`), whichever way it came: from
this session's R over reticulate, from an R worker's socket, or from an
rpy2 object that the rpy2 host encoded first. `x[i, j, k]` in R equals
`a[i-1, j-1, k-1]` in numpy; factors become 0-based class indices; an
unnamed list is a multi-input, a named list maps to named inputs; a data
frame of numeric, integer or logical columns is a matrix; NA becomes NaN.
What has no numbers for Keras (characters, lists, Dates, date-times, time
differences, factor columns of a data frame) is an error that names where it
is and how to make numbers of it on purpose. Results are C-ordered copies
that hold no reference to R, so they may go to any thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from kfit.errors import KfitTypeError
from kfit.r import rpy2_host
from kfit.r.buffers import c_copy
from kfit.r.codec import NA_INTEGER, RList, ROther, RVector, describe
from kfit.r.values import names_of
from kfit.words import Arg, R, Say

# Classes whose values are no plain numbers for Keras, and what
# `as.numeric()` would give, said in the hint.
_CLASSED = {
    "Date": ("a Date vector", "as.numeric({col}) gives days since 1970-01-01"),
    "POSIXct": ("a date-time (POSIXct) vector",
                "as.numeric({col}) gives seconds since 1970-01-01 UTC"),
    "POSIXlt": ("a date-time (POSIXlt) vector",
                "as.numeric(as.POSIXct({col})) gives seconds since 1970-01-01 UTC"),
    "difftime": ("a time difference (difftime) vector",
                 'as.numeric({col}, units = "secs") gives seconds'),
    "integer64": ("a 64-bit integer (integer64) vector",
                  "as.numeric({col}) gives doubles"),
}


@dataclass
class Converted:
    """A converted value and what R said about it."""

    value: Any
    levels: list[str] | None = None  # factor levels, when a factor
    na_count: int = 0


def is_r_value(value: Any) -> bool:
    """True for a decoded R value."""
    return isinstance(value, (RVector, RList, ROther))


def is_rpy2_object(value: Any) -> bool:
    """True for rpy2 objects (without importing rpy2 if it is not loaded)."""
    module = type(value).__module__ or ""
    return module.startswith("rpy2.")


def is_r_object(value: Any) -> bool:
    """True for R values: decoded ones and rpy2 objects."""
    return is_r_value(value) or is_rpy2_object(value)


def as_r_value(value: Any) -> Any:
    """A decoded R value: rpy2 objects are encoded by R first (main thread)."""
    if is_rpy2_object(value):
        return rpy2_host.decode_rpy2(value)
    return value


def r_to_numpy(value: Any, *, argument: str | Arg = "x",
               float_dtype: Any = np.float32) -> Converted:
    """Convert an R value to numpy arrays.

    Args:
        value: a decoded R value (or an rpy2 object): vector, matrix, array,
            factor, data frame or list of those.
        argument: the argument name (or an `Arg` for an element of one), for
            error messages.
        float_dtype: dtype for R doubles, logicals and integers that hold NA.

    Returns:
        `Converted`: arrays (or a list/dict of arrays), the factor levels
        and the number of NA values.

    Raises:
        KfitTypeError: the value holds no numbers for Keras (see the module).
    """
    where = argument if isinstance(argument, Arg) else Arg(argument)
    value = as_r_value(value)
    if value is None:
        return Converted(None)
    if not is_r_value(value):  # a Python object inside an R list (numpy, ...)
        return Converted(value)
    temporal = _temporal(value)
    if temporal is not None:
        what, hint = temporal
        raise KfitTypeError(
            where, f"must be numbers, not {what}.", value,
            f"make numbers of it on purpose: {hint.format(col=_code(where))}.")
    if isinstance(value, RList):
        if "data.frame" in value.classes:
            return _data_frame(value, where, float_dtype)
        return _list(value, where, float_dtype)
    if isinstance(value, RVector) and "factor" in value.classes:
        return _factor(value)
    if isinstance(value, RVector) and value.type in ("double", "integer", "logical"):
        return _numeric(value, float_dtype)
    raise KfitTypeError(
        where, Say("must be numeric (a vector, matrix, array, factor, data frame or "
                   "list of those), not {what}.", what=describe(value)), value,
        "convert it first: as.numeric() for numbers stored as text, as.factor() "
        "for class labels (Keras gets 0-based codes).")


def _temporal(value: Any) -> tuple[str, str] | None:
    """(what it is, how to make numbers of it) for a Date, a date-time, ..."""
    classes = getattr(value, "classes", ())
    for cls, said in _CLASSED.items():
        if cls in classes:
            return said
    return None


def _code(where: Arg, column: str | None = None) -> str:
    """R code for `where` (and a column of it): `x`, `x[[2]]`, `x$when`."""
    code = R.argument(where.name, where.path)
    if column is None:
        return code
    if column.isidentifier() and not column.startswith("_"):
        return f"{code}${column}"
    return f'{code}[["{column}"]]'


def _shaped(vector: RVector) -> np.ndarray:
    """R's values with R's shape, so R's indexing holds (a view)."""
    data = vector.data
    if vector.dim is None or len(vector.dim) == 1:
        return data
    return data.reshape(vector.dim, order=vector.order)


def _numeric(value: RVector, float_dtype: Any) -> Converted:
    view = _shaped(value)
    if value.type == "double":
        if view.dtype == float_dtype and view.flags.c_contiguous \
                and view.flags.writeable:
            out = view  # a worker's batch, in single precision and row-major
        else:
            out = c_copy(view, float_dtype)
        return Converted(out, na_count=_nan_count(out))
    missing = view == NA_INTEGER
    na_count = int(missing.sum())
    if value.type == "logical" or na_count:
        out = c_copy(view, float_dtype)
        out[missing] = np.nan
        return Converted(out, na_count=na_count)
    return Converted(c_copy(view, np.int32))


def _nan_count(values: np.ndarray) -> int:
    """How many NaN (R's NA and NaN) `values` holds: a sum first (one pass, no
    temporary array), counted only when the sum is NaN (there is one, or
    +Inf and -Inf both)."""
    if values.size and not np.isnan(np.add.reduce(values, axis=None)):
        return 0
    return int(np.count_nonzero(np.isnan(values)))


def _factor(value: RVector) -> Converted:
    codes = _shaped(value)
    missing = codes == NA_INTEGER
    na_count = int(missing.sum())
    if na_count:
        out = codes.astype(np.float32) - 1
        out[missing] = np.nan
    else:
        out = np.array(codes, dtype=np.int32, order="C") - 1
    return Converted(out, levels=list(value.levels or []), na_count=na_count)


def _list(value: RList, where: Arg, float_dtype: Any) -> Converted:
    names = names_of(value)
    if names is not None and not all(names):
        raise KfitTypeError(where, "is a list with some names missing.",
                            names, "name every element, or none.")
    parts = [r_to_numpy(item, argument=Arg(where.name, (*where.path, key)),
                        float_dtype=float_dtype)
             for key, item in zip(names or range(len(value.items)), value.items,
                                  strict=True)]
    na_count = sum(p.na_count for p in parts)
    levels = parts[0].levels if len(parts) == 1 else None
    if names is not None:
        return Converted({n: p.value for n, p in zip(names, parts, strict=True)},
                         levels=levels, na_count=na_count)
    return Converted([p.value for p in parts], levels=levels, na_count=na_count)


def _column_problem(column: Any, code: str) -> tuple[str, str] | None:
    """(what the column is, how to make numbers of it), or None if numeric."""
    temporal = _temporal(column)
    if temporal is not None:
        return temporal[0], temporal[1].format(col=code)
    if isinstance(column, RVector) and "factor" in column.classes:
        return "a factor", ("model.matrix() gives one column per level, "
                            f"as.integer({code}) the level codes 1, 2, ...")
    if isinstance(column, RVector) and column.type in ("double", "integer", "logical"):
        return None
    if isinstance(column, RVector) and column.type == "character":
        return "a character vector", (f"as.numeric({code}) for numbers stored as "
                                      "text; factor() and model.matrix() for "
                                      "categories")
    return describe(column), f"give {code} one numeric column per value"


def _data_frame(value: RList, where: Arg, float_dtype: Any) -> Converted:
    columns = []
    names = names_of(value) or [""] * len(value.items)
    for index, (name, column) in enumerate(zip(names, value.items, strict=False)):
        problem = _column_problem(column, _code(where, name or None))
        if problem is not None:
            what, hint = problem
            label = f' ("{name}")' if name else ""
            raise KfitTypeError(
                where, Say("has a column that is not numeric: column {i}{label} is "
                           "{what}.", i=index + 1, label=label, what=what),
                value, f"make numbers of it on purpose: {hint}; data.matrix() or "
                "model.matrix() make a numeric matrix of a whole data frame.")
        columns.append(_numeric(column, float_dtype))
    matrix = np.column_stack([c.value.astype(float_dtype) for c in columns]) \
        if columns else np.zeros((0, 0), dtype=float_dtype)
    return Converted(np.ascontiguousarray(matrix),
                     na_count=sum(c.na_count for c in columns))
