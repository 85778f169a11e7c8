"""`class_weight` against the classes the model can output: not for a
regression, 0-based keys, one weight per class, no class beyond the output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kfit.checks.problem import class_range, leaf_shape, plural
from kfit.errors import KfitValueError
from kfit.model_spec import CLASSIFICATION, REGRESSION, ModelTarget, model_target
from kfit.words import Either, Say


def check_class_weight(model: Any, weights: Mapping[int, float] | None,
                       given: Any, *, y: Any = None,
                       levels: Sequence[str] | None = None) -> None:
    """Check normalised class weights against what the model can output.

    Args:
        weights: {0-based class: weight} from `normalize_class_weight`.
        given: `class_weight` as the user gave it (shown as received).
        y: the targets, when they are arrays.
        levels: the levels of an R factor `y`.

    Raises:
        KfitValueError: naming `class_weight`.
    """
    if weights is None:
        return
    target = model_target(model)
    loss = target.loss if target is not None else None
    continuous = loss in REGRESSION
    y_array = _single(y)
    labels = y_array is not None and (y_array.ndim == 1 or y_array.shape[-1] == 1)
    if labels and y_array.dtype.kind == "f" and levels is None and \
            y_array.size and not np.equal(np.floor(y_array), y_array).all():
        continuous = True
    if continuous:
        raise KfitValueError(
            "class_weight", Say("weights classes, but the targets are continuous "
                                "({why}).", why=f'the loss is "{loss}"' if loss in
                                REGRESSION else "`y` holds fractions"),
            given, Either("class weights need class labels; to weight samples of a "
                          "regression, pass sample_weight.",
                          "class weights need class labels; to weight samples of a "
                          "regression, pass sample_weight (one weight per row)."))
    classes = _class_count(target, levels)
    if classes is None:
        return
    keyed = isinstance(given, Mapping)
    by_level = keyed and levels is not None and all(str(k) in levels for k in given)
    if keyed and not by_level and weights and 0 not in weights and \
            min(weights) >= 1 and max(weights) == classes:
        raise KfitValueError(
            "class_weight", Say("looks 1-based: its keys are 1 to {k} but the "
                                "model's {classes} are 0-based.", k=classes,
                                classes=class_range(classes)), given,
            _keys_hint(classes, levels))
    if not keyed and len(weights) != classes:
        raise KfitValueError(
            "class_weight", Say("has {n} but the model outputs {classes}: an unnamed "
                                "vector gives one weight per class, in class order.",
                                n=plural(len(weights), "weight"),
                                classes=class_range(classes)), given,
            _keys_hint(classes, levels))
    beyond = sorted(k for k in weights if k >= classes)
    if beyond:
        source = f"`y` is a factor with {plural(classes, 'level')}" if levels \
            is not None and (target is None or classes == len(levels)) else \
            f"the model outputs {class_range(classes)}"
        raise KfitValueError(
            "class_weight", Say("has a weight for class {k}, but {source}.",
                                k=beyond[0], source=source), given,
            _keys_hint(classes, levels))


def _keys_hint(classes: int, levels: Sequence[str] | None) -> Any:
    keys_py = ", ".join(f"{i}: 1.0" for i in range(min(classes, 3)))
    keys_r = ", ".join(f'"{i}" = 1' for i in range(min(classes, 3)))
    more = ", ..." if classes > 3 else ""
    level_words = ""
    if levels:
        shown = ", ".join(f'"{lv}" = 1' if not str(lv).isidentifier() else
                          f"{lv} = 1" for lv in list(levels)[:3])
        level_words = f"; with a factor `y` its level names work too: list({shown})"
    return Either(f"keys are 0-based class indices: {{{keys_py}{more}}}.",
                  f"keys are 0-based class indices: list({keys_r}{more})"
                  f"{level_words or '; with a factor `y` its level names work too'}.")


def _single(y: Any) -> np.ndarray | None:
    if y is None or isinstance(y, (list, tuple, Mapping)):
        return None
    return np.asarray(y) if leaf_shape(y) is not None else None


def _class_count(target: ModelTarget | None, levels: Sequence[str] | None
                 ) -> int | None:
    """How many classes there are: the factor's levels, else the output's
    units (2 for one sigmoid unit)."""
    if levels is not None:
        return len(levels)
    if target is None or target.units is None:
        return None
    if target.units == 1:
        return 2 if target.loss in CLASSIFICATION else None
    return target.units
