"""The targets against the model's single output and its loss: class
labels in range for a sparse categorical loss, one-hot or label targets for
the losses that need the other, the output's shape for element-wise losses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from kfit.checks.problem import Problem, class_range, fits, leaf_shape, plural
from kfit.model_spec import ELEMENTWISE, SPARSE, ModelTarget, model_target
from kfit.words import At, Either, Say, Shape, Value


def target_problem(model: Any, y: Any, levels: Sequence[str] | None = None,
                   *, first: bool = True) -> Problem | None:
    """What keeps `y` from the model's output and loss; None when it fits.

    Args:
        levels: the levels of an R factor `y`.
        first: check shapes too (False for later batches: labels only).
    """
    target = model_target(model)
    shape = leaf_shape(y)
    if target is None or shape is None or not shape:
        return None
    if target.loss == SPARSE:
        return sparse_problem(target, np.asarray(y), levels, first=first)
    if first and target.loss in ELEMENTWISE:
        return output_problem(target, shape)
    return None


def sparse_problem(target: ModelTarget, y: np.ndarray,
                    levels: Sequence[str] | None, *, first: bool) -> Problem | None:
    units = target.units
    if units is None:
        return None
    if first and levels is not None and len(levels) > units:
        present = set(np.unique(y[y >= 0]).astype(int).tolist()) if y.size else set()
        unused = [lv for i, lv in enumerate(levels) if i not in present]
        shown = ", ".join(f'"{lv}"' for lv in unused[:5])
        text = Say("{levels} but the model outputs {classes}",
                   levels=plural(len(levels), "level"), classes=class_range(units))
        if unused:
            text = Say("{levels} (unused: {shown}) but the model outputs {classes}",
                       levels=plural(len(levels), "level"), shown=shown,
                       classes=class_range(units))
            hint = ("each level is a class, used or not: droplevels(y) drops the "
                    "levels no sample has")
        else:
            hint = (f"each level is a class: give the last layer {len(levels)} "
                    f"units, one per level")
        return Problem((), "is a factor with", text, hint, label=True)
    if first and len(target.shape) == y.ndim and y.shape[-1] != 1:
        return Problem((), "has", Say(
            "shape {got} (one-hot targets?) but {loss} takes one class label per "
            "sample, 0 to {last}", got=Shape(y.shape), loss=f"`{SPARSE}`",
            last=units - 1), Either(
                'for one-hot targets compile with loss="categorical_crossentropy", '
                "or pass the labels: y.argmax(axis=-1).",
                'for one-hot targets compile with loss = "categorical_crossentropy", '
                "or pass the labels: max.col(y) - 1."), label=True)
    if y.dtype.kind == "f":
        whole = np.equal(np.floor(y), y)
        if not whole.all():
            at = _position(y, ~whole)
            return Problem((), "has", Say(
                "label {label} at {at}, but {loss} needs whole-number class labels, "
                "0 to {last}", label=Value(float(y[at])), at=At(_at(y, at)),
                loss=f"`{SPARSE}`", last=units - 1), Either(
                    'for continuous targets compile with a regression loss such as '
                    'loss="mse"; for probabilities per class use '
                    '"categorical_crossentropy".',
                    'for continuous targets compile with a regression loss such as '
                    'loss = "mse"; for probabilities per class use '
                    '"categorical_crossentropy".'), label=True)
    elif y.dtype.kind not in "iu":
        return None
    low, high = y.min(), y.max()
    ignore = target.ignore_class
    if low >= 0 and high < units:
        return None
    bad = (y < 0) | (y >= units)
    if ignore is not None:
        bad &= y != ignore
        if not bad.any():
            return None
    at = _position(y, bad)
    label = Value(int(y[at]))
    text = Say("label {label} at {at}, but the model outputs {classes}",
               label=label, at=At(_at(y, at)), classes=class_range(units))
    if high == units and low >= 1:
        hint = Either(
            f"the labels look 1-based (1 to {units}): Keras' class labels are "
            f"0-based, 0 to {units - 1}; subtract 1 (y - 1).",
            f"the labels look 1-based (1 to {units}): Keras' class labels are "
            f"0-based, 0 to {units - 1}; subtract 1 (y - 1), or pass a factor: "
            "fit() gives Keras its 0-based level codes.")
    else:
        hint = Say("class labels are 0 to {last}; if there are more classes, give "
                   "the last layer one unit per class ({code})", last=units - 1,
                   code=Either("keras.layers.Dense(n_classes)",
                               "layer_dense(units = n_classes)"))
    return Problem((), "has", text, hint, label=True)


def _position(y: np.ndarray, bad: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(bad)[0])


def _at(y: np.ndarray, at: tuple[int, ...]) -> tuple[int, ...]:
    """A position as users see it: an element of a column of labels."""
    return at[:1] if y.ndim == 2 and y.shape[1] == 1 else at


def output_problem(target: ModelTarget, shape: tuple[int, ...]) -> Problem | None:
    want = target.shape
    if fits(shape, want):
        return None
    units = target.units
    loss = f"`{target.loss}`"
    if target.loss == "categorical_crossentropy" and units and units > 1 and \
            fits((*shape, 1) if len(shape) < len(want) else shape,
                  (*want[:-1], 1)):
        return Problem((), "has", Say(
            "one class label per sample, but {loss} needs one-hot targets with "
            "{units} columns (the model outputs {classes})", loss=loss, units=units,
            classes=class_range(units)), Either(
                f'compile with loss="{SPARSE}" for labels 0 to {units - 1}, or '
                f"one-hot them: keras.utils.to_categorical(y, {units}).",
                f'compile with loss = "{SPARSE}" for labels 0 to {units - 1}, or '
                f"one-hot them: keras3::to_categorical(y, {units})."), label=True)
    if len(shape) == 2 and len(want) == 2:
        text = Say("{n} but the model's output has {k} (shape {shape}) and {loss} "
                   "compares them element by element", n=plural(shape[1], "column"),
                   k=want[1], shape=Shape(want), loss=loss)
    else:
        text = Say("shape {got} but the model's output has shape {shape} and {loss} "
                   "compares them element by element", got=Shape(shape),
                   shape=Shape(want), loss=loss)
    return Problem((), "has", text, "give one target per output unit, or change "
                    "the last layer to the number of targets")
