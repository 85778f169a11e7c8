"""Checks of the data against the model, before anything trains.

The inputs against the model's inputs (how many, which names, what shape),
the targets against its single output (class labels in range for a sparse
categorical loss, one-hot or label targets for the losses that need the
other, the output's shape for element-wise losses), and `class_weight`
against the classes the model can output. Arrays are checked whole; a
generator's or dataset's first batch is checked in full and every later
batch's labels (one min/max pass: later batches have the first one's
shapes). Keras would otherwise fail inside its graph, with its own text.

A problem is said once, as a `_Problem`: arrays raise it as a
`KfitShapeError` / `KfitLabelError` naming the argument ("Argument `x` has
7 columns ..."), batches as a `BatchError` naming the source ("The R
generator `x` returned inputs with 7 columns ...").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kfit.data.batch import BatchError, is_number_list
from kfit.errors import KfitLabelError, KfitShapeError, KfitValueError
from kfit.words import Arg, At, Either, Index, Say, Shape, Value

Path = tuple[int | str, ...]
Dims = tuple[int | None, ...]


# -- what the model takes and gives ---------------------------------------------
@dataclass(frozen=True)
class ModelInput:
    """One input of a model: `name` is what data may be keyed by."""

    name: str
    shape: Dims
    index: int
    shown_name: bool  # False for names Keras made up ("keras_tensor_4")

    def said(self) -> Say:
        """"the model's input `a`" (or "input 1" for a name Keras made up)."""
        return Say("the model's input {name}", name=self.label())

    def label(self) -> Say:
        """"`a`", or the input's position (1-based in R)."""
        if self.shown_name:
            return Say("`{n}`", n=self.name)
        return Say("{i}", i=Index(self.index))


@dataclass(frozen=True)
class ModelTarget:
    """The single output of a model and the loss it was compiled with."""

    loss: str | None  # canonical snake_case name of a known loss
    shape: Dims
    ignore_class: int | None = None

    @property
    def units(self) -> int | None:
        return self.shape[-1] if self.shape else None


def dims_of(shape: Any) -> Dims | None:
    """A TensorShape / tuple as ints and Nones; None when the rank is unknown."""
    try:
        return tuple(None if d is None else int(d) for d in shape)
    except (TypeError, ValueError):
        return None


def model_inputs(model: Any) -> tuple[list[ModelInput], bool] | None:
    """The model's inputs, and whether it takes them by name (a dict);
    None when the model is not built (its inputs are not known yet)."""
    try:
        tensors = list(model.inputs or [])
    except (AttributeError, ValueError, TypeError):
        return None
    if not tensors:
        return None
    struct = getattr(model, "_inputs_struct", None)
    named = isinstance(struct, Mapping)
    keys: list[str] = []
    if named:
        by_id = {id(t): str(k) for k, t in struct.items()}
        keys = [by_id.get(id(t), str(getattr(t, "name", ""))) for t in tensors]
    out = []
    for index, tensor in enumerate(tensors):
        dims = dims_of(getattr(tensor, "shape", None))
        if dims is None:
            return None
        name = keys[index] if named else str(getattr(tensor, "name", "") or "")
        made_up = bool(re.fullmatch(r"(keras_tensor|input_layer)(_\d+)?", name))
        out.append(ModelInput(name, dims, index, bool(name) and not made_up))
    return out, named


_ALIASES = {"mse": "mean_squared_error", "mae": "mean_absolute_error",
            "mape": "mean_absolute_percentage_error",
            "msle": "mean_squared_logarithmic_error", "kld": "kl_divergence",
            "kullback_leibler_divergence": "kl_divergence", "logcosh": "log_cosh",
            "huber_loss": "huber", "bce": "binary_crossentropy",
            "cce": "categorical_crossentropy"}
SPARSE = "sparse_categorical_crossentropy"
_CLASSIFICATION = {"binary_crossentropy", "binary_focal_crossentropy",
                   "categorical_crossentropy", "categorical_focal_crossentropy",
                   "categorical_hinge", "hinge", "squared_hinge", SPARSE}
_REGRESSION = {"mean_squared_error", "mean_absolute_error",
               "mean_absolute_percentage_error", "mean_squared_logarithmic_error",
               "huber", "log_cosh", "poisson", "cosine_similarity"}
