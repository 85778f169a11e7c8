"""`class_weight`: normalise the user's mapping, turn it into sample weights.

Keys are 0-based class indices: ints or strings of digits (an R named list
`list("0" = 1, "1" = 5)` arrives with string keys), or, when the targets are
an R factor, the factor's levels. An unnamed sequence of weights is mapped to
classes 0..k-1. Classes without a weight get 1.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kfit.errors import KfitDataError, KfitTypeError, KfitValueError
from kfit.words import Either, Say, Value

ClassWeight = dict[int, float]


def normalize_class_weight(class_weight: Any,
                           levels: Sequence[str] | None = None) -> ClassWeight | None:
    """Validate `class_weight` and return {0-based class index: weight}.

    Args:
        class_weight: None, a mapping or a sequence of weights.
        levels: the level names of factor targets, if any (names may then be
            levels).

    Raises:
        KfitValueError / KfitTypeError: naming the offending key.
    """
    if class_weight is None:
        return None
    if isinstance(class_weight, Mapping):
        items = list(class_weight.items())
    elif isinstance(class_weight, (str, bytes)) or not _is_sequence(class_weight):
        raise KfitTypeError(
            "class_weight",
            "must map 0-based class indices to weights.", class_weight,
            Either("e.g. {0: 1.0, 1: 5.0}, or a list of one weight per class.",
                   'e.g. list("0" = 1, "1" = 5), or c(1, 5): one weight per '
                   "class."))
    else:
        items = list(enumerate(_as_list(class_weight)))
    out: ClassWeight = {}
    for key, weight in items:
        index = _class_index(key, levels, class_weight)
        if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or (
                not math.isfinite(float(weight))) or float(weight) < 0:
            raise KfitValueError(
                "class_weight",
                Say("has a weight that is not a finite number >= 0 for class "
                    "{key}: {weight}.", key=Value(key), weight=Value(weight)),
                class_weight, "weights are numbers such as 1 or 2.5.")
        if index in out:
            raise KfitValueError("class_weight",
                                 f"gives class {index} a weight twice.", class_weight,
                                 "give each class one weight.")
        out[index] = float(weight)
    return out


def _is_sequence(value: Any) -> bool:
    return isinstance(value, Sequence) or (hasattr(value, "tolist")
                                           and np.ndim(value) == 1)


def _as_list(value: Any) -> list[Any]:
    return value.tolist() if hasattr(value, "tolist") else list(value)


def _class_index(key: Any, levels: Sequence[str] | None, whole: Any) -> int:
    if isinstance(key, bool):
        pass
    elif isinstance(key, numbers.Integral) or (
            isinstance(key, float) and key.is_integer()):
        if int(key) >= 0:
            return int(key)
    elif isinstance(key, str):
        text = key.strip()
        if text.isdigit():
            return int(text)
        if levels is not None and key in levels:
            return list(levels).index(key)
    hint = Either("keys are 0-based class indices such as 0, 1, 2",
                  'keys are 0-based class indices such as "0", "1", "2"')
    if levels is not None:
        hint = Say("{hint}, or the levels of the factor `y`: {levels}", hint=hint,
                   levels=Either(", ".join(map(str, levels)),
                                 ", ".join(f'"{lv}"' for lv in levels)))
    raise KfitValueError("class_weight",
                         Say("has key {key}, which is not a 0-based class index.",
                             key=Value(key)), whole, Say("{hint}.", hint=hint))


def labels_of(y: np.ndarray) -> np.ndarray:
    """Integer class labels of targets: indices, one-hot, or a last dim of 1."""
    y = np.asarray(y)
    if y.ndim >= 2:
        if y.shape[-1] == 1:
            y = y[..., 0]
        elif _is_one_hot(y):
            y = np.argmax(y, axis=-1)
        else:
            raise KfitDataError(
                "`class_weight` needs class labels, but the targets have shape "
                f"{y.shape} and are not one-hot. Hint: pass integer class indices, "
                "one-hot targets, or targets with a final dimension of 1.")
    if y.dtype.kind == "f":
        if np.isnan(y).any():
            raise KfitDataError("`class_weight` got targets that contain NA/NaN.")
        y = np.round(y)
    return y.astype(np.int64)


def _is_one_hot(y: np.ndarray) -> bool:
    return bool(np.isin(y, (0, 1)).all() and (y.sum(axis=-1) == 1).all())


def class_sample_weights(y: Any, class_weight: ClassWeight,
                         sample_weight: np.ndarray | None = None) -> np.ndarray:
    """Per-sample (or per-timestep) weights from `class_weight`.

    Classes without a weight get 1. With `sample_weight` the two multiply.
    """
    if isinstance(y, (list, tuple, Mapping)):
        raise KfitValueError(
            "class_weight", "applies to a single output, but the model gets "
            f"{len(y)} targets.", None,
            "pass per-sample weights in `sample_weight` instead.",
            show_received=False)
    labels = labels_of(y)
    size = max(int(labels.max(initial=0)) + 1, max(class_weight, default=0) + 1)
    table = np.ones(size, dtype=np.float32)
    for index, weight in class_weight.items():
        table[index] = weight
    weights = table[np.clip(labels, 0, size - 1)]
    weights[(labels < 0)] = 1.0
    if sample_weight is not None:
        extra = np.asarray(sample_weight, dtype=np.float32)
        if extra.ndim > weights.ndim:
            weights = weights.reshape(
                weights.shape + (1,) * (extra.ndim - weights.ndim))
        weights = weights * extra
    return weights.astype(np.float32, copy=False)
