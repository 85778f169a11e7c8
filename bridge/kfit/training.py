"""The one training loop behind `fit()` and `fit_generator()`.

Keras' `model.fit` runs on the calling thread (R's main thread when R hosts
Python), exactly where keras3 runs it: every R function that Keras or
TensorFlow calls (callbacks, layers, losses, metrics) runs where R expects
it. Data reaches Keras through tf.data from producers that hold no R
(threads reading R worker processes, Python generators), or from R in this
session between steps (`workers = 0`, see `kfit.callbacks.StreamGuard`).
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kfit import interrupt
from kfit.arguments import EpochRange
from kfit.callbacks import (
    HistoryRecorder,
    HookPosition,
    InterruptCheck,
    StreamGuard,
    hook_place,
    with_markers,
)
from kfit.data.base import Feed
from kfit.data.producer import SourceError, as_worker_error
from kfit.errors import (
    KfitArgumentError,
    KfitCallbackError,
    KfitError,
    KfitTrainingError,
    KfitWarning,
)
from kfit.history import TrainingHistory

_SWITCH_SECONDS = 0.0005


@dataclass
class Run:
    """Everything one call of `model.fit` needs, already resolved."""

    model: Any
    train: Feed
    validation: Feed | None
    epochs: EpochRange
    verbose: int
    validation_freq: int | list[int]
    callbacks: Sequence[Any]
    history: TrainingHistory
    read_ahead: int = 0  # batches Keras reads past its step (keras_adapter)


def own_callbacks(guard: StreamGuard, callbacks: Sequence[Any],
                  position: HookPosition, history: TrainingHistory) -> list[Any]:
    """What `model.fit` gets as `callbacks`: kfit's own around the user's
    (interrupt check and stream guard first, history last)."""
    return [InterruptCheck(), guard, *with_markers(callbacks, position),
            HistoryRecorder(history)]


def _fit_arguments(run: Run, guard: StreamGuard,
                   position: HookPosition) -> dict[str, Any]:
    train, val = run.train, run.validation
    arguments: dict[str, Any] = {
        "x": train.x, "y": train.y, "sample_weight": train.sample_weight,
        "batch_size": train.batch_size, "epochs": run.epochs.last,
        "initial_epoch": run.epochs.keras_initial_epoch,
        "steps_per_epoch": train.steps, "shuffle": train.shuffle,
        "class_weight": train.class_weight, "verbose": run.verbose,
        "callbacks": own_callbacks(guard, run.callbacks, position, run.history),
        "validation_freq": run.validation_freq,
    }
    if val is not None:
        arguments["validation_data"] = (val.x if val.y is None else
                                        (val.x, val.y) if val.sample_weight is None
                                        else (val.x, val.y, val.sample_weight))
        arguments["validation_steps"] = val.steps
        arguments["validation_batch_size"] = val.batch_size
    return arguments


def train(run: Run) -> TrainingHistory:
    """Run `model.fit` here, on the calling thread.

    Raises:
        KfitTrainingError: a generator, worker or callback failed (a callback:
            `KfitCallbackError`); `.history` holds the finished epochs.
        KeyboardInterrupt: with `.history` attached, after every producer
            and worker stopped.
    """
    feeds = [f for f in (run.train, run.validation) if f is not None]
    streams = [f.stream for f in feeds if f.stream is not None]
    producers = [p for f in feeds for p in f.producers]
    guard = StreamGuard(run.train.stream,
                        run.validation.stream if run.validation else None,
                        run.epochs.last, producers, train_steps=run.train.steps,
                        validation_steps=run.validation.steps if run.validation
                        else None, read_ahead=run.read_ahead)
    position = HookPosition()
    arguments = _fit_arguments(run, guard, position)
    switch = sys.getswitchinterval()
    if streams:
        # The reader and tf.data threads hand batches to the training thread
        # many times a second: a short GIL switch interval keeps each hand-off
        # from waiting up to 5 ms for the GIL.
        sys.setswitchinterval(_SWITCH_SECONDS)
    try:
        guard.prefill()
        for producer in producers:
            producer.start()
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Your input ran out of data")
            run.model.fit(**arguments)
        interrupt.raise_pending()  # came after the last hook
    except BaseException as error:
        replacement = _training_error(error, streams, run.history,
                                      _failed_callback(error, position, run))
        if replacement is error:
            raise
        raise replacement  # noqa: B904 -- its __cause__ is the user's error
    finally:
        sys.setswitchinterval(switch)
        stop_producers(producers)
        for feed in feeds:
            if feed.adapter is not None:
                feed.adapter.release()
    for note in guard.notes:
        warnings.warn(KfitWarning(note), stacklevel=4)
    return run.history


def stop_producers(producers: Sequence[Any]) -> None:
    for producer in producers:
        producer.stream.close()
    for producer in producers:
        producer.stop()


def _attach_history(error: BaseException, history: TrainingHistory) -> None:
    with contextlib.suppress(AttributeError):
        error.history = history  # type: ignore[attr-defined]


def _failed_callback(error: BaseException, position: HookPosition,
                     run: Run) -> KfitCallbackError | None:
    """A Python exception raised by one of the user's Keras callbacks, as a
    `KfitCallbackError` naming the callback, the hook and where (else None)."""
    if position.index is None or isinstance(error, (KfitError, SourceError)) or \
            not isinstance(error, Exception):
        return None
    name = type(run.callbacks[position.index]).__name__
    place = hook_place(position.hook, position.epoch, position.batch)
    step = position.batch if position.hook.startswith("on_train_batch") else None
    wrapped = KfitCallbackError(
        f"Callback `{name}.{position.hook}()` failed{place}: "
        f"{type(error).__name__}: {error}",
        callback=name, hook=position.hook, history=run.history,
        epoch=position.epoch, step=step)
    wrapped.__cause__ = error
    return wrapped


def _training_error(error: BaseException, streams: list[Any],
                    history: TrainingHistory,
                    callback_error: KfitCallbackError | None = None) -> BaseException:
    """The error to raise: the user's fault where it happened, with history."""
    if isinstance(error, KeyboardInterrupt):
        _attach_history(error, history)
        return error
    if callback_error is not None and not any(s.failure for s in streams):
        return callback_error
    failure = next((s.failure for s in streams if s.failure is not None), None)
    if failure is not None and not isinstance(error, SourceError):
        error = failure.error
    if isinstance(error, SourceError):
        wrapped: KfitTrainingError | None = as_worker_error(error)
        if wrapped is None:
            wrapped = KfitTrainingError(error.text, history=history,
                                        epoch=error.epoch, step=error.step,
                                        received=error.received, hint=error.hint)
            wrapped.__cause__ = error.original or error
        wrapped.history = history
        return wrapped
    if isinstance(error, KfitError) and not isinstance(error, KfitTrainingError):
        if isinstance(error, KfitArgumentError):  # its parts are in str()
            wrapped = KfitTrainingError(str(error), history=history)
        else:
            wrapped = KfitTrainingError(error.text, history=history,
                                        received=error.received, hint=error.hint)
        wrapped.__cause__ = error
        return wrapped
    if isinstance(error, KfitTrainingError) and error.history is None:
        error.history = history
    if isinstance(error, KfitCallbackError) and error.__cause__ is None and \
            isinstance(error.__context__, Exception):
        # Keras re-raises errors from fit() `from None`: the R error is back.
        error.__cause__ = error.__context__
    _attach_history(error, history)
    return error