# Losses that compare targets and outputs element by element: same shapes.
_ELEMENTWISE = (_CLASSIFICATION | _REGRESSION | {"kl_divergence"}) - {SPARSE}


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def loss_name(loss: Any) -> str | None:
    """The canonical name of a known Keras loss (a string, a `keras.losses`
    instance or function); None for a custom one or several losses."""
    if isinstance(loss, str):
        name = _snake(loss)
    elif callable(loss) and hasattr(loss, "fn") and hasattr(loss, "_fn_kwargs"):
        name = _snake(type(loss).__name__)  # a LossFunctionWrapper subclass
        if name == "loss_function_wrapper":
            name = str(getattr(loss.fn, "__name__", ""))
    elif callable(loss) and getattr(loss, "__module__", "").startswith("keras"):
        name = str(getattr(loss, "__name__", ""))
    else:
        return None
    name = _ALIASES.get(name, name)
    return name if name in _CLASSIFICATION | _REGRESSION | {"kl_divergence"} else None


def model_target(model: Any) -> ModelTarget | None:
    """The model's single output and its loss; None for several outputs or a
    model that is not built."""
    try:
        outputs = list(model.outputs or [])
    except (AttributeError, ValueError, TypeError):
        return None
    loss = getattr(model, "loss", None)
    if len(outputs) != 1 or isinstance(loss, (Mapping, list, tuple)):
        return None
    dims = dims_of(getattr(outputs[0], "shape", None))
    if not dims:
        return None
    ignore = getattr(loss, "_fn_kwargs", {}).get("ignore_class") \
        if loss is not None else None
    return ModelTarget(loss_name(loss), dims,
                       None if ignore is None else int(ignore))


# -- problems -------------------------------------------------------------------
@dataclass
class _Problem:
    """A mismatch, said after "Argument `x` " (`lead` "has"/"is"/"names") or
    after "returned {part} " (lead "has" -> "with", "is" -> "that are")."""

    path: Path
    lead: str
    text: Any
    hint: Any
    received: Any = None  # what to show instead of the value at `path`
    label: bool = False  # a problem of the labels (KfitLabelError)


def _fits(got: Sequence[int], want: Dims) -> bool:
    """Whether an array of shape `got` (with rows) fits an input of `want`,
    with the rank adjustments Keras makes for a last dimension of 1."""
    got = tuple(got)
    if len(got) == len(want) - 1 and want[-1] == 1:
        got = (*got, 1)
    elif len(got) == len(want) + 1 and got[-1] == 1:
        got = got[:-1]
    if len(got) != len(want):
        return False
    return all(w is None or g == w for g, w in zip(got[1:], want[1:], strict=True))


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    return f"{n} {word}es" if word.endswith("s") else f"{n} {word}s"


def _shape_problem(path: Path, got: Sequence[int], want: ModelInput,
                   what: str) -> _Problem:
    """`got` does not fit `want`: columns, or dimensions, and a hint."""
    got = tuple(int(d) for d in got)
    model_input = want.said()
    if len(got) == 2 and len(want.shape) == 2:
        text = Say("{n} but {input} expects {k} (shape {shape})",
                   n=_plural(got[1], "column"), input=model_input, k=want.shape[1],
                   shape=Shape(want.shape))
        hint = Say("give {what} one column per feature the model takes (check "
                   "which columns were selected), or build the model for {n}: "
                   "{code}", what=what, n=_plural(got[1], "feature"), code=Either(
                       f"keras.Input(shape=({got[1]},))",
                       f"keras_input(shape = {got[1]})"))
        return _Problem(path, "has", text, hint)
    if len(got) == 1 and len(want.shape) == 2:
        text = Say("a vector ({n}) but {input} expects {k} per sample (shape "
                   "{shape})", n=_plural(got[0], "value"), input=model_input,
                   k=_plural(want.shape[1] or 0, "column") if want.shape[1]
                   else "a matrix", shape=Shape(want.shape))
        return _Problem(path, "is", text, Either(
            "a vector is one value per sample; for one sample of "
            f"{want.shape[1]} features use x[None, :], for one feature per sample "
            "x.reshape(-1, 1).",
            "a vector is one value per sample; for one sample of "
            f"{want.shape[1]} features use matrix(x, nrow = 1), for one feature per "
            "sample as.matrix(x)."))
    text = Say("shape {got} but {input} expects {dims} (shape {shape})",
               got=Shape(got), input=model_input,
               dims=_plural(len(want.shape), "dimension") if len(got) != len(
                   want.shape) else Shape(want.shape), shape=Shape(want.shape))
    hint = Say("reshape the data to {shape}, with one row per sample, or build "
               "the model for its shape", shape=Shape(want.shape))
    return _Problem(path, "has", text, hint)


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


