"""R argument values (decoded, see `kfit.r.codec`) -> Python values for `fit()`.

Scalars become Python scalars, NULL and NA become None, unnamed vectors
lists, named vectors and named lists dicts (e.g. `class_weight`). Data
arguments (x, y, ...) are left as R values: the data sources convert them.
"""

from __future__ import annotations

from typing import Any

from kfit.r.codec import NA_INTEGER, RList, RVector
from kfit.r.convert import names_of


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
        return None if value == NA_INTEGER else bool(value)
    if typeof == "integer":
        return None if value == NA_INTEGER else int(value)
    if typeof == "character":
        return None if value is None else str(value)
    return float(value)
