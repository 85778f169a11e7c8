"""The inputs against the model's inputs: how many, which names, what
shape; and inputs put in the model's own structure (`conform_inputs`).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kfit.checks.problem import BATCH_LEADS, Hint, Problem, fits, leaf_shape, plural
from kfit.errors import KfitShapeError
from kfit.model_spec import ModelInput, dims_of, model_inputs
from kfit.nested import Path, is_number_list
from kfit.words import Arg, Either, Say, Shape


def _shape_problem(path: Path, got: Sequence[int], want: ModelInput,
                   what: str) -> Problem:
    """`got` does not fit `want`: columns, or dimensions, and a hint."""
    got = tuple(int(d) for d in got)
    model_input = want.said()
    if len(got) == 2 and len(want.shape) == 2:
        text = Say("{n} but {input} expects {k} (shape {shape})",
                   n=plural(got[1], "column"), input=model_input, k=want.shape[1],
                   shape=Shape(want.shape))
        hint = Say("give {what} one column per feature the model takes (check "
                   "which columns were selected), or build the model for {n}: "
                   "{code}", what=what, n=plural(got[1], "feature"), code=Either(
                       f"keras.Input(shape=({got[1]},))",
                       f"keras_input(shape = {got[1]})"))
        return Problem(path, "has", text, hint)
    if len(got) == 1 and len(want.shape) == 2:
        text = Say("a vector ({n}) but {input} expects {k} per sample (shape "
                   "{shape})", n=plural(got[0], "value"), input=model_input,
                   k=plural(want.shape[1] or 0, "column") if want.shape[1]
                   else "a matrix", shape=Shape(want.shape))
        return Problem(path, "is", text, Either(
            "a vector is one value per sample; for one sample of "
            f"{want.shape[1]} features use x[None, :], for one feature per sample "
            "x.reshape(-1, 1).",
            "a vector is one value per sample; for one sample of "
            f"{want.shape[1]} features use matrix(x, nrow = 1), for one feature per "
            "sample as.matrix(x)."))
    text = Say("shape {got} but {input} expects {dims} (shape {shape})",
               got=Shape(got), input=model_input,
               dims=plural(len(want.shape), "dimension") if len(got) != len(
                   want.shape) else Shape(want.shape), shape=Shape(want.shape))
    hint = Say("reshape the data to {shape}, with one row per sample, or build "
               "the model for its shape", shape=Shape(want.shape))
    return Problem(path, "has", text, hint)


def _listed(inputs: list[ModelInput]) -> Say:
    """"`a` (shape (None, 3)) and `b` (shape (None, 5))"."""
    fields: dict[str, Any] = {}
    pieces = []
    for i, model_input in enumerate(inputs):
        fields[f"n{i}"] = model_input.label()
        fields[f"s{i}"] = Shape(model_input.shape)
        pieces.append(f"{{n{i}}} (shape {{s{i}}})")
    text = ", ".join(pieces[:-1]) + (" and " if len(pieces) > 1 else "") + pieces[-1]
    return Say(text, **fields)


def _named_hint(inputs: list[ModelInput]) -> Either:
    py = ", ".join(f'"{i.name}": ...' for i in inputs)
    r = ", ".join(f"{i.name} = ..." for i in inputs)
    return Either(f"pass a dict of arrays keyed by input name: {{{py}}}.",
                  f"pass a named list of arrays, one per input: list({r}).")


def _structure_words(x: Any) -> Any:
    if isinstance(x, Mapping):
        return Either(f"a dict of {plural(len(x), 'array')}",
                      f"a list of {plural(len(x), 'array')}")
    return Either(f"a {type(x).__name__} of {plural(len(x), 'array')}",
                  f"a list of {plural(len(x), 'array')}")


def input_problem(model: Any, x: Any, what: str = "x") -> Problem | None:
    """What keeps `x` (an array, or a list/dict of arrays) from the model's
    inputs; None when it fits or the model is not built.

    Args:
        what: how hints name the data ("x", "the inputs").
    """
    known = model_inputs(model)
    if known is None:
        return None
    inputs, _ = known
    several = isinstance(x, (list, tuple, Mapping)) and not is_number_list(x)
    if not several:
        if len(inputs) > 1:
            return Problem((), "is", Say(
                "one array but the model has {n} inputs: {inputs}", n=len(inputs),
                inputs=_listed(inputs)), _named_hint(inputs))
        return _leaf_problem((), x, inputs[0], what)
    if isinstance(x, Mapping):
        return _dict_problem(x, inputs, what)
    if len(x) != len(inputs):
        if len(inputs) == 1:
            text = Say("{got} but the model has one input, {input} (shape {shape})",
                       got=_structure_words(x), input=inputs[0].label(),
                       shape=Shape(inputs[0].shape))
            hint = Either("pass one array.", "pass one matrix or array.")
        else:
            text = Say("{got} but the model has {n} inputs: {inputs}",
                       got=_structure_words(x), n=len(inputs),
                       inputs=_listed(inputs))
            hint = _named_hint(inputs)
        return Problem((), "is", text, hint)
    shapes = [leaf_shape(v) for v in x]
    if any(s is None for s in shapes):
        return None
    bad = [i for i, (s, m) in enumerate(zip(shapes, inputs, strict=True))
           if not fits(s, m.shape)]
    if not bad:
        return None
    order = _other_order(shapes, inputs)
    if order is not None:
        fields: dict[str, Any] = {}
        pieces = []
        for i, j in enumerate(order):
            if i == j:
                continue
            fields[f"e{i}"] = Either(f"element {i}", f"element {i + 1}")
            fields[f"m{i}"] = inputs[j].label()
            pieces.append(f"{{e{i}}} fits input {{m{i}}}")
        return Problem((), "is", Say(
            "a list of the model's inputs in another order: {moves}, but an "
            "unnamed list is matched to the inputs in order ({inputs})",
            moves=Say(", ".join(pieces), **fields), inputs=_listed(inputs)),
            _named_hint(inputs))
    i = bad[0]
    return _leaf_problem((i,), x[i], inputs[i], what)


def _other_order(shapes: list[Any], inputs: list[ModelInput]) -> tuple[int, ...] | None:
    """The one reordering of the elements that fits every input, if any."""
    if len(inputs) > 6:
        return None
    fitting = [order for order in itertools.permutations(range(len(inputs)))
               if all(fits(shapes[i], inputs[j].shape) for i, j in enumerate(order))]
    return fitting[0] if len(fitting) == 1 else None


def _dict_problem(x: Mapping[Any, Any], inputs: list[ModelInput],
                  what: str) -> Problem | None:
    names = [m.name for m in inputs]
    keys = [str(k) for k in x]
    unknown = [k for k in keys if k not in names]
    if unknown and all(m.shown_name for m in inputs):
        return Problem((unknown[0],), "names", Say(
            "no input of the model: its inputs are {inputs}", inputs=_listed(inputs)),
            _named_hint(inputs), received=keys)
    if unknown:
        return None  # the model's input names are Keras' own: Keras decides
    missing = [m for m in inputs if m.name not in keys]
    if missing:
        return Problem((), "has", Say(
            "no element for {input} (shape {shape}): the model has {n}: {inputs}",
            input=missing[0].said(), shape=Shape(missing[0].shape),
            n=plural(len(inputs), "input"), inputs=_listed(inputs)),
            _named_hint(inputs), received=keys)
    for model_input in inputs:
        value = x[model_input.name] if model_input.name in x else next(
            v for k, v in x.items() if str(k) == model_input.name)
        problem = _leaf_problem((model_input.name,), value, model_input, what)
        if problem is not None:
            return problem
    return None


def _leaf_problem(path: Path, value: Any, model_input: ModelInput,
                  what: str) -> Problem | None:
    shape = leaf_shape(value)
    if shape is None or fits(shape, model_input.shape):
        return None
    return _shape_problem(path, shape, model_input, what)


def check_spec(model: Any, inputs: Any, argument: str) -> None:
    """Check the inputs' `element_spec` of a tf.data.Dataset (batched).

    Raises:
        KfitShapeError: naming `argument`.
    """
    def specs(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: specs(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [specs(v) for v in value]
        dims = dims_of(getattr(value, "shape", None))
        return _Shaped(tuple(1 if d is None else d for d in dims)) if dims else None

    problem = input_problem(model, specs(inputs), "the dataset's inputs")
    if problem is None:
        return
    part: Any = "inputs" if not problem.path else Arg("inputs", problem.path)
    raise KfitShapeError(argument, Say("is a tf.data.Dataset of {part} {lead} "
                                       "{text}.", part=part,
                                       lead=BATCH_LEADS[problem.lead],
                                       text=problem.text),
                         None, Hint(problem.hint, sentence=False),
                         show_received=False)


@dataclass(frozen=True)
class _Shaped:
    """A shape standing in for an array (tf.data's element_spec)."""

    shape: tuple[int, ...]


@dataclass(frozen=True)
class _Shaped:
    """A shape standing in for an array (tf.data's element_spec)."""

    shape: tuple[int, ...]


def conform_inputs(model: Any, x: Any) -> Any:
    """Checked inputs in the model's own structure, so that Keras does not
    warn that they differ: one array for one input, a dict for inputs taken
    by name, a list in the model's order otherwise."""
    known = model_inputs(model)
    if known is None or not isinstance(x, (list, tuple, Mapping)) or \
            is_number_list(x):
        return x
    inputs, named = known
    if isinstance(x, Mapping):
        keys = {str(k): v for k, v in x.items()}
        if set(keys) != {m.name for m in inputs}:
            return x
        if len(inputs) == 1:
            return keys[inputs[0].name]
        return keys if named else [keys[m.name] for m in inputs]
    if len(x) != len(inputs):
        return x
    if len(inputs) == 1:
        return x[0]
    return {m.name: v for m, v in zip(inputs, x, strict=True)} if named else x
