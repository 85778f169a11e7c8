"""Walkers of nested structures: an array, a list/tuple of them (several
inputs), a dict of them (named inputs), nested. A (nested) list of plain
numbers is one array, not a structure. Paths are 0-based positions and keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

Path = tuple[int | str, ...]


def is_number_list(value: Any) -> bool:
    """True for a (nested) list of plain numbers: one array, not a structure."""
    return isinstance(value, (list, tuple)) and bool(value) and all(
        is_number_list(v) if isinstance(v, (list, tuple))
        else isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
        for v in value)


def map_leaves(structure: Any, function: Any) -> Any:
    """Apply `function` to every array in an array / list / dict structure."""
    if isinstance(structure, Mapping):
        return {k: map_leaves(v, function) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)) and not is_number_list(structure):
        return type(structure)(map_leaves(v, function) for v in structure)
    return function(structure)


def leaves(structure: Any) -> list[Any]:
    """Every array of a structure, in order."""
    out: list[Any] = []
    map_leaves(structure, out.append)
    return out


def leaves_with_paths(structure: Any, path: Path = ()) -> list[tuple[Path, Any]]:
    """(path, array) for every array of a structure."""
    if isinstance(structure, Mapping):
        return [item for k, v in structure.items()
                for item in leaves_with_paths(v, (*path, k))]
    if isinstance(structure, (list, tuple)) and not is_number_list(structure):
        return [item for i, v in enumerate(structure)
                for item in leaves_with_paths(v, (*path, i))]
    return [(path, structure)]


def lists_to_tuples(structure: Any) -> Any:
    """The structure with tuples for lists (tf.data takes tuples, not lists,
    for several inputs)."""
    if isinstance(structure, Mapping):
        return {k: lists_to_tuples(v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return tuple(lists_to_tuples(v) for v in structure)
    return structure


def element_at(shown: Any, path: Path, default: Any) -> Any:
    """The element at `path` of a value as the user gave it (a dict, a list,
    a decoded R list); `default` where there is none."""
    for key in path:
        items = getattr(shown, "items", None)
        if isinstance(shown, Mapping):
            shown = shown.get(key, default)
        elif isinstance(items, list):  # an R list
            names = list(getattr(shown, "names", None) or [])
            index = names.index(key) if isinstance(key, str) and key in names else key
            if not isinstance(index, int) or index >= len(items):
                return default
            shown = items[index]
        elif isinstance(shown, (list, tuple)) and isinstance(key, int) \
                and key < len(shown):
            shown = shown[key]
        else:
            return default
    return default if shown is None else shown
