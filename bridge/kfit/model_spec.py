"""What a Keras model takes and gives, read from the model: its inputs
(names, shapes, whether it takes them by name), its single output and the
loss it was compiled with, by canonical name. Nothing here checks data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kfit.words import Index, Say

Dims = tuple[int | None, ...]


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
CLASSIFICATION = {"binary_crossentropy", "binary_focal_crossentropy",
                   "categorical_crossentropy", "categorical_focal_crossentropy",
                   "categorical_hinge", "hinge", "squared_hinge", SPARSE}
REGRESSION = {"mean_squared_error", "mean_absolute_error",
               "mean_absolute_percentage_error", "mean_squared_logarithmic_error",
               "huber", "log_cosh", "poisson", "cosine_similarity"}
# Losses that compare targets and outputs element by element: same shapes.
ELEMENTWISE = (CLASSIFICATION | REGRESSION | {"kl_divergence"}) - {SPARSE}


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
    return name if name in CLASSIFICATION | REGRESSION | {"kl_divergence"} else None


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
