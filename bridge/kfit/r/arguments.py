"""R's argument values for `fit()`: the one rule only R values need.

A named R vector or list becomes a dict (`kfit.r.values.r_value`), which
would silently keep the last of a name given twice: that is an error here,
naming the argument. Every other rule is the core's, for both hosts.
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
