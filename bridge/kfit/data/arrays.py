"""In-memory arrays: numpy, tensors, lists/dicts of arrays, R arrays.

Keras' own array adapter does the batching and shuffling; kfit checks what
the arrays hold before anything trains (numbers, at least one row, no NA,
NaN or Inf, weights of 0 or more, one row per sample everywhere), splits off
the validation rows and turns `class_weight` into sample weights. The
checks are vectorised numpy: one pass (a sum) over float arrays.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from kfit.class_weight import class_sample_weights
from kfit.data.base import Feed, FeedOptions
from kfit.data.batch import non_finite
from kfit.errors import KfitTypeError, KfitValueError
from kfit.nested import (
    element_at,
    is_number_list,
    leaves,
    leaves_with_paths,
    map_leaves,
)
from kfit.words import Arg, At, Either, Say, Value

Names = tuple[str | Arg, str | Arg, str | Arg]


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
    if isinstance(value, (list, tuple)) and not value:  # no rows: checked later
        return np.zeros(0, dtype=np.float32)
    return map_leaves(value, lambda leaf: leaf if hasattr(leaf, "shape")
                      else np.asarray(leaf))


def rows(value: Any) -> int:
    return int(leaves(value)[0].shape[0])


class ArraySource:
    """x, y and sample weights held in memory."""

    kind = "arrays"

    def __init__(self, x: Any, y: Any, sample_weight: Any = None, *,
                 names: Names = ("x", "y", "sample_weight"),
                 levels: list[str] | None = None, shown: tuple[Any, ...] = ()
                 ) -> None:
        """Check and hold the arrays.

        Args:
            x, y, sample_weight: arrays (or lists/dicts of arrays for x).
            names: how messages name the three (str or `Arg`).
            levels: the factor levels of `y`, when it was an R factor.
            shown: the values as the user gave them (R values before
                conversion), shown in messages instead of the arrays.

        Raises:
            KfitValueError, KfitTypeError: see the module docstring.
        """
        self.names = tuple(n if isinstance(n, Arg) else Arg(n) for n in names)
        self.levels = levels
        if y is None:
            raise KfitValueError(
                self.names[1], "is missing: training on arrays needs targets.", None,
                Say("pass the targets as {y}, or use a generator or dataset that "
                    "yields (inputs, targets).", y=self.names[1]),
                show_received=False)
        self.x, self.y = as_arrays(x), as_arrays(y)
        self.sample_weight = None if sample_weight is None else as_arrays(
            sample_weight)
        self._shown = shown
        self._check_values()
        self._check_lengths()

    def _parts(self) -> list[tuple[int, Any]]:
        """(0 for x / 1 for y / 2 for sample_weight, value) of what is given."""
        parts = [(0, self.x), (1, self.y)]
        if self.sample_weight is not None:
            parts.append((2, self.sample_weight))
        return parts

    def _leaves(self) -> list[tuple[int, Arg, Any, Any]]:
        """(role, where, array, what to show) for every array of x, y and
        sample_weight (role: 0, 1, 2)."""
        out = []
        for role, value in self._parts():
            name = self.names[role]
            shown = self._shown[role] if role < len(self._shown) else None
            for path, leaf in leaves_with_paths(value):
                where = Arg(name.name, (*name.path, *path))
                out.append((role, where, leaf, leaf if shown is None
                            else element_at(shown, path, leaf)))
        return out

    def _check_values(self) -> None:
        for role, where, leaf, shown in self._leaves():
            if not getattr(leaf, "shape", None):
                raise KfitTypeError(where, "must be an array with one row per "
                                    "sample.", shown, Either(
                                        "e.g. an array of shape (samples, features).",
                                        "e.g. a matrix with one row per sample."))
            check_array_values(where, leaf, shown, weights=role == 2)

    def _check_lengths(self) -> None:
        counts = [(where, int(leaf.shape[0]), leaf, shown) for _, where, leaf, shown
                  in self._leaves()]
        if len({c[1] for c in counts}) > 1:
            first = counts[0]
            other = next(c for c in counts if c[1] != first[1])
            if first[1] == 1 and np.ndim(first[2]) <= 1:  # one value as x
                first, other = other, first
            (where_a, n_a, *_), (where_b, n_b, _, shown) = first, other
            raise KfitValueError(
                where_b, Say("has {n_b} row{s} but {a} has {n_a}.", n_b=n_b,
                             s="" if n_b == 1 else "s", a=where_a, n_a=n_a),
                shown, "inputs, targets and weights need one row per sample.")
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


def _numpy_kind(leaf: Any) -> str:
    """numpy's dtype kind of an array or tensor ("f", "i", "U", "O", ...)."""
    dtype = getattr(leaf, "dtype", None)
    dtype = getattr(dtype, "as_numpy_dtype", dtype)  # TensorFlow dtypes
    try:
        return np.dtype(dtype).kind
    except TypeError:
        return "f" if "float" in str(dtype) else "O"


