"""R callbacks: R functions called back by Keras, on the main thread.

An R callback is a set of hooks, each an `RFunction` (`callback_lambda()`
in the R package, or rpy2 closures from Python). Keras trains on the main
thread, so the hooks run right there, in the order the callbacks were
listed. Epoch and batch numbers given to R are 1-based; `logs` is a named
list of numbers; a named list returned by a hook is merged into the logs.
A hook that signals an R error stops training with a `KfitCallbackError`
naming the hook and where ("at epoch 2, batch 5").
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Mapping
from typing import Any

import keras

from kfit.callbacks import hook_place
from kfit.errors import (
    Described,
    KfitCallbackError,
    KfitTypeError,
    KfitValueError,
    RError,
)
from kfit.r.function import RFunction
from kfit.words import PYTHON, Arg, Say

# keras3's callback_lambda() hooks; `on_batch_*` are the keras 2 names of
# the training batch hooks.
EPOCH_HOOKS = ("on_epoch_begin", "on_epoch_end")
BATCH_HOOKS = ("on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin",
               "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end")
LOGS_HOOKS = ("on_train_begin", "on_train_end", "on_test_begin", "on_test_end",
              "on_predict_begin", "on_predict_end")
HOOKS = EPOCH_HOOKS + BATCH_HOOKS + LOGS_HOOKS
ALIASES = {"on_batch_begin": "on_train_batch_begin",
           "on_batch_end": "on_train_batch_end"}


def signature(hook: str) -> str:
    """How kfit calls `hook`: "on_epoch_end(epoch, logs)"."""
    if hook in EPOCH_HOOKS:
        return f"{hook}(epoch, logs)"
    if hook in BATCH_HOOKS:
        return f"{hook}(batch, logs)"
    return f"{hook}(logs)"


def _arguments(count: int) -> str:
    return {0: "no arguments", 1: "1 argument"}.get(count, f"{count} arguments")


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _plain_logs(logs: Mapping[str, Any] | None) -> dict[str, float]:
    out = {}
    for key, value in (logs or {}).items():
        number = _number(value)
        if number is not None:
            out[str(key)] = number
    return out


class RCallback(keras.callbacks.Callback):
    """A Keras callback whose hooks are R functions.

    It works in any `model.fit` that runs on R's main thread (kfit's, or
    keras3's own `fit()`): a hook gets the 1-based epoch or batch number and
    the logs, and a named list it returns is merged into the logs.
    """

    def __init__(self, hooks: Mapping[str, RFunction],
                 label: str = "callback_lambda") -> None:
        super().__init__()
        self.hooks = {ALIASES.get(name, name): hook for name, hook in hooks.items()}
        unknown = sorted(set(self.hooks) - set(HOOKS))
        if unknown:
            raise KfitValueError(
                "callbacks", Say("has unknown hooks {unknown}.",
                                 unknown=", ".join(f"`{u}`" for u in unknown)),
                unknown, "known hooks: " + ", ".join(f"`{h}`" for h in HOOKS) + ".")
        self.label = label
        self._epoch: int | None = None

    def check(self, argument: Arg) -> None:
        """Each hook takes the arguments kfit passes (or `...`), else a
        `KfitTypeError` naming `argument` (the callback in `callbacks`).

        A hook function with fewer arguments than kfit passes would fail at
        its first call; one with more (R functions may have defaults) is
        checked in R, where the defaults are known (`callback_lambda()`).
        """
        for hook, function in self.hooks.items():
            wanted = 1 if hook in LOGS_HOOKS else 2
            if function.arity is None or function.arity >= wanted:
                continue
            raise KfitTypeError(
                argument,
                Say("has a hook {hook} that takes {n}, but kfit calls {call}.",
                    hook=f"`{hook}`", n=_arguments(function.arity),
                    call=f"`{signature(hook)}`"),
                Described(f"a function of {_arguments(function.arity)}"),
                Say("write it as `function{args}`, or add `...` to ignore "
                    "arguments.", args=signature(hook)[len(hook):]))

    def release(self) -> None:
        for hook in self.hooks.values():
            hook.release()
        self.hooks = {}

    def __del__(self) -> None:
        # A callback handed to keras3's fit() is dropped by Python, on the
        # main thread (R's): its R functions go with it.
        if threading.current_thread() is threading.main_thread():
            with contextlib.suppress(Exception):
                self.release()

    def _invoke(self, hook: str, number: int | None, logs: Any) -> None:
        function = self.hooks.get(hook)
        if function is None:
            return
        arguments = [_plain_logs(logs)] if number is None else [
            number, _plain_logs(logs)]
        try:
            value = function.call(*arguments)
        except RError as error:
            batch = None if hook in EPOCH_HOOKS else number
            epoch = number if hook in EPOCH_HOOKS else self._epoch
            raise KfitCallbackError(
                f"{self.label} `{hook}` failed{hook_place(hook, epoch, batch)}: "
                f"{error.render(PYTHON)}",
                callback=self.label, hook=hook, epoch=epoch,
                step=batch if hook.startswith("on_train_batch") else None,
            ) from error
        if isinstance(value, dict) and logs is not None:
            logs.update({k: n for k, v in value.items()
                         if (n := _number(v)) is not None})

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self._epoch = epoch + 1
        self._invoke("on_epoch_begin", epoch + 1, logs)

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        self._epoch = epoch + 1
        self._invoke("on_epoch_end", epoch + 1, logs)

    def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._invoke("on_train_batch_begin", batch + 1, logs)

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        self._invoke("on_train_batch_end", batch + 1, logs)

    def on_test_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._invoke("on_test_batch_begin", batch + 1, logs)

    def on_test_batch_end(self, batch: int, logs: Any = None) -> None:
        self._invoke("on_test_batch_end", batch + 1, logs)

    def on_predict_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._invoke("on_predict_batch_begin", batch + 1, logs)

    def on_predict_batch_end(self, batch: int, logs: Any = None) -> None:
        self._invoke("on_predict_batch_end", batch + 1, logs)

    def on_train_begin(self, logs: Any = None) -> None:
        self._epoch = None
        self._invoke("on_train_begin", None, logs)

    def on_train_end(self, logs: Any = None) -> None:
        self._invoke("on_train_end", None, logs)

    def on_test_begin(self, logs: Any = None) -> None:
        self._invoke("on_test_begin", None, logs)

    def on_test_end(self, logs: Any = None) -> None:
        self._invoke("on_test_end", None, logs)

    def on_predict_begin(self, logs: Any = None) -> None:
        self._invoke("on_predict_begin", None, logs)

    def on_predict_end(self, logs: Any = None) -> None:
        self._invoke("on_predict_end", None, logs)
