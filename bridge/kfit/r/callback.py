"""R callbacks: R functions called back, on the main thread, during training.

An R callback is a named list of R functions (`callback_lambda()` in the R
package). The Keras callback here holds only `RRef` tokens; the R functions
stay in `kfit.r.registry` on the main thread, so no rpy2 object ever
reaches the worker.
Epoch and batch numbers given to R are 1-based; `logs` is a named list; a
named list returned by the R function is merged into the logs.
"""

from __future__ import annotations

from typing import Any

import keras

from kfit.r import registry
from kfit.r.session import call_r_function, robjects

HOOKS = ("on_epoch_begin", "on_epoch_end", "on_batch_begin", "on_batch_end",
         "on_train_begin", "on_train_end")

def _logs_to_r(logs: dict[str, Any] | None) -> Any:
    ro = robjects()

    return ro.ListVector({k: ro.FloatVector([float(v)]) for k, v in (logs or {}).items()
                          if _is_number(v)})


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _call(ref: registry.RRef, number: int | None, logs: dict[str, Any] | None
          ) -> dict[str, float]:
    """On the main thread: call the R function, return logs it adds."""
    import rpy2.rinterface as ri

    from kfit.r.arguments import r_value

    ro = robjects()
    function = registry.resolve(ref)
    arguments = [_logs_to_r(logs)] if number is None else [
        ro.IntVector([number]), _logs_to_r(logs)]
    value = call_r_function(function, *arguments)
    if value is ri.NULL or value.typeof != ri.RTYPES.VECSXP:
        return {}
    out = r_value(value)
    if not isinstance(out, dict):
        return {}
    return {k: float(v) for k, v in out.items() if _is_number(v)}


class RCallback(keras.callbacks.Callback):
    """A Keras callback whose hooks are R functions."""

    def __init__(self, hooks: dict[str, registry.RRef],
                 label: str = "R callback") -> None:
        super().__init__()
        self.hooks = hooks
        self.label = label
        self.pump: Any = None

    def attach_pump(self, pump: Any) -> None:
        self.pump = pump

    def _invoke(self, hook: str, number: int | None, logs: Any) -> None:
        ref = self.hooks.get(hook)
        if ref is None:
            return
        added = self.pump.call(_call, ref, number, logs)
        if added and logs is not None:
            logs.update(added)

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self._invoke("on_epoch_begin", epoch + 1, logs)

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        self._invoke("on_epoch_end", epoch + 1, logs)

    def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._invoke("on_batch_begin", batch + 1, logs)

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        self._invoke("on_batch_end", batch + 1, logs)

    def on_train_begin(self, logs: Any = None) -> None:
        self._invoke("on_train_begin", None, logs)

    def on_train_end(self, logs: Any = None) -> None:
        self._invoke("on_train_end", None, logs)
