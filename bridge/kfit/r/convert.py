"""R values arriving over rpy2 -> numpy, keeping R's indexing.

`x[i, j, k]` in R equals `a[i-1, j-1, k-1]` in numpy whatever the memory
order; factors become 0-based class indices; an unnamed list is a
multi-input, a named list maps to named inputs; a data frame of numeric
columns is a matrix; NA becomes NaN. Results are C-ordered copies that hold
no reference to R, so they may go to another thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from kfit.errors import Described, KfitTypeError
from kfit.r.session import check_main_thread

NA_INTEGER = -2147483648


@dataclass
class Converted:
    """A converted value and what R said about it."""

    value: Any
    levels: list[str] | None = None  # factor levels, when a factor
    na_count: int = 0


def is_r_object(value: Any) -> bool:
    """True for rpy2 objects (without importing rpy2 if it is not loaded)."""
    module = type(value).__module__ or ""
    return module.startswith("rpy2.")


def r_to_numpy(value: Any, *, argument: str = "x", float_dtype: Any = np.float32
               ) -> Converted:
    """Convert an R value (rpy2 object) to numpy arrays.

    Args:
        value: an rpy2 object: vector, matrix, array, factor, data frame or list.
        argument: the argument name, for error messages.
        float_dtype: dtype for R doubles, logicals and integers that hold NA.

    Returns:
        `Converted`: arrays (or a list/dict of arrays), the factor levels
        and the number of NA values.
    """
    check_main_thread("R data conversion")
    import rpy2.rinterface as ri

    if value is ri.NULL or isinstance(value, ri.NULLType):
        return Converted(None)
    classes = class_attribute(value)
    if value.typeof == ri.RTYPES.VECSXP:
        if "data.frame" in classes:
            return _data_frame(value, argument, float_dtype)
        return _list(value, argument, float_dtype)
    if "factor" in classes:
        return _factor(value)
    if value.typeof in (ri.RTYPES.REALSXP, ri.RTYPES.INTSXP, ri.RTYPES.LGLSXP):
        return _numeric(value, float_dtype)
    raise KfitTypeError(
        argument, "must be numeric (a vector, matrix, array, factor, data frame "
        "or list of those).", Described(f"an R {value.typeof.name} vector of class "
        f"{'/'.join(tuple(value.rclass)) or '?'}"),
        "convert characters with as.factor() or as.numeric() first.")


def class_attribute(value: Any) -> tuple[str, ...]:
    """The explicit class attribute (fast: no call into R's class())."""
    try:
        return tuple(value.do_slot("class"))
    except LookupError:
        return ()


def _view(value: Any) -> np.ndarray:
    """A zero-copy view of an R atomic vector: R's shape, column-major."""
    return np.asarray(value)


def _numeric(value: Any, float_dtype: Any) -> Converted:
    import rpy2.rinterface as ri

    view = _view(value)
    if value.typeof == ri.RTYPES.REALSXP:
        with np.errstate(invalid="ignore"):  # R's NA is a NaN with a payload
            out = np.array(view, dtype=float_dtype, order="C")
        return Converted(out, na_count=int(np.isnan(out).sum()))
    missing = view == NA_INTEGER
    na_count = int(missing.sum())
    if value.typeof == ri.RTYPES.LGLSXP or na_count:
        out = np.array(view, dtype=float_dtype, order="C")
        out[missing] = np.nan
        return Converted(out, na_count=na_count)
    return Converted(np.array(view, dtype=np.int32, order="C"))


def _factor(value: Any) -> Converted:
    codes = _view(value)
    missing = codes == NA_INTEGER
    levels = [str(level) for level in value.do_slot("levels")]
    na_count = int(missing.sum())
    if na_count:
        out = codes.astype(np.float32) - 1
        out[missing] = np.nan
    else:
        out = np.array(codes, dtype=np.int32, order="C") - 1
    return Converted(out, levels=levels, na_count=na_count)


def names_of(value: Any) -> list[str] | None:
    """The names of an R vector or list; None when it has no (non-empty) names."""
    import rpy2.rinterface as ri

    names = value.names
    if names is ri.NULL or names is None:
        return None
    names = [str(n) for n in names]
    return names if any(names) else None


def _list(value: Any, argument: str, float_dtype: Any) -> Converted:
    parts = [r_to_numpy(item, argument=argument, float_dtype=float_dtype)
             for item in value]
    names = names_of(value)
    na_count = sum(p.na_count for p in parts)
    levels = parts[0].levels if len(parts) == 1 else None
    if names is not None:
        if not all(names):
            raise KfitTypeError(argument, "is a list with some names missing.",
                                names, "name every element, or none.")
        return Converted({n: p.value for n, p in zip(names, parts, strict=True)},
                         levels=levels, na_count=na_count)
    return Converted([p.value for p in parts], levels=levels, na_count=na_count)


def _data_frame(value: Any, argument: str, float_dtype: Any) -> Converted:
    import rpy2.rinterface as ri

    columns = []
    for name, column in zip(names_of(value) or [], value, strict=False):
        numeric = (ri.RTYPES.REALSXP, ri.RTYPES.INTSXP, ri.RTYPES.LGLSXP)
        if column.typeof not in numeric or "factor" in class_attribute(column):
            raise KfitTypeError(
                argument, "is a data frame with a column that is not numeric.",
                Described(f"column {name!r} of class {'/'.join(column.rclass)}"),
                "use numeric columns, e.g. with data.matrix() or model.matrix().")
        columns.append(_numeric(column, float_dtype))
    matrix = np.column_stack([c.value.astype(float_dtype) for c in columns]) \
        if columns else np.zeros((0, 0), dtype=float_dtype)
    return Converted(np.ascontiguousarray(matrix),
                     na_count=sum(c.na_count for c in columns))
