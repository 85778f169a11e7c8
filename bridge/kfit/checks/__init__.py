"""Checks of the data against the model, before anything trains.

Arrays are checked whole (`check_arrays`); a generator's or dataset's first
batch in full and every later batch's labels (`batch_checks`: one min/max
pass, later batches have the first one's shapes); a tf.data dataset by its
`element_spec`. Keras would otherwise fail inside its graph, with its own
text. Who checks what: `inputs` (the model's inputs), `targets` (its
output and loss), `class_weights`; `problem` says and raises what they find.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from kfit.checks.class_weights import check_class_weight
from kfit.checks.inputs import check_spec, conform_inputs, input_problem
from kfit.checks.problem import argument_error, batch_error, leaf_shape
from kfit.checks.targets import sparse_problem, target_problem
from kfit.model_spec import SPARSE, model_target
from kfit.nested import element_at
from kfit.words import Arg

__all__ = ["batch_checks", "check_arrays", "check_class_weight", "check_dataset",
           "check_feed", "check_source", "conform_inputs"]


def check_arrays(model: Any, x: Any, y: Any, *, names: Sequence[Arg],
                 shown: Sequence[Any] = (), levels: Sequence[str] | None = None
                 ) -> None:
    """Check in-memory `x` and `y` against the model.

    Args:
        names: how messages name x and y (`Arg`s).
        shown: x and y as the user gave them (R values), for "Received:".
        levels: the levels of an R factor `y`.

    Raises:
        KfitShapeError: `x` does not fit the model's inputs, or `y` its output.
        KfitLabelError: class labels the model cannot output.
    """
    shown_x = shown[0] if shown and shown[0] is not None else x
    problem = input_problem(model, x, "x")
    if problem is not None:
        value = element_at(shown_x, problem.path, x) if problem.path else shown_x
        raise argument_error(problem, names[0], value)
    if y is None:
        return
    problem = target_problem(model, y, levels)
    if problem is not None:
        shown_y = shown[1] if len(shown) > 1 and shown[1] is not None else y
        raise argument_error(problem, names[1], shown_y)


def batch_checks(model: Any) -> tuple[Callable[[Any], None], Callable[[Any], None]]:
    """(check of the first batch, check of every later batch) for `model`:
    the first in full, later ones their labels only (raise `BatchError`)."""
    def first(batch: Any) -> None:
        problem = input_problem(model, batch[0], "the inputs")
        if problem is not None:
            raise batch_error(problem, "inputs")
        if len(batch) >= 2:
            problem = target_problem(model, batch[1])
            if problem is not None:
                raise batch_error(problem, "targets")

    target = model_target(model)
    sparse = target is not None and target.loss == SPARSE

    def each(batch: Any) -> None:
        if sparse and len(batch) >= 2 and leaf_shape(batch[1]):
            problem = sparse_problem(target, np.asarray(batch[1]), None, first=False)
            if problem is not None:
                raise batch_error(problem, "targets")

    return first, each


def check_source(model: Any, source: Any) -> None:
    """Check an array source's x and y against the model (other kinds are
    checked at their first batch, see `check_feed`, or `check_dataset`)."""
    if getattr(source, "kind", None) != "arrays":
        return
    check_arrays(model, source.x, source.y, names=source.names,
                 shown=getattr(source, "_shown", ()), levels=source.levels)
    source.x = conform_inputs(model, source.x)


def check_dataset(model: Any, dataset: Any, argument: str) -> None:
    """Check a tf.data.Dataset's `element_spec` inputs against the model."""
    spec = dataset.element_spec
    inputs = spec[0] if isinstance(spec, tuple) and 1 <= len(spec) <= 3 else spec
    check_spec(model, inputs, argument)


def check_feed(model: Any, feed: Any) -> None:
    """Check the first batch of each stream of `feed` against the model now,
    and the labels of every later batch as it is made.

    Raises:
        SourceError: naming the source, at its first batch.
    """
    for producer in feed.producers:
        add_check = getattr(producer, "add_check", None)
        if add_check is not None:
            add_check(*batch_checks(model))
