"""Bad-input table, groups "callbacks" and "numpy-scalars".

"callbacks": what `callbacks` may hold (a Keras callback or a list/tuple of
them; R callbacks whose hooks take the arguments kfit passes), and callbacks
that fail: a Keras callback raising in a hook becomes a `KfitCallbackError`
naming the callback class, the hook and where (1-based epoch and batch),
with the finished epochs in `.history` and the original as `__cause__`; an R
hook signalling an error the same, as "callback_lambda `hook` failed at ...".
Failures after training started change the weights, so those cases catch
the error themselves and check it (error=None, with a check).

"numpy-scalars": NumPy scalars (and 0-d arrays) are valid for every scalar
argument, as the numbers or booleans they hold; NumPy booleans are not
numbers, nor NumPy numbers booleans.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np

import kfit
from bad_input import Case, Data
from kfit.errors import (
    KfitCallbackError,
    KfitDataError,
    KfitTrainingError,
    KfitTypeError,
    KfitValueError,
    RError,
)

# -- helpers ---------------------------------------------------------------------


def _fit(**kwargs: Any) -> Callable[[Any, Data], Any]:
    def call(model: Any, d: Data) -> Any:
        given = {"verbose": 0, "view_metrics": False, **kwargs}
        return kfit.fit(model, d.x, d.y, **given)
    return call


def _caught(**kwargs: Any) -> Callable[[Any, Data], Any]:
    """The error a run raises (for failures after training started)."""
    def call(model: Any, d: Data) -> Any:
        try:
            _fit(**kwargs)(model, d)
        except Exception as error:  # the check inspects it
            return error
        raise AssertionError("the run did not fail")
    return call


class Recorder(keras.callbacks.Callback):
    """Notes the real (1-based) epochs and the train batches it saw."""

    def __init__(self) -> None:
        super().__init__()
        self.epochs: list[int] = []
        self.batches = 0

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        self.epochs.append(epoch + 1)

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        self.batches += 1


class Raising(keras.callbacks.Callback):
    """Raises `error` in `hook` when Keras' 0-based index equals `at`."""

    def __init__(self, hook: str, at: int | None = None,
                 error: BaseException | None = None) -> None:
        super().__init__()
        self.error = error or ValueError(f"failed in {hook}")
        self.at = at
        setattr(self, hook, self._raise)

    def _raise(self, *args: Any, **kwargs: Any) -> None:
        if self.at is None or (args and args[0] == self.at):
            raise self.error


class OldBatchEnd(keras.callbacks.Callback):
    """A keras 2 style callback: `on_batch_end`, raising at the 2nd batch."""

    def on_batch_end(self, batch: int, logs: Any = None) -> None:
        if batch == 1:
            raise RuntimeError("old style batch end")


def _with_recorder(make: Callable[[Recorder], Any], epochs: int = 2,
                   **kwargs: Any) -> tuple[Callable[[Any, Data], Any], Any]:
    """A call passing `make(recorder)` as `callbacks`, and its check."""
    recorder = Recorder()

    def call(model: Any, d: Data) -> Any:
        recorder.__init__()  # type: ignore[misc]
        return _fit(callbacks=make(recorder), epochs=epochs, **kwargs)(model, d)

    def check(history: Any, model: Any) -> None:
        assert history.epochs == list(range(1, epochs + 1)), history.epochs
        assert recorder.epochs == history.epochs, recorder.epochs
        assert recorder.batches == 2 * epochs, recorder.batches  # 64 rows / 32
    return call, check


def _failed(cls: type, hook: str, epoch: int | None, step: int | None,
            epochs: list[int], cause: type, text: str) -> Any:
    """Check of a caught callback failure."""
    def check(error: Any, model: Any) -> None:
        assert type(error) is cls, repr(error)
        assert (error.epoch, error.step) == (epoch, step), (error.epoch, error.step)
        assert error.history is not None and error.history.epochs == epochs, (
            error.history)
        assert isinstance(error.__cause__, cause), repr(error.__cause__)
        assert text in str(error), str(error)
        if cls is KfitCallbackError:
            assert error.hook == hook, error.hook
    return check


