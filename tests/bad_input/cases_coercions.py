"""Bad-input table, group "coercions": scalar arguments of the wrong type or
value (nothing may be coerced silently), and unusual scalars that are valid."""

from __future__ import annotations

import warnings
from typing import Any

import kfit
from bad_input import Case, Data
from kfit.errors import KfitDeprecationWarning, KfitTypeError, KfitValueError


def _fit(**kwargs: Any) -> Any:
    def call(model: Any, d: Data) -> Any:
        given = {"verbose": 0, "view_metrics": False, **kwargs}
        return kfit.fit(model, d.x, d.y, **given)
    return call


def _bad(id: str, argument: str, value: Any, error: type, fragment: str,
         **extra: Any) -> Case:
    return Case(id=f"coercions-{id}", group="coercions",
                call=_fit(**{argument: value}, **extra), error=error,
                argument=argument, fragment=fragment)


def _epochs(expected: list[int]) -> Any:
    def check(history: Any, model: Any) -> None:
        assert history.epochs == expected, history.epochs
    return check


CASES: list[Case] = [
    _bad("epochs-zero", "epochs", 0, KfitValueError, "epochs=0"),
    _bad("epochs-negative", "epochs", -2, KfitValueError, "epochs=-2"),
    _bad("epochs-fraction", "epochs", 2.5, KfitTypeError, "epochs=2.5"),
    _bad("epochs-string", "epochs", "3", KfitTypeError, "epochs='3'"),
    _bad("epochs-bool", "epochs", True, KfitTypeError, "epochs=True"),
    _bad("epochs-none", "epochs", None, KfitTypeError, "epochs=None"),
    _bad("epochs-list", "epochs", [1, 2], KfitTypeError, "epochs=[1, 2]"),
    _bad("initial-epoch-after-epochs", "initial_epoch", 5, KfitValueError,
         "initial_epoch=5", epochs=3),
    _bad("initial-epoch-negative", "initial_epoch", -1, KfitValueError,
         "initial_epoch=-1"),
    _bad("batch-size-zero", "batch_size", 0, KfitValueError, "batch_size=0"),
    _bad("batch-size-fraction", "batch_size", 2.5, KfitTypeError, "batch_size=2.5"),
    _bad("batch-size-string", "batch_size", "32", KfitTypeError, "batch_size='32'"),
    _bad("batch-size-bool", "batch_size", True, KfitTypeError, "batch_size=True"),
    _bad("validation-split-one", "validation_split", 1.0, KfitValueError,
         "validation_split=1"),
    _bad("validation-split-negative", "validation_split", -0.1, KfitValueError,
         "validation_split=-0.1"),
    _bad("validation-split-string", "validation_split", "0.2", KfitTypeError,
         "validation_split='0.2'"),
    _bad("validation-split-bool", "validation_split", True, KfitTypeError,
         "validation_split=True"),
    _bad("shuffle-two", "shuffle", 2, KfitTypeError, "shuffle=2"),
    _bad("shuffle-string", "shuffle", "TRUE", KfitTypeError, "shuffle='TRUE'"),
    _bad("shuffle-none", "shuffle", None, KfitTypeError, "shuffle=None"),
    _bad("verbose-three", "verbose", 3, KfitValueError, "verbose=3"),
    _bad("verbose-word", "verbose", "loud", KfitValueError, "verbose='loud'"),
    _bad("view-metrics-word", "view_metrics", "yes", KfitValueError,
         "view_metrics='yes'"),
    _bad("validation-freq-zero", "validation_freq", 0, KfitValueError,
         "validation_freq=0"),
    _bad("validation-freq-list-zero", "validation_freq", [0, 2], KfitValueError,
         "validation_freq=[0, 2]"),
    _bad("validation-freq-string", "validation_freq", "2", KfitValueError,
         "validation_freq='2'"),
    _bad("steps-zero", "steps_per_epoch", 0, KfitValueError, "steps_per_epoch=0"),
    _bad("steps-fraction", "steps_per_epoch", 1.5, KfitTypeError,
         "steps_per_epoch=1.5"),
    _bad("validation-steps-zero", "validation_steps", 0, KfitValueError,
         "validation_steps=0"),
    _bad("max-queue-zero", "max_queue_size", 0, KfitValueError, "max_queue_size=0"),
    _bad("max-queue-word", "max_queue_size", "big", KfitValueError, 'or "auto"'),
    _bad("workers-negative", "workers", -1, KfitValueError, "workers=-1"),
    _bad("worker-packages-number", "worker_packages", 3, KfitTypeError,
         "worker_packages=3"),
    Case("coercions-unknown-argument", "coercions", call=_fit(epoch=3),
         error=KfitTypeError, argument="epoch", fragment="Did you mean `epochs`?"),
    Case("coercions-model-not-compiled", "coercions",
         call=lambda model, d: kfit.fit(_uncompiled(), d.x, d.y, verbose=0),
         error=KfitValueError, argument="model", fragment="compile"),
    Case("coercions-model-not-a-model", "coercions",
         call=lambda model, d: kfit.fit("model", d.x, d.y, verbose=0),
         error=KfitTypeError, argument="model", fragment="model='model'"),
    Case("coercions-fit-generator-without-steps", "coercions",
         call=lambda model, d: _fit_generator(model, iter([(d.x, d.y)])),
         error=KfitValueError, argument="steps_per_epoch", fragment="required"),
    # unusual but valid
    Case("coercions-initial-epoch-zero-is-one", "coercions",
         call=_fit(epochs=2, initial_epoch=0), check=_epochs([1, 2])),
    Case("coercions-whole-float-epochs", "coercions",
         call=_fit(epochs=3.0, initial_epoch=2.0), check=_epochs([2, 3])),
    Case("coercions-validation-freq-list", "coercions",
         call=_fit(epochs=3, validation_split=0.25, validation_freq=[1, 3]),
         check=lambda h, m: (h.epochs == [1, 2, 3]
                             and _assert([v is not None for v in h.metrics["val_loss"]]
                                         == [True, False, True]))),
    Case("coercions-batch-size-all-rows", "coercions", call=_fit(batch_size=64),
         check=lambda h, m: _assert(h.params["steps"] == 1)),
    Case("coercions-verbose-auto", "coercions", call=_fit(verbose="auto"),
         check=lambda h, m: _assert(h.params["verbose"] in (1, 2))),
]


def _fit_generator(*args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KfitDeprecationWarning)
        return kfit.fit_generator(*args, **kwargs)


def _assert(condition: bool) -> None:
    assert condition


def _uncompiled() -> Any:
    import keras

    return keras.Sequential([keras.Input((10,)), keras.layers.Dense(3)])
