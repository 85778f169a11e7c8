"""R callbacks: R functions called back by Keras, on the main thread.

An R callback is a set of hooks, each an `RFunction` (`callback_lambda()`
in the R package, or rpy2 closures from Python). Keras trains on the main
thread, so the hooks run right there, in the order the callbacks were
listed. Epoch and batch numbers given to R are 1-based; `logs` is a named
list of numbers; a named list returned by a hook is merged into the logs.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Mapping
from typing import Any

import keras

from kfit.errors import KfitTrainingError, RError
from kfit.r.function import RFunction

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
            raise ValueError(f"unknown callback hooks {unknown}; known: {list(HOOKS)}")
        self.label = label

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

    def _invoke(self, hook: str, where: str, number: int | None, logs: Any) -> None:
        function = self.hooks.get(hook)
        if function is None:
            return
        arguments = [_plain_logs(logs)] if number is None else [
            number, _plain_logs(logs)]
        try:
            value = function.call(*arguments)
        except RError as error:
            raise KfitTrainingError(
                f"{self.label} `{hook}` failed{where}: {error}") from error
        if isinstance(value, dict) and logs is not None:
            logs.update({k: n for k, v in value.items()
                         if (n := _number(v)) is not None})

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self._invoke("on_epoch_begin", f" at epoch {epoch + 1}", epoch + 1, logs)

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        self._invoke("on_epoch_end", f" at epoch {epoch + 1}", epoch + 1, logs)

    def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._invoke("on_train_batch_begin", f" at batch {batch + 1}", batch + 1, logs)

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        self._invoke("on_train_batch_end", f" at batch {batch + 1}", batch + 1, logs)

    def on_test_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._invoke("on_test_batch_begin", f" at validation batch {batch + 1}",
                     batch + 1, logs)

    def on_test_batch_end(self, batch: int, logs: Any = None) -> None:
        self._invoke("on_test_batch_end", f" at validation batch {batch + 1}",
                     batch + 1, logs)

    def on_predict_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._invoke("on_predict_batch_begin", f" at batch {batch + 1}", batch + 1,
                     logs)

    def on_predict_batch_end(self, batch: int, logs: Any = None) -> None:
        self._invoke("on_predict_batch_end", f" at batch {batch + 1}", batch + 1,
                     logs)

    def on_train_begin(self, logs: Any = None) -> None:
        self._invoke("on_train_begin", "", None, logs)

    def on_train_end(self, logs: Any = None) -> None:
        self._invoke("on_train_end", "", None, logs)

    def on_test_begin(self, logs: Any = None) -> None:
        self._invoke("on_test_begin", "", None, logs)

    def on_test_end(self, logs: Any = None) -> None:
        self._invoke("on_test_end", "", None, logs)

    def on_predict_begin(self, logs: Any = None) -> None:
        self._invoke("on_predict_begin", "", None, logs)

    def on_predict_end(self, logs: Any = None) -> None:
        self._invoke("on_predict_end", "", None, logs)