def _r(code: str) -> Any:
    """An R function (over rpy2) as kfit's core sees it."""
    import rpy2.robjects as ro

    from kfit.r.rpy2_host import r_function

    return r_function(ro.r(code), label="R callback")


def _r_callback(**hooks: str) -> Any:
    from kfit.r.callback import RCallback

    return RCallback({name: _r(code) for name, code in hooks.items()})


def _r_fit(hooks: dict[str, str], **kwargs: Any) -> Callable[[Any, Data], Any]:
    def call(model: Any, d: Data) -> Any:
        return _fit(callbacks=[_r_callback(**hooks)], **kwargs)(model, d)
    return call


def _r_caught(hooks: dict[str, str], **kwargs: Any) -> Callable[[Any, Data], Any]:
    def call(model: Any, d: Data) -> Any:
        try:
            _r_fit(hooks, **kwargs)(model, d)
        except KfitTrainingError as error:
            return error
        raise AssertionError("the run did not fail")
    return call


def _r_global(name: str) -> Any:
    import rpy2.robjects as ro

    return list(ro.globalenv[name])


def _r_seen(name: str, expected: list[float], epochs: list[int]) -> Any:
    """Check: the R global `name` (set by the hooks with <<-) and the epochs."""
    def check(history: Any, model: Any) -> None:
        assert history.epochs == epochs, history.epochs
        assert _r_global(name) == expected, _r_global(name)
    return check


def _cb(id: str, call: Callable[[Any, Data], Any], **extra: Any) -> Case:
    return Case(id=f"callbacks-{id}", group="callbacks", call=call, **extra)


def _np(id: str, call: Callable[[Any, Data], Any], **extra: Any) -> Case:
    return Case(id=f"callbacks-np-{id}", group="numpy-scalars", call=call, **extra)


def _bad_np(id: str, argument: str, value: Any, error: type, fragment: str,
            **extra: Any) -> Case:
    return _np(id, _fit(**{argument: value}, **extra), error=error,
               argument=argument, fragment=fragment)


def _history(epochs: list[int] | None = None, **params: Any) -> Any:
    """Check: the history's epochs, and params as Python values (e.g.
    batch_size=16: an int, not a NumPy scalar)."""
    def check(history: Any, model: Any) -> None:
        if epochs is not None:
            assert history.epochs == epochs, history.epochs
        for key, value in params.items():
            assert history.params[key] == value, (key, history.params[key])
            assert type(history.params[key]) is type(value), (key, history.params)
    return check


def _logs_added(history: Any, model: Any) -> None:
    assert history.epochs == [1, 2], history.epochs
    assert history.metrics["twice"] == [2.0, 4.0], history.metrics


def _val_loss_at(epochs: list[int], present: list[bool]) -> Any:
    def check(history: Any, model: Any) -> None:
        assert history.epochs == epochs, history.epochs
        shown = [v is not None for v in history.metrics["val_loss"]]
        assert shown == present, history.metrics["val_loss"]
    return check


_single_call, _single_check = _with_recorder(lambda r: r)
_tuple_call, _tuple_check = _with_recorder(lambda r: (r,))
_mixed_call, _mixed_check = _with_recorder(
    lambda r: [keras.callbacks.TerminateOnNaN(), r,
               keras.callbacks.EarlyStopping(monitor="loss", patience=5)])


def _empty_list(history: Any, model: Any) -> None:
    assert history.epochs == [1], history.epochs


# -- the table ---------------------------------------------------------------------

