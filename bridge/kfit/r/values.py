"""Small R values as plain Python, the way `fit()`'s arguments take them.

Scalars become Python scalars, NULL None, NA `NA` (so that `batch_size = NA`
is an error, not the default), unnamed vectors lists, named vectors and
named lists dicts (e.g. `class_weight`). Values with a class (a factor, a
Date) stay R values, to be rejected in R's words; data arguments (x, y, ...)
are not converted here: the data sources convert them (`kfit.r.convert`).
"""

from __future__ import annotations

import math
from typing import Any

from kfit.r.codec import NA_INTEGER, RList, RVector


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


def names_of(value: Any) -> list[str] | None:
    """The names of an R vector or list; None when it has no (non-empty) names."""
    names = getattr(value, "names", None)
    if names is None:
        return None
    names = [str(n) for n in names]
    return names if any(names) else None


def r_value(value: Any) -> Any:
    """Convert a small R value (scalar, vector, list) to plain Python."""
    if isinstance(value, RList):
        items = [r_value(v) for v in value.items]
    elif isinstance(value, RVector) and value.data is not None and not value.classes:
        items = [_scalar(v, value.type) for v in value.data[:value.length]]
    else:
        return value
    names = names_of(value)
    if names is not None:
        return dict(zip(names, items, strict=True))
    if isinstance(value, RVector) and len(items) == 1:
        return items[0]
    return items


def _scalar(value: Any, typeof: str) -> Any:
    if typeof == "logical":
        return NA if value == NA_INTEGER else bool(value)
    if typeof == "integer":
        return NA if value == NA_INTEGER else int(value)
    if typeof == "character":
        return NA if value is None else str(value)
    number = float(value)
    return NA if math.isnan(number) else number
