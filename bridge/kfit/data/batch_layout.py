"""Batches laid out like the one before: the short path of R workers' batches.

A worker sends a batch's structure once: a later frame with an empty header
has the structure, R types, dims and byte widths of the one before. Once a
batch of that header went the whole way (R value -> numpy -> checked batch),
a later one whose parts are plain double vectors or row-major arrays, sent
as float32, skips the general conversion and checks: each part is a view
of its buffer in the shape the header gave, rows and dtypes are the checked
batch's, and what is left to check is that every value is finite (a sum
per part). Anything else (NA, NaN or Inf, class weights) goes the whole way
for its error message, or is done as `normalize_batch` does it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kfit.class_weight import ClassWeight, class_sample_weights
from kfit.data.batch import Batch, normalize_batch
from kfit.r.codec import RList, RVector

_FLOAT32 = np.dtype("<f4")


class LaidOut(tuple[Any, ...]):
    """The parts of an R batch laid out like the checked batch before it."""


class Layout:
    """The shapes of an R batch's parts, when it has the short path's layout.

    Args:
        shapes: one per part (inputs, targets, sample weights).
    """

    def __init__(self, shapes: tuple[tuple[int, ...], ...]) -> None:
        self.shapes = shapes

    @classmethod
    def of(cls, value: Any) -> Layout | None:
        """The layout of a decoded R batch; None unless it is a list of 1 to 3
        plain double vectors or row-major arrays sent as float32."""
        if not isinstance(value, RList) or value.classes \
                or not 1 <= len(value.items) <= 3:
            return None
        shapes = []
        for item in value.items:
            if not _plain_single(item):
                return None
            dim = item.dim
            shapes.append((item.length,) if dim is None or len(dim) == 1 else dim)
        return cls(tuple(shapes))

    def parts(self, value: Any) -> LaidOut | None:
        """`value`'s parts as views of its buffers; None when it does not fit
        (then it goes the whole way)."""
        items = value.items if isinstance(value, RList) else ()
        if len(items) != len(self.shapes):
            return None
        parts = []
        for item, shape in zip(items, self.shapes, strict=True):
            data = getattr(item, "data", None)
            if not isinstance(data, np.ndarray) or data.dtype != _FLOAT32 \
                    or not data.flags.writeable or data.size != item.length:
                return None
            parts.append(data.reshape(shape) if len(shape) > 1 else data)
        return LaidOut(parts)


def _plain_single(item: Any) -> bool:
    return (isinstance(item, RVector) and item.type == "double"
            and not item.classes and item.names is None and item.levels is None
            and isinstance(item.data, np.ndarray) and item.data.dtype == _FLOAT32
            and (item.dim is None or len(item.dim) == 1 or item.order == "C"))


def normalize_laid_out(raw: Any, *, class_weight: ClassWeight | None = None,
                       float_dtype: Any = np.float32) -> Batch:
    """`normalize_batch`, short for a `LaidOut` batch whose values are all
    finite; the same result and the same errors for everything else."""
    if type(raw) is not LaidOut or float_dtype != _FLOAT32 or not _finite(raw):
        if type(raw) is LaidOut:
            raw = tuple(raw)
        return normalize_batch(raw, class_weight=class_weight, float_dtype=float_dtype)
    items = tuple(raw)
    if class_weight is None:
        return items
    if len(items) < 2:
        return normalize_batch(items, class_weight=class_weight)  # its error
    weights = items[2] if len(items) == 3 else None
    return (items[0], items[1], class_sample_weights(items[1], class_weight, weights))


def _finite(parts: tuple[np.ndarray, ...]) -> bool:
    with np.errstate(over="ignore", invalid="ignore"):
        return all(np.isfinite(np.add.reduce(p, axis=None)) for p in parts)
