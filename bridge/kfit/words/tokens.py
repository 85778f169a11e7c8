"""The tokens of a message: values, arguments, positions and shapes that
each language renders its own way (`kfit.words.python`, `kfit.words.r`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SHORT = 5  # vectors up to this length are shown by value


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


def is_array(value: Any) -> bool:
    return hasattr(value, "shape") and hasattr(value, "dtype")


def one_line(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def holds_arrays(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(is_array(v) or holds_arrays(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(is_array(v) or holds_arrays(v) for v in value)
    return False
