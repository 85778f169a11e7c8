"""One batch from a generator: unpack, convert, check, weight, describe.

A batch is a tuple or list of 1, 2 or 3 items: `(inputs,)`,
`(inputs, targets)` or `(inputs, targets, sample_weights)`. Inputs may be an
array, a list of arrays (several inputs) or a dict of arrays (named inputs).

Every batch is checked here, so the checks stay cheap (one vectorised pass
per float array): numeric arrays, one length for all of them, at least one
row, and no NA/NaN/Inf. Messages are `kfit.words.Say`s, so a batch from an R
generator is described in R's words when the error is shown in R.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kfit.class_weight import ClassWeight, class_sample_weights
from kfit.errors import KfitDataError
from kfit.nested import leaves, leaves_with_paths, lists_to_tuples, map_leaves
from kfit.words import Arg, At, Either, Index, Kind, Say, Shape, Value

Batch = tuple[Any, ...]

PARTS = ("inputs", "targets", "sample weights")

BATCH_FORM = Either(
    "a tuple of 1, 2 or 3 items: (inputs,), (inputs, targets) or (inputs, "
    "targets, sample_weights)",
    "list(inputs, targets) or list(inputs, targets, sample_weights)")


class BatchError(KfitDataError):
    """A malformed batch: what is wrong (said after the source's name, e.g.
    "returned ...") and how to fix it.

    Attributes:
        problem: the problem (`Say` or text), without the source's name.
        hint: a sentence on how to fix it, or None.
    """

    def __init__(self, problem: Any, hint: Any = None) -> None:
        self.problem = problem
        super().__init__(problem, hint=hint)


def what(value: Any) -> Any:
    """What a generator returned, in words: a token or a `Say`."""
    if isinstance(value, (list, tuple)):
        if not value:
            return Either(f"an empty {type(value).__name__}", "an empty list")
        inner = Say(", ".join(f"{{i{k}}}" for k in range(min(len(value), 4)))
                    + (", ..." if len(value) > 4 else ""),
                    **{f"i{k}": _item(v) for k, v in enumerate(value[:4])})
        return Say("{t} of {n} item{s} ({inner})", t=_sequence_word(value),
                   n=len(value), s="" if len(value) == 1 else "s", inner=inner)
    return _item(value)


def _sequence_word(value: Any) -> Either:
    return Either(f"a {type(value).__name__}", "a list")


def _item(value: Any) -> Any:
    if value is None:
        return Either("None", "NULL")
    return Kind(value)


def _to_array(leaf: Any, float_dtype: Any, part: str,
              not_finite: list[bool]) -> np.ndarray:
    """A leaf as a numeric array; notes in `not_finite` when it holds NaN/Inf."""
    array = np.asarray(leaf)
    kind = array.dtype.kind
    if kind == "f":
        if array.dtype != float_dtype:
            array = array.astype(float_dtype)
        if not all_finite(array):
            not_finite.append(True)
    elif kind == "b":
        array = array.astype(float_dtype)
    elif kind not in "iu":
        raise BatchError(Say("returned {part} holding {got}; arrays must be numeric",
                             part=part, got=Kind(array)),
                         "Convert them to numbers in the generator")
    return array


def _part(index: int, path: tuple[int | str, ...]) -> Any:
    """The part of a batch: "the inputs", or an element of them."""
    if not path:
        return f"the {PARTS[index]}"
    return Arg(PARTS[index].replace(" ", "_"), path)


def _shapes(items: list[Any]) -> Say:
    """"inputs (16, 4), targets (15)": the shape of every array, by part."""
    fields: dict[str, Any] = {}
    pieces = []
    for index, item in enumerate(items):
        for path, leaf in leaves_with_paths(item):
            key = f"s{len(fields)}"
            fields[key] = Shape(tuple(int(d) for d in leaf.shape))
            fields[f"n{key}"] = _part(index, path)
            pieces.append(f"{{n{key}}} {{{key}}}")
    return Say(", ".join(pieces), **fields)


def all_finite(array: np.ndarray) -> bool:
    """True when a float array holds no NA, NaN or Inf: its sum is finite (one
    pass, no temporary array), or, where the sum is not (an overflow), each
    value is."""
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.add.reduce(array, axis=None)):
            return True
    return bool(np.isfinite(array).all())


def non_finite(array: np.ndarray) -> tuple[tuple[int, ...], int] | None:
    """The 0-based position of the first NA/NaN/Inf of a float array and how
    many it holds; None when every value is finite (or it holds no floats)."""
    if array.dtype.kind != "f" or all_finite(array):
        return None
    bad = ~np.isfinite(array)
    if not bad.any():
        return None
    return tuple(int(i) for i in np.argwhere(bad)[0]), int(bad.sum())


def check_finite(items: list[Any]) -> None:
    """Raise at the first NA/NaN/Inf of the float arrays of a batch.

    `normalize_batch` calls it only when `all_finite()`, run on each float
    array as it is converted, found one: the position is looked up then.
    """
    for index, item in enumerate(items):
        for path, leaf in leaves_with_paths(item):
            found = non_finite(leaf)
            if found is None:
                continue
            position = found[0]
            value = float(leaf[position])
            raise BatchError(
                Say("returned {value} in {part} at {at}", value=Value(value),
                    part=_part(index, path), at=At(position)),
                Say("Keras cannot train on {bad}: remove or impute them where the "
                    "batch is made", bad=Either("NaN or Inf", "NA, NaN or Inf")))


def normalize_batch(raw: Any, *, class_weight: ClassWeight | None = None,
                    float_dtype: Any = np.float32) -> Batch:
    """Check a raw batch and return `(x, y, sample_weight)` (or shorter).

    Raises:
        BatchError: the message says what the batch was and what is wrong;
            the caller adds which source and where (epoch and step).
    """
    if not isinstance(raw, (tuple, list)) or not 1 <= len(raw) <= 3:
        raise BatchError(Say("returned {got}; a batch must be {form}", got=what(raw),
                             form=BATCH_FORM))
    not_finite: list[bool] = []
    items = [None if item is None else lists_to_tuples(map_leaves(
        item, lambda leaf, part=PARTS[i]: _to_array(leaf, float_dtype, part,
                                                     not_finite)))
        for i, item in enumerate(raw)]
    while items and items[-1] is None:
        items.pop()
    if not items or items[0] is None:
        raise BatchError(Say("returned {got}: the inputs are missing", got=what(raw)),
                         Say("A batch is {form}", form=BATCH_FORM))
    if any(item is None for item in items):
        raise BatchError(Say("returned {got}: the targets are missing but sample "
                             "weights are given", got=what(raw)))
    sizes = {a.shape[0] if a.ndim else None for item in items for a in leaves(item)}
    if None in sizes or len(sizes) != 1:
        raise BatchError(Say("returned arrays of different lengths ({shapes})",
                             shapes=_shapes(items)),
                         "Inputs, targets and weights need one row per sample")
    if sizes == {0}:
        raise BatchError(Say("returned a batch of 0 rows ({shapes})",
                             shapes=_shapes(items)),
                         "Every batch needs at least one row; end the data instead "
                         "of returning an empty batch")
    if not_finite:
        check_finite(items)
    if class_weight is not None:
        if len(items) < 2:
            raise BatchError("returned no targets, but `class_weight` needs them")
        weights = items[2] if len(items) == 3 else None
        items = [items[0], items[1], class_sample_weights(items[1], class_weight,
                                                          weights)]
    return tuple(items)


def signature(batch: Batch) -> Any:
    """tf.TensorSpec structure of a batch, with a free batch dimension."""
    import tensorflow as tf

    return map_leaves(batch, lambda a: tf.TensorSpec((None, *a.shape[1:]),
                                                     tf.as_dtype(a.dtype)))


def batch_spec(batch: Batch) -> Any:
    """What every batch of a source shares: structure, dtypes, shapes after
    the first dimension."""
    return map_leaves(batch, lambda a: (a.shape[1:], a.dtype.str))


def check_like(batch: Batch, reference: Batch, reference_spec: Any = None) -> None:
    """Raise unless `batch` has the structure, dtypes and shapes of `reference`
    (whose `batch_spec()` may be given, computed once for a whole stream)."""
    if reference_spec is None:
        reference_spec = batch_spec(reference)
    if batch_spec(batch) == reference_spec:
        return
    if len(batch) < 2 <= len(reference):
        raise BatchError(Say("returned {got}: the targets are missing, unlike in "
                             "the first batch", got=what(batch)),
                         "Every batch needs the same parts")
    hint = ("Every batch needs the same structure, dtypes and shapes apart from "
            "the number of rows")
    differs = _first_difference(batch, reference)
    if differs is not None:
        raise BatchError(differs, hint)
    raise BatchError(
        Say("returned {got}, unlike the first batch ({first})", got=what(batch),
            first=what(reference)), hint)


def _first_difference(batch: Batch, reference: Batch) -> Say | None:
    """The first array whose dtype or shape (after the rows) differs from the
    first batch's, said with the dimension that differs; None when the
    structures differ (then both are shown whole)."""
    if len(batch) != len(reference):
        return None
    pairs = []
    for index, (item, ref) in enumerate(zip(batch, reference, strict=True)):
        got, want = leaves_with_paths(item), leaves_with_paths(ref)
        if [p for p, _ in got] != [p for p, _ in want]:
            return None
        pairs += [(_part(index, path), a, b) for (path, a), (_, b) in zip(got, want,
                                                                          strict=True)]
    for part, a, b in pairs:
        if a.dtype != b.dtype:
            return Say("returned {part} of type {got}, unlike the first batch ({want})",
                       part=part, got=str(a.dtype), want=str(b.dtype))
        if a.shape[1:] == b.shape[1:]:
            continue
        got, want = Shape(tuple(a.shape)), Shape(tuple(b.shape))
        if a.ndim != b.ndim:
            return Say("returned {part} of shape {got}, unlike the first batch "
                       "({want}): {n} dimensions, not {m}", part=part, got=got,
                       want=want, n=a.ndim, m=b.ndim)
        d = next(i for i in range(1, a.ndim) if a.shape[i] != b.shape[i])
        return Say("returned {part} of shape {got}, unlike the first batch ({want}): "
                   "dimension {d} is {x}, not {y}", part=part, got=got, want=want,
                   d=Index(d), x=int(a.shape[d]), y=int(b.shape[d]))
    return None


def model_needs_targets(model: Any) -> bool:
    """True when `model` was compiled with a loss (Keras then needs targets)."""
    return getattr(model, "loss", None) is not None
