"""R objects kept on the main thread, handed around as tokens.

An rpy2 object released on another thread (say, by the cyclic garbage
collector running there) can corrupt R's memory. So kfit's own objects never
hold rpy2 objects: they hold an `RRef`, and the object itself lives here,
registered and released on the main thread only.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from kfit.r.session import check_main_thread

_objects: dict[int, Any] = {}
_tokens = itertools.count()


@dataclass(frozen=True)
class RRef:
    """A token for an R object registered here."""

    token: int
    label: str = "R object"


def register(value: Any, label: str = "R object") -> RRef:
    check_main_thread("registering an R object")
    ref = RRef(next(_tokens), label)
    _objects[ref.token] = value
    return ref


def resolve(ref: RRef) -> Any:
    check_main_thread("using an R object")
    return _objects[ref.token]


def release(*refs: RRef) -> None:
    check_main_thread("releasing R objects")
    for ref in refs:
        _objects.pop(ref.token, None)
