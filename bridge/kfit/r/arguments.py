"""R argument values (decoded, see `kfit.r.codec`) -> Python values for `fit()`.

Scalars become Python scalars, NULL None, NA `kfit.words.NA` (so that
`batch_size = NA` is an error, not the default), unnamed vectors lists,
named vectors and named lists dicts (e.g. `class_weight`; a name given twice
is an error). Values with a class (a factor, a Date) stay R values, to be
rejected in R's words. Data arguments (x, y, ...) are left as R values: the
data sources convert them.
"""

from __future__ import annotations

import math
from typing import Any

from kfit.errors import KfitValueError
from kfit.r.codec import NA_INTEGER, RList, RVector
from kfit.r.convert import names_of
from kfit.words import NA, Say, Value


def check_unique_names(argument: str, value: Any) -> None:
    """A named R vector or list must not give a name twice (a dict would
    silently keep the last)."""
    names = names_of(value)
    if names is None:
        return
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise KfitValueError(
                argument, Say("gives the name {name} more than once.",
                              name=Value(name)), value,
                "give each name once.")
        seen.add(name)
    if isinstance(value, RList):
        for item in value.items:
            check_unique_names(argument, item)


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