CASES: list[Case] = [
    # What `callbacks` may be: valid but unusual.
    _cb("single-not-in-list", _single_call, check=_single_check),
    _cb("tuple", _tuple_call, check=_tuple_check),
    _cb("mixed-with-keras-callbacks", _mixed_call, check=_mixed_check),
    _cb("empty-list", _fit(callbacks=[]), check=_empty_list),
    # What `callbacks` must not be.
    _cb("number-in-list", _fit(callbacks=[3]), error=KfitTypeError,
        argument="callbacks", fragment="callbacks[0]=3"),
    _cb("none-in-list", _fit(callbacks=[None]), error=KfitTypeError,
        argument="callbacks", fragment="callbacks[0]=None"),
    _cb("second-element-string", _fit(callbacks=[Recorder(), "early_stopping"]),
        error=KfitTypeError, argument="callbacks",
        fragment="callbacks[1]='early_stopping'"),
    _cb("string", _fit(callbacks="early_stopping"), error=KfitTypeError,
        argument="callbacks", fragment="callbacks='early_stopping'"),
    _cb("bare-function", _fit(callbacks=print), error=KfitTypeError,
        argument="callbacks", fragment="callbacks=<built-in function print>"),
    _cb("class-not-instance", _fit(callbacks=[keras.callbacks.EarlyStopping]),
        error=KfitTypeError, argument="callbacks",
        fragment="Received: the class EarlyStopping"),
    _cb("dict", _fit(callbacks={"stop": keras.callbacks.TerminateOnNaN()}),
        error=KfitTypeError, argument="callbacks", fragment="callbacks={'stop': "),
    _cb("nested-list", _fit(callbacks=[[keras.callbacks.TerminateOnNaN()]]),
        error=KfitTypeError, argument="callbacks", fragment="callbacks[0]=[<"),
    _cb("number", _fit(callbacks=1), error=KfitTypeError, argument="callbacks",
        fragment="callbacks=1"),
    # A Keras callback failing before any weight changed.
    _cb("raises-in-train-begin", _fit(callbacks=[Raising("on_train_begin")]),
        error=KfitCallbackError,
        fragment="Callback `Raising.on_train_begin()` failed at the start of "
                 "training: ValueError: failed in on_train_begin",
        attributes={"epoch": None, "step": None, "hook": "on_train_begin",
                    "callback": "Raising"}),
    _cb("raises-in-epoch-begin-after-initial-epoch",
        _fit(callbacks=[Raising("on_epoch_begin")], initial_epoch=3, epochs=4),
        error=KfitCallbackError,
        fragment="Callback `Raising.on_epoch_begin()` failed at epoch 3: ",
        attributes={"epoch": 3, "step": None}),
    _cb("raises-in-first-batch-begin",
        _fit(callbacks=[Raising("on_train_batch_begin", 0, KeyError("k"))]),
        error=KfitCallbackError,
        fragment="`Raising.on_train_batch_begin()` failed at epoch 1, batch 1: "
                 "KeyError: 'k'",
        attributes={"epoch": 1, "step": 1, "hook": "on_train_batch_begin"}),
    _cb("second-callback-is-named",
        _fit(callbacks=[Recorder(), keras.callbacks.LambdaCallback(
            on_train_begin=lambda logs: 1 / 0)]),
        error=KfitCallbackError,
        fragment="Callback `LambdaCallback.on_train_begin()` failed at the start "
                 "of training: ZeroDivisionError: division by zero",
        attributes={"callback": "LambdaCallback"}),
    # Failing mid-run: the error is caught and checked (weights did change).
    _cb("raises-in-epoch-end",
        _caught(callbacks=[Raising("on_epoch_end", 1)], epochs=3),
        check=_failed(KfitCallbackError, "on_epoch_end", 2, None, [1], ValueError,
                      "Callback `Raising.on_epoch_end()` failed at epoch 2: "
                      "ValueError: failed in on_epoch_end")),
    _cb("raises-in-batch-end",
        _caught(callbacks=[Recorder(), Raising("on_train_batch_end", 1)], epochs=2),
        check=_failed(KfitCallbackError, "on_train_batch_end", 1, 2, [], ValueError,
                      "`Raising.on_train_batch_end()` failed at epoch 1, batch 2")),
    _cb("keras2-on-batch-end",
        _caught(callbacks=[OldBatchEnd()], epochs=2),
        check=_failed(KfitCallbackError, "on_train_batch_end", 1, 2, [],
                      RuntimeError, "`OldBatchEnd.on_train_batch_end()` failed at "
                      "epoch 1, batch 2: RuntimeError: old style batch end")),
    _cb("raises-in-validation-batch",
        _caught(callbacks=[Raising("on_test_batch_begin", 0)], validation_split=0.25),
        check=_failed(KfitCallbackError, "on_test_batch_begin", 1, None, [],
                      ValueError, "failed at epoch 1, validation batch 1")),
    _cb("kfit-error-in-callback-stays-kfit",
        _caught(callbacks=[Raising("on_epoch_end", 0, KfitDataError("bad batch"))],
                epochs=2),
        check=_failed(KfitTrainingError, "", None, None, [], KfitDataError,
                      "bad batch")),
    # R callbacks (over rpy2): hooks called with what kfit passes.
    _cb("r-hook-without-arguments",
        _r_fit({"on_epoch_end": "function() NULL"}), error=KfitTypeError,
        argument="callbacks",
        fragment="Argument `callbacks[0]` has a hook `on_epoch_end` that takes no "
                 "arguments, but kfit calls `on_epoch_end(epoch, logs)`.\n"
                 "Received: a function of no arguments"),
    _cb("r-logs-hook-without-arguments",
        _r_fit({"on_train_begin": "function() NULL"}), error=KfitTypeError,
        argument="callbacks", fragment="kfit calls `on_train_begin(logs)`"),
    _cb("r-batch-hook-with-one-argument",
        _r_fit({"on_train_batch_end": "function(batch) NULL"}), error=KfitTypeError,
        argument="callbacks", fragment="Received: a function of 1 argument"),
    _cb("r-unknown-hook", _r_fit({"on_epoch_ends": "function(epoch, logs) NULL"}),
        error=KfitValueError, argument="callbacks", fragment="`on_epoch_ends`"),
    _cb("r-error-in-train-begin",
        _r_fit({"on_train_begin": "function(logs) stop('no start')"}),
        error=KfitCallbackError,
        fragment="callback_lambda `on_train_begin` failed at the start of "
                 "training: no start",
        attributes={"epoch": None, "step": None, "hook": "on_train_begin"}),
    _cb("r-error-in-first-batch",
        _r_fit({"on_train_batch_begin": "function(batch, logs) stop('batch ', batch)"}),
        error=KfitCallbackError,
        fragment="callback_lambda `on_train_batch_begin` failed at epoch 1, "
                 "batch 1: batch 1",
        attributes={"epoch": 1, "step": 1}),
    _cb("r-error-in-epoch-end",
        _r_caught({"on_epoch_end": "function(epoch, logs) if (epoch == 2) stop('e2')"},
                  epochs=3),
        check=_failed(KfitCallbackError, "on_epoch_end", 2, None, [1], RError,
                      "callback_lambda `on_epoch_end` failed at epoch 2: e2")),
    _cb("r-hook-with-dots",
        _r_fit({"on_epoch_end": "function(...) { seen_dots <<- c(seen_dots, ..1) }",
                "on_train_begin": "function(...) { seen_dots <<- numeric() }"},
               epochs=2),
        check=_r_seen("seen_dots", [1.0, 2.0], [1, 2])),
    _cb("r-keras2-alias-on-batch-end",
        _r_fit({"on_train_begin": "function(logs) { seen_batches <<- numeric() }",
                "on_batch_end": "function(batch, logs) "
                                "{ seen_batches <<- c(seen_batches, batch) }"},
               epochs=2),
        check=_r_seen("seen_batches", [1.0, 2.0, 1.0, 2.0], [1, 2])),
    _cb("r-hook-returns-logs",
        _r_fit({"on_epoch_end": "function(epoch, logs) list(twice = 2 * epoch)"},
               epochs=2),
        check=_logs_added),
]

