"""In-memory arrays: numpy, tensors, lists/dicts of arrays, R arrays.

Keras' own array adapter does the batching and shuffling; kfit only checks
lengths, splits off the validation rows and turns `class_weight` into
sample weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from kfit.class_weight import class_sample_weights
from kfit.data.base import Feed, FeedOptions
from kfit.data.batch import is_number_list, leaves, map_leaves
from kfit.errors import Described, KfitTypeError, KfitValueError


def is_array_like(value: Any) -> bool:
    """An array, tensor, or a list/tuple/dict of those (a multi-input)."""
    if isinstance(value, Mapping):
        return bool(value) and all(is_array_like(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return bool(value) and (all(is_array_like(v) for v in value)
                                or is_number_list(value))
    return hasattr(value, "shape") and hasattr(value, "dtype")


def as_arrays(value: Any) -> Any:
    """Lists of plain numbers become numpy arrays; arrays stay as they are."""
    if is_number_list(value):
        return np.asarray(value)
    return map_leaves(value, lambda leaf: leaf if hasattr(leaf, "shape")
                      else np.asarray(leaf))


def rows(value: Any) -> int:
    return int(leaves(value)[0].shape[0])


class ArraySource:
    """x, y and sample weights held in memory."""

    kind = "arrays"

    def __init__(self, x: Any, y: Any, sample_weight: Any = None, *,
                 names: tuple[str, str, str] = ("x", "y", "sample_weight"),
                 levels: list[str] | None = None) -> None:
        self.names = names
        self.levels = levels
        if y is None:
            raise KfitValueError(
                names[1], "is missing: training on arrays needs targets.", None,
                f"pass the targets as `{names[1]}`, or use a generator or dataset "
                "that yields (inputs, targets).", show_received=False)
        self.x, self.y = as_arrays(x), as_arrays(y)
        self.sample_weight = None if sample_weight is None else as_arrays(
            sample_weight)
        self._check_lengths()

    def _check_lengths(self) -> None:
        parts = [(self.names[0], self.x), (self.names[1], self.y)]
        if self.sample_weight is not None:
            parts.append((self.names[2], self.sample_weight))
        counts = []
        for name, value in parts:
            for leaf in leaves(value):
                if not getattr(leaf, "shape", None):
                    raise KfitTypeError(name, "must be an array with one row per "
                                        "sample.", leaf)
                counts.append((name, int(leaf.shape[0])))
        if len({n for _, n in counts}) > 1:
            (name_a, n_a), (name_b, n_b) = counts[0], next(
                c for c in counts if c[1] != counts[0][1])
            raise KfitValueError(
                name_b, f"has {n_b} rows but `{name_a}` has {n_a}.",
                Described(f"`{name_b}` with {n_b} rows"),
                "inputs, targets and weights need one row per sample.")
        if self.sample_weight is not None:
            sw = leaves(self.sample_weight)
            if len(sw) != 1 or np.ndim(sw[0]) not in (1, 2):
                raise KfitValueError(
                    self.names[2], "must be one 1-D (per sample) or 2-D "
                    "(samples x timesteps) array.", self.sample_weight)

    @property
    def samples(self) -> int:
        return rows(self.x)

    def split(self, fraction: float) -> tuple[ArraySource, ArraySource]:
        """The first rows for training, the last `fraction` for validation."""
        n = self.samples
        cut = int(np.floor(n * (1.0 - fraction)))
        if cut <= 0 or cut >= n:
            raise KfitValueError(
                "validation_split", f"leaves {cut} training and {n - cut} "
                f"validation rows out of {n}.", fraction,
                "use a split that keeps rows on both sides.")

        def part(value: Any, sl: slice) -> Any:
            return None if value is None else map_leaves(value, lambda a: a[sl])

        head, tail = slice(0, cut), slice(cut, None)
        out = []
        for sl in (head, tail):
            src = ArraySource.__new__(ArraySource)
            src.names, src.levels = self.names, self.levels
            src.x, src.y = part(self.x, sl), part(self.y, sl)
            src.sample_weight = part(self.sample_weight, sl)
            out.append(src)
        return out[0], out[1]

    def feed(self, options: FeedOptions) -> Feed:
        sample_weight = self.sample_weight
        if options.class_weight is not None:
            sample_weight = class_sample_weights(
                self.y, options.class_weight,
                None if sample_weight is None else leaves(sample_weight)[0])
        return Feed(self.x, self.y, sample_weight,
                    batch_size=options.batch_size or 32, steps=options.steps,
                    shuffle=options.shuffle, samples=self.samples)
