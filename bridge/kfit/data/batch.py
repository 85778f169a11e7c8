"""One batch from a generator: unpack, convert, check, weight, describe.

A batch is a tuple or list of 1, 2 or 3 items: `(inputs,)`,
`(inputs, targets)` or `(inputs, targets, sample_weights)`. Inputs may be an
array, a list of arrays (several inputs) or a dict of arrays (named inputs).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from kfit.class_weight import ClassWeight, class_sample_weights
from kfit.errors import KfitDataError

Batch = tuple[Any, ...]


def describe(value: Any) -> str:
    """A short description of what a generator returned."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} ({value.dtype})"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(describe(v) for v in value[:4])
        more = ", ..." if len(value) > 4 else ""
        return f"a {type(value).__name__} of {len(value)} items ({inner}{more})"
    if isinstance(value, Mapping):
        return f"a dict with keys {list(value)}"
    return f"a {type(value).__name__} ({value!r:.60})"


def _to_array(leaf: Any, float_dtype: Any) -> np.ndarray:
    array = np.asarray(leaf)
    kind = array.dtype.kind
    if (kind == "f" and array.dtype != float_dtype) or kind == "b":
        array = array.astype(float_dtype)
    elif array.dtype.kind not in "fiu":
        raise KfitDataError(f"holds {describe(array)}; arrays must be numeric")
    return array


def map_leaves(structure: Any, function: Any) -> Any:
    """Apply `function` to every array in an array / list / dict structure."""
    if isinstance(structure, Mapping):
        return {k: map_leaves(v, function) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)) and not is_number_list(structure):
        return type(structure)(map_leaves(v, function) for v in structure)
    return function(structure)


def leaves(structure: Any) -> list[Any]:
    out: list[Any] = []
    map_leaves(structure, out.append)
    return out


def is_number_list(value: Any) -> bool:
    """True for a (nested) list of plain numbers: one array, not a structure."""
    return isinstance(value, (list, tuple)) and bool(value) and all(
        is_number_list(v) if isinstance(v, (list, tuple))
        else isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
        for v in value)


def _lists_to_tuples(structure: Any) -> Any:
    """tf.data takes tuples, not lists, for several inputs."""
    if isinstance(structure, Mapping):
        return {k: _lists_to_tuples(v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return tuple(_lists_to_tuples(v) for v in structure)
    return structure


def normalize_batch(raw: Any, *, class_weight: ClassWeight | None = None,
                    float_dtype: Any = np.float32) -> Batch:
    """Check a raw batch and return `(x, y, sample_weight)` (or shorter).

    Raises:
        KfitDataError: the message says what the batch was and what is wrong;
            the caller adds where (epoch and step) it came from.
    """
    if not isinstance(raw, (tuple, list)) or not 1 <= len(raw) <= 3:
        raise KfitDataError(
            f"returned {describe(raw)}; a batch must be a list/tuple of 1, 2 or 3 "
            "items: (inputs), (inputs, targets) or (inputs, targets, "
            "sample_weights)")
    items = [None if item is None else _lists_to_tuples(map_leaves(
        item, lambda leaf: _to_array(leaf, float_dtype))) for item in raw]
    while items and items[-1] is None:
        items.pop()
    if not items or items[0] is None:
        raise KfitDataError(f"returned {describe(raw)}: the inputs are missing")
    if any(item is None for item in items):
        raise KfitDataError(f"returned {describe(raw)}: the targets are missing "
                            "but sample weights are given")
    sizes = {a.shape[0] if a.ndim else None for item in items for a in leaves(item)}
    if None in sizes or len(sizes) != 1:
        shapes = [tuple(a.shape) for item in items for a in leaves(item)]
        raise KfitDataError(f"returned arrays of different lengths {shapes}; "
                            "inputs, targets and weights need one row per sample")
    if class_weight is not None:
        if len(items) < 2:
            raise KfitDataError("returned no targets, but `class_weight` needs them")
        weights = items[2] if len(items) == 3 else None
        items = [items[0], items[1], class_sample_weights(items[1], class_weight,
                                                          weights)]
    return tuple(items)


def batch_size_of(batch: Batch) -> int:
    return int(leaves(batch[0])[0].shape[0])


def signature(batch: Batch) -> Any:
    """tf.TensorSpec structure of a batch, with a free batch dimension."""
    import tensorflow as tf

    return map_leaves(batch, lambda a: tf.TensorSpec((None, *a.shape[1:]),
                                                     tf.as_dtype(a.dtype)))


def check_like(batch: Batch, reference: Batch) -> None:
    """Raise unless `batch` has the structure, dtypes and shapes of `reference`."""
    def spec(structure: Any) -> Any:
        return map_leaves(structure, lambda a: (a.shape[1:], a.dtype.str))

    got, want = spec(batch), spec(reference)
    if got != want:
        raise KfitDataError(
            f"returned {describe(batch)}, unlike the first batch "
            f"({describe(reference)}); every batch needs the same structure, "
            "dtypes and shapes apart from the number of rows")
