"""The one training loop behind `fit()` and `fit_generator()`.

Keras' `model.fit` trains on a worker thread; the calling thread pumps R
work (see `kfit.pump`). Keras keeps some settings per thread, so the
caller's Keras state is copied to the worker first.
"""

from __future__ import annotations

import contextlib
import copy
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kfit import environment
from kfit.arguments import EpochRange
from kfit.callbacks import HistoryRecorder, StreamGuard, TrainingCancelled
from kfit.console import routed_output
from kfit.data.base import Feed
from kfit.data.producer import SourceError
from kfit.errors import KfitError, KfitTrainingError, KfitWarning
from kfit.history import TrainingHistory
from kfit.pump import Pump


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
    pump: Pump


def _keras_thread_state() -> Callable[[], None]:
    """Snapshot this thread's Keras globals; the result applies them elsewhere."""
    from keras.src.backend.common import global_state

    trackers = (global_state.GLOBAL_STATE_TRACKER,
                global_state.GLOBAL_SETTINGS_TRACKER)
    snapshot = [{k: copy.copy(v) for k, v in vars(t).items()} for t in trackers]

    def apply() -> None:
        for tracker, values in zip(trackers, snapshot, strict=True):
            for name, value in values.items():
                setattr(tracker, name, value)

    return apply


def _fit_arguments(run: Run, guard: StreamGuard) -> dict[str, Any]:
    train, val = run.train, run.validation
    arguments: dict[str, Any] = {
        "x": train.x, "y": train.y, "sample_weight": train.sample_weight,
        "batch_size": train.batch_size, "epochs": run.epochs.last,
        "initial_epoch": run.epochs.keras_initial_epoch,
        "steps_per_epoch": train.steps, "shuffle": train.shuffle,
        "class_weight": train.class_weight, "verbose": run.verbose,
        "callbacks": [guard, *run.callbacks, HistoryRecorder(run.history)],
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
    """Run `model.fit` on a worker thread while this thread pumps.

    Raises:
        KfitTrainingError: a generator or callback failed; `.history` holds
            the finished epochs.
        KeyboardInterrupt: with `.history` attached, after the worker stopped.
    """
    streams = [f.stream for f in (run.train, run.validation) if f and f.stream]
    producers = [p for f in (run.train, run.validation) if f for p in f.producers]
    guard = StreamGuard(run.train.stream,
                        run.validation.stream if run.validation else None,
                        run.epochs.last)
    arguments = _fit_arguments(run, guard)
    apply_state = _keras_thread_state()
    outcome: dict[str, BaseException] = {}

    def work() -> None:
        apply_state()
        try:
            run.model.fit(**arguments)
        except BaseException as error:  # handed to the main thread below
            outcome["error"] = error
        finally:
            run.pump.wake()

    def cancel() -> None:
        guard.cancelled = True
        for stream in streams:
            stream.close()

    for callback in run.callbacks:
        if hasattr(callback, "attach_pump"):
            callback.attach_pump(run.pump)
    for producer in producers:
        if producer.on_main_thread:
            run.pump.add_producer(producer)
        producer.start()
    worker = threading.Thread(target=work, name="kfit-train", daemon=True)
    try:
        with routed_output(run.pump, to_r=environment.r_hosts_python()), \
                warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Your input ran out of data")
            worker.start()
            run.pump.run(worker, cancel)
    except BaseException as error:
        _attach_history(error, run.history)
        raise
    finally:
        for producer in producers:
            producer.stop()
        if worker.ident is not None:
            worker.join()
    for note in guard.notes:
        warnings.warn(KfitWarning(note), stacklevel=4)
    if "error" in outcome:
        raise _training_error(outcome["error"], streams, run.history)
    return run.history


def _attach_history(error: BaseException, history: TrainingHistory) -> None:
    with contextlib.suppress(AttributeError):
        error.history = history  # type: ignore[attr-defined]


def _training_error(error: BaseException, streams: list[Any],
                    history: TrainingHistory) -> BaseException:
    failure = next((s.failure for s in streams if s.failure is not None), None)
    if failure is not None and not isinstance(error, SourceError):
        error = failure.error
    if isinstance(error, TrainingCancelled):
        error = KeyboardInterrupt()
    if isinstance(error, SourceError):
        wrapped = KfitTrainingError(str(error), history=history, epoch=error.epoch,
                                    step=error.step)
        wrapped.__cause__ = error.original or error
        return wrapped
    if isinstance(error, KfitError) and not isinstance(error, KfitTrainingError):
        wrapped = KfitTrainingError(str(error), history=history)
        wrapped.__cause__ = error
        return wrapped
    _attach_history(error, history)
    return error