def check_array_values(where: Arg, leaf: Any, shown: Any = None, *,
                       weights: bool = False) -> None:
    """Check what one array holds: numbers, rows, no NA/NaN/Inf (floats only).

    Args:
        where: the argument (or element of one) the array is.
        leaf: a numpy array or tensor.
        shown: what messages show as received (default: `leaf`).
        weights: it holds sample weights, which must also be 0 or more.

    Raises:
        KfitTypeError: it holds no numbers (strings, objects, dates).
        KfitValueError: it has 0 rows, a non-finite value, a negative weight.
    """
    shown = leaf if shown is None else shown
    kind = _numpy_kind(leaf)
    if kind not in "biuf":
        what = Either(f"dtype {getattr(leaf, 'dtype', '?')}",
                      f"{_R_DTYPES.get(kind, 'non-numeric')} values")
        raise KfitTypeError(
            where, Say("must hold numbers, not {what}.", what=what),
            shown, Either(
                "convert it to numbers first: .astype('float32') for numbers stored "
                "as text; integer codes 0, 1, ... for class labels "
                "(np.unique(labels, return_inverse=True)).",
                "convert it to numbers first: as.numeric() for numbers stored as "
                "text, as.factor() for class labels (Keras gets 0-based codes)."))
    if int(leaf.shape[0]) == 0:
        raise KfitValueError(
            where, "has 0 rows: there is nothing to train or validate on.",
            shown, "check the code that made it (a filter that kept no rows?).")
    if kind != "f" and not weights:
        return
    array = np.asarray(leaf)
    found = non_finite(array)
    if found is not None:
        first, more = found[0], found[1] - 1
        raise KfitValueError(
            where, Say("has {value} at {at}{more}.", value=_shown_number(
                array[first]), at=At(first), more=Either(
                    f" and {more} more nan or inf" if more else "",
                    f" and {more} more NA, NaN or Inf" if more else "")),
            shown, Either(
                "Keras cannot train on nan or inf: drop or impute those rows "
                "first (~np.isfinite() finds them).",
                "Keras cannot train on NA, NaN or Inf: drop or impute those rows "
                "first (!is.finite() finds them)."))
    if weights:
        negative = array < 0
        if negative.any():
            first = tuple(int(i) for i in np.argwhere(negative)[0])
            raise KfitValueError(
                where, Say("has a negative weight, {value}, at {at}.",
                           value=_shown_number(array[first]), at=At(first)),
                shown, "weights must be 0 or more (0 leaves a sample out).")


_R_DTYPES = {"U": "character", "S": "character", "O": "list or object",
             "c": "complex", "M": "date-time", "m": "time difference",
             "V": "raw"}


def _shown_number(value: Any) -> Any:
    """A scalar from an array as a plain Python number (nan, inf, -1.5)."""
    number = float(value)
    return Value(int(number) if number.is_integer() else number)
