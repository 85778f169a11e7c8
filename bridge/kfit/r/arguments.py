"""R argument values (decoded, see `kfit.r.codec`) -> Python values for `fit()`.

Scalars become Python scalars, NULL None, NA `kfit.r.values.NA` (so that
`batch_size = NA` is an error, not the default), unnamed vectors lists,
named vectors and named lists dicts (e.g. `class_weight`; a name given twice
is an error). Values with a class (a factor, a Date) stay R values, to be
rejected in R's words. Data arguments (x, y, ...) are left as R values: the
data sources convert them.
"""

from __future__ import annotations

from typing import Any

from kfit.errors import KfitValueError
from kfit.r.codec import RList
from kfit.r.values import names_of
from kfit.words import Say, Value


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