def _leaf_shape(value: Any) -> tuple[int, ...] | None:
    shape = getattr(value, "shape", None)
    if shape is None:
        return None
    try:
        return tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        return None


def _structure_words(x: Any) -> Any:
    if isinstance(x, Mapping):
        return Either(f"a dict of {_plural(len(x), 'array')}",
                      f"a list of {_plural(len(x), 'array')}")
    return Either(f"a {type(x).__name__} of {_plural(len(x), 'array')}",
                  f"a list of {_plural(len(x), 'array')}")


def input_problem(model: Any, x: Any, what: str = "x") -> _Problem | None:
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
            return _Problem((), "is", Say(
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
        return _Problem((), "is", text, hint)
    shapes = [_leaf_shape(v) for v in x]
    if any(s is None for s in shapes):
        return None
    bad = [i for i, (s, m) in enumerate(zip(shapes, inputs, strict=True))
           if not _fits(s, m.shape)]
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
        return _Problem((), "is", Say(
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
               if all(_fits(shapes[i], inputs[j].shape) for i, j in enumerate(order))]
    return fitting[0] if len(fitting) == 1 else None


def _dict_problem(x: Mapping[Any, Any], inputs: list[ModelInput],
                  what: str) -> _Problem | None:
    names = [m.name for m in inputs]
    keys = [str(k) for k in x]
    unknown = [k for k in keys if k not in names]
    if unknown and all(m.shown_name for m in inputs):
        return _Problem((unknown[0],), "names", Say(
            "no input of the model: its inputs are {inputs}", inputs=_listed(inputs)),
            _named_hint(inputs), received=keys)
    if unknown:
        return None  # the model's input names are Keras' own: Keras decides
    missing = [m for m in inputs if m.name not in keys]
    if missing:
        return _Problem((), "has", Say(
            "no element for {input} (shape {shape}): the model has {n}: {inputs}",
            input=missing[0].said(), shape=Shape(missing[0].shape),
            n=_plural(len(inputs), "input"), inputs=_listed(inputs)),
            _named_hint(inputs), received=keys)
    for model_input in inputs:
        value = x[model_input.name] if model_input.name in x else next(
            v for k, v in x.items() if str(k) == model_input.name)
        problem = _leaf_problem((model_input.name,), value, model_input, what)
        if problem is not None:
            return problem
    return None


def _leaf_problem(path: Path, value: Any, model_input: ModelInput,
                  what: str) -> _Problem | None:
    shape = _leaf_shape(value)
    if shape is None or _fits(shape, model_input.shape):
        return None
    return _shape_problem(path, shape, model_input, what)


# -- targets --------------------------------------------------------------------
def _classes(units: int) -> Say:
    return Say("{n} ({range})", n=_plural(units, "class"),
               range="0 and 1" if units == 2 else f"0 to {units - 1}")


def target_problem(model: Any, y: Any, levels: Sequence[str] | None = None,
                   *, first: bool = True) -> _Problem | None:
    """What keeps `y` from the model's output and loss; None when it fits.

    Args:
        levels: the levels of an R factor `y`.
        first: check shapes too (False for later batches: labels only).
    """
    target = model_target(model)
    shape = _leaf_shape(y)
    if target is None or shape is None or not shape:
        return None
    if target.loss == SPARSE:
        return _sparse_problem(target, np.asarray(y), levels, first=first)
    if first and target.loss in _ELEMENTWISE:
        return _output_problem(target, shape)
    return None


def _sparse_problem(target: ModelTarget, y: np.ndarray,
                    levels: Sequence[str] | None, *, first: bool) -> _Problem | None:
    units = target.units
    if units is None:
        return None
    if first and levels is not None and len(levels) > units:
        present = set(np.unique(y[y >= 0]).astype(int).tolist()) if y.size else set()
        unused = [lv for i, lv in enumerate(levels) if i not in present]
        shown = ", ".join(f'"{lv}"' for lv in unused[:5])
        text = Say("{levels} but the model outputs {classes}",
                   levels=_plural(len(levels), "level"), classes=_classes(units))
        if unused:
            text = Say("{levels} (unused: {shown}) but the model outputs {classes}",
                       levels=_plural(len(levels), "level"), shown=shown,
                       classes=_classes(units))
            hint = ("each level is a class, used or not: droplevels(y) drops the "
                    "levels no sample has")
        else:
            hint = (f"each level is a class: give the last layer {len(levels)} "
                    f"units, one per level")
        return _Problem((), "is a factor with", text, hint, label=True)
    if first and len(target.shape) == y.ndim and y.shape[-1] != 1:
        return _Problem((), "has", Say(
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
            return _Problem((), "has", Say(
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
               label=label, at=At(_at(y, at)), classes=_classes(units))
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
    return _Problem((), "has", text, hint, label=True)


def _position(y: np.ndarray, bad: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(bad)[0])


def _at(y: np.ndarray, at: tuple[int, ...]) -> tuple[int, ...]:
    """A position as users see it: an element of a column of labels."""
    return at[:1] if y.ndim == 2 and y.shape[1] == 1 else at


def _output_problem(target: ModelTarget, shape: tuple[int, ...]) -> _Problem | None:
    want = target.shape
    if _fits(shape, want):
        return None
    units = target.units
    loss = f"`{target.loss}`"
    if target.loss == "categorical_crossentropy" and units and units > 1 and \
            _fits((*shape, 1) if len(shape) < len(want) else shape,
                  (*want[:-1], 1)):
        return _Problem((), "has", Say(
            "one class label per sample, but {loss} needs one-hot targets with "
            "{units} columns (the model outputs {classes})", loss=loss, units=units,
            classes=_classes(units)), Either(
                f'compile with loss="{SPARSE}" for labels 0 to {units - 1}, or '
                f"one-hot them: keras.utils.to_categorical(y, {units}).",
                f'compile with loss = "{SPARSE}" for labels 0 to {units - 1}, or '
                f"one-hot them: keras3::to_categorical(y, {units})."), label=True)
    if len(shape) == 2 and len(want) == 2:
        text = Say("{n} but the model's output has {k} (shape {shape}) and {loss} "
                   "compares them element by element", n=_plural(shape[1], "column"),
                   k=want[1], shape=Shape(want), loss=loss)
    else:
        text = Say("shape {got} but the model's output has shape {shape} and {loss} "
                   "compares them element by element", got=Shape(shape),
                   shape=Shape(want), loss=loss)
    return _Problem((), "has", text, "give one target per output unit, or change "
                    "the last layer to the number of targets")


# -- raising --------------------------------------------------------------------
def _argument_error(problem: _Problem, where: Arg, shown: Any) -> KfitValueError:
    at = Arg(where.name, (*where.path, *problem.path))
    received = shown if problem.received is None else problem.received
    cls = KfitLabelError if problem.label else KfitShapeError
    return cls(at, Say("{lead} {text}.", lead=problem.lead, text=problem.text),
               received, _Hint(problem.hint, sentence=False))


_BATCH_LEADS = {"has": "with", "is": "that are", "names": "that names",
                "is a factor with": "that are a factor with"}


def _batch_error(problem: _Problem, part: str) -> BatchError:
    name: Any = part if not problem.path else Arg(part, problem.path)
    return BatchError(Say("returned {part} {lead} {text}", part=name,
                          lead=_BATCH_LEADS[problem.lead], text=problem.text),
                      _Hint(problem.hint, sentence=True))


class _Hint(Say):
    """A hint that ends with a full stop (`sentence`: capitalised, without
    one, as batch errors add theirs)."""

    def __init__(self, hint: Any, *, sentence: bool) -> None:
        super().__init__("{h}", h=hint)
        self.sentence = sentence

    def render(self, words: Any) -> str:
        text = super().render(words).rstrip(".")
        if self.sentence:
            return text[:1].upper() + text[1:]
        return text + "."


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
    from kfit.data.arrays import _element

    shown_x = shown[0] if shown and shown[0] is not None else x
    problem = input_problem(model, x, "x")
    if problem is not None:
        value = _element(shown_x, problem.path, x) if problem.path else shown_x
        raise _argument_error(problem, names[0], value)
    if y is None:
        return
    problem = target_problem(model, y, levels)
    if problem is not None:
        shown_y = shown[1] if len(shown) > 1 and shown[1] is not None else y
        raise _argument_error(problem, names[1], shown_y)


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
                                       lead=_BATCH_LEADS[problem.lead],
                                       text=problem.text),
                         None, _Hint(problem.hint, sentence=False),
                         show_received=False)


@dataclass(frozen=True)
class _Shaped:
    """A shape standing in for an array (tf.data's element_spec)."""

    shape: tuple[int, ...]


def batch_checks(model: Any) -> tuple[Callable[[Any], None], Callable[[Any], None]]:
    """(check of the first batch, check of every later batch) for `model`:
    the first in full, later ones their labels only (raise `BatchError`)."""
    def first(batch: Any) -> None:
        problem = input_problem(model, batch[0], "the inputs")
        if problem is not None:
            raise _batch_error(problem, "inputs")
        if len(batch) >= 2:
            problem = target_problem(model, batch[1])
            if problem is not None:
                raise _batch_error(problem, "targets")

    target = model_target(model)
    sparse = target is not None and target.loss == SPARSE

    def each(batch: Any) -> None:
        if sparse and len(batch) >= 2 and _leaf_shape(batch[1]):
            problem = _sparse_problem(target, np.asarray(batch[1]), None, first=False)
            if problem is not None:
                raise _batch_error(problem, "targets")

    return first, each


# -- class_weight ---------------------------------------------------------------
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
    continuous = loss in _REGRESSION
    y_array = _single(y)
    labels = y_array is not None and (y_array.ndim == 1 or y_array.shape[-1] == 1)
    if labels and y_array.dtype.kind == "f" and levels is None and \
            y_array.size and not np.equal(np.floor(y_array), y_array).all():
        continuous = True
    if continuous:
        raise KfitValueError(
            "class_weight", Say("weights classes, but the targets are continuous "
                                "({why}).", why=f'the loss is "{loss}"' if loss in
                                _REGRESSION else "`y` holds fractions"),
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
                                classes=_classes(classes)), given,
            _keys_hint(classes, levels))
    if not keyed and len(weights) != classes:
        raise KfitValueError(
            "class_weight", Say("has {n} but the model outputs {classes}: an unnamed "
                                "vector gives one weight per class, in class order.",
                                n=_plural(len(weights), "weight"),
                                classes=_classes(classes)), given,
            _keys_hint(classes, levels))
    beyond = sorted(k for k in weights if k >= classes)
    if beyond:
        source = f"`y` is a factor with {_plural(classes, 'level')}" if levels \
            is not None and (target is None or classes == len(levels)) else \
            f"the model outputs {_classes(classes)}"
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
    return np.asarray(y) if _leaf_shape(y) is not None else None


def _class_count(target: ModelTarget | None, levels: Sequence[str] | None
                 ) -> int | None:
    """How many classes there are: the factor's levels, else the output's
    units (2 for one sigmoid unit)."""
    if levels is not None:
        return len(levels)
    if target is None or target.units is None:
        return None
    if target.units == 1:
        return 2 if target.loss in _CLASSIFICATION else None
    return target.units


# -- entry points for fit() -----------------------------------------------------
def check_source(model: Any, source: Any) -> None:
    """Check an array source's x and y against the model (other kinds are
    checked at their first batch, see `check_feed`, or `check_dataset`)."""
    if getattr(source, "kind", None) != "arrays":
        return
    check_arrays(model, source.x, source.y, names=source.names,
                 shown=getattr(source, "_shown", ()), levels=source.levels)
    source.x = conform_inputs(model, source.x)


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
