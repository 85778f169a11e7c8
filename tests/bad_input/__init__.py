"""Table-driven bad-input cases: what each case passes, what must happen.

A case is a `Case`: a call of kfit on a fresh model from `MODELS`, and
either the error it must raise (its class, the argument it names, a
fragment of its message that shows what was received) or, for inputs that
are unusual but valid, a check of the result. Every failing case must leave
the model's weights unchanged: nothing trains before the checks.

The tables live in `cases_*.py` (one group of mistakes each, listed in
`CASE_MODULES`); `tests/test_bad_input.py` runs them all. Cases that could
hang or crash run in a child process with a timeout (`child=True`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

CASE_MODULES = ("coercions", "values", "model", "streams", "callbacks")


@dataclass
class Case:
    """One bad or unusual input.

    Args:
        id: a short unique name (the pytest id).
        group: the issue's group, e.g. "non-finite", "class_weight".
        call: `call(model, data)` runs kfit (`data` is `Data`); it should
            raise `error` or return what `check` checks.
        error: the expected exception class (None: the call must succeed).
        argument: the argument the error names (`error.argument`), if any.
        fragment: text the message must contain (what was received).
        check: `check(result, model)` for a valid case (asserts).
        model: a key of `MODELS`.
        child: run in a child Python process with `timeout` seconds.
        attributes: expected attribute values of the error (epoch, step...).
    """

    id: str
    group: str
    call: Callable[[Any, Data], Any]
    error: type[BaseException] | None = None
    argument: str | None = None
    fragment: str | None = None
    check: Callable[[Any, Any], None] | None = None
    model: str = "classifier"
    child: bool = False
    timeout: float = 120.0
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Data:
    """Clean data for the models of `MODELS`: 64 rows of 10 features."""

    x: np.ndarray
    y: np.ndarray  # 0-based classes 0..2
    y_reg: np.ndarray  # continuous targets
    xa: np.ndarray  # input "a" (64 x 3) of the two-input model
    xb: np.ndarray  # input "b" (64 x 5)


def make_data() -> Data:
    rng = np.random.default_rng(7)
    return Data(x=rng.normal(size=(64, 10)).astype("float32"),
                y=rng.integers(0, 3, size=64).astype("int32"),
                y_reg=rng.normal(size=64).astype("float32"),
                xa=rng.normal(size=(64, 3)).astype("float32"),
                xb=rng.normal(size=(64, 5)).astype("float32"))


def _classifier(keras: Any) -> Any:
    """10 inputs -> 3 classes (softmax), sparse categorical crossentropy."""
    model = keras.Sequential([keras.Input((10,), name="features"),
                              keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return model


def _regression(keras: Any) -> Any:
    """10 inputs -> 1 output, mse."""
    model = keras.Sequential([keras.Input((10,), name="features"),
                              keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def _two_inputs(keras: Any) -> Any:
    """Inputs "a" (3 features) and "b" (5 features) -> 1 output, mse."""
    a = keras.Input((3,), name="a")
    b = keras.Input((5,), name="b")
    out = keras.layers.Dense(1)(keras.layers.Concatenate()([a, b]))
    model = keras.Model({"a": a, "b": b}, out)
    model.compile(optimizer="sgd", loss="mse")
    return model


MODELS: dict[str, Callable[[Any], Any]] = {
    "classifier": _classifier, "regression": _regression, "two_inputs": _two_inputs}


def make_model(name: str) -> Any:
    import keras

    keras.utils.set_random_seed(3)
    return MODELS[name](keras)


def all_cases() -> list[Case]:
    """Every case of every table module."""
    cases: list[Case] = []
    for name in CASE_MODULES:
        try:
            module = importlib.import_module(f"bad_input.cases_{name}")
        except ModuleNotFoundError as error:
            if error.name != f"bad_input.cases_{name}":
                raise
            continue
        cases.extend(module.CASES)
    ids = [c.id for c in cases]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate case ids: {sorted(duplicates)}"
    return cases