CASES += [
    # NumPy scalars are the numbers and booleans they hold.
    _np("shuffle-bool", _fit(shuffle=np.bool_(False), epochs=1),
        check=_history(epochs=[1])),
    _np("epochs-int64", _fit(epochs=np.int64(3)), check=_history(epochs=[1, 2, 3])),
    _np("epochs-float64-whole", _fit(epochs=np.float64(2.0)),
        check=_history(epochs=[1, 2])),
    _np("epochs-0d-array", _fit(epochs=np.array(2)), check=_history(epochs=[1, 2])),
    _np("batch-size-int32", _fit(batch_size=np.int32(16)),
        check=_history(batch_size=16, steps=4)),
    _np("validation-split-float32", _fit(validation_split=np.float32(0.25)),
        check=_history(samples=48, validation_samples=16)),
    _np("verbose-int64", _fit(verbose=np.int64(0)), check=_history(verbose=0)),
    _np("initial-epoch-int64", _fit(initial_epoch=np.int64(2), epochs=np.int64(3)),
        check=_history(epochs=[2, 3], initial_epoch=2)),
    _np("steps-per-epoch-uint8", _fit(steps_per_epoch=np.uint8(2)),
        check=_history(steps=2)),
    _np("view-metrics-bool", _fit(view_metrics=np.bool_(False)),
        check=_history(view_metrics=False)),
    _np("validation-freq-array",
        _fit(validation_freq=np.array([1, 3]), epochs=3, validation_split=0.25),
        check=_val_loss_at([1, 2, 3], [True, False, True])),
    _np("validation-freq-int64",
        _fit(validation_freq=np.int64(2), epochs=2, validation_split=0.25),
        check=_val_loss_at([1, 2], [False, True])),
    _np("validation-batch-size-int64",
        _fit(validation_batch_size=np.int64(8), validation_split=0.25),
        check=_history(validation_samples=16)),
    _np("max-queue-size-int16", _fit(max_queue_size=np.int16(3)),
        check=_history(epochs=[1])),
    _np("class-weight-numpy-keys-and-values",
        _fit(class_weight={np.int64(0): np.float32(1.0), np.int64(1): np.float64(2.0),
                           np.int64(2): np.int32(1)}),
        check=_history(epochs=[1])),
    # ... and nothing else: booleans are not numbers, numbers not booleans.
    _bad_np("epochs-bool", "epochs", np.bool_(True), KfitTypeError, "epochs=True"),
    _bad_np("initial-epoch-bool", "initial_epoch", np.bool_(False), KfitTypeError,
            "initial_epoch=False"),
    _bad_np("epochs-fraction", "epochs", np.float32(2.5), KfitTypeError,
            "epochs=2.5"),
    _bad_np("epochs-nan", "epochs", np.float64("nan"), KfitTypeError, "epochs=nan"),
    _bad_np("epochs-inf", "epochs", np.float64("inf"), KfitTypeError, "epochs=inf"),
    _bad_np("epochs-string", "epochs", np.str_("3"), KfitTypeError, "epochs='3'"),
    _bad_np("epochs-vector", "epochs", np.array([1, 2]), KfitTypeError,
            "epochs=<ndarray shape=(2,)"),
    _bad_np("batch-size-zero", "batch_size", np.int64(0), KfitValueError,
            "batch_size=0"),
    _bad_np("shuffle-int", "shuffle", np.int64(1), KfitTypeError, "shuffle=1"),
    _bad_np("verbose-bool", "verbose", np.bool_(True), KfitValueError,
            "verbose=True"),
    _bad_np("verbose-three", "verbose", np.int8(3), KfitValueError, "verbose=3"),
    _bad_np("validation-split-bool", "validation_split", np.bool_(True),
            KfitTypeError, "validation_split=True"),
    _bad_np("validation-split-one", "validation_split", np.float64(1.0),
            KfitValueError, "validation_split=1"),
    _bad_np("steps-per-epoch-negative", "steps_per_epoch", np.int32(-1),
            KfitValueError, "steps_per_epoch=-1"),
]
