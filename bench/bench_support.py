"""Helpers shared by bench/r_generator.py (imported) and bench/r_generator.R
(through reticulate::import_from_path): the timing callback, the models,
the Keras-only baselines and the summaries, so both hosts measure alike;
and, for bench/r_table.R, the clock around Keras' own `fit` and the cost
of kfit's per-step hooks.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np


class Timer(keras.callbacks.Callback):
    """Wall-clock marks of one `fit`: the call (`mark()`, made right before
    it), the begin of every training batch, and the end of training.

    `trained(k)` is the time from the begin of batch `k` (0-based) to the
    end: batches k..N-1 with no start-up (worker processes, tf.data and
    Keras set-up all happen before batch 0 begins).
    """

    def __init__(self) -> None:
        super().__init__()
        self.called: float | None = None
        self.begins: list[float] = []
        self.end: float | None = None
        self.cpu_begin = self.cpu_end = 0.0

    def mark(self) -> Timer:
        self.called = time.perf_counter()
        return self

    def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
        if not self.begins:
            self.cpu_begin = time.process_time()
        self.begins.append(time.perf_counter())

    def on_train_end(self, logs: Any = None) -> None:
        self.end = time.perf_counter()
        self.cpu_end = time.process_time()

    def trained_cpu(self) -> float:
        """CPU seconds of this whole process (every thread) from the begin of
        batch 0 to the end."""
        return self.cpu_end - self.cpu_begin

    @property
    def steps(self) -> int:
        return len(self.begins)

    def startup(self) -> float:
        assert self.called is not None and self.begins
        return self.begins[0] - self.called

    def trained(self, from_step: int = 0) -> float:
        assert self.end is not None and len(self.begins) > from_step
        return self.end - self.begins[from_step]

    def total(self) -> float:
        assert self.end is not None and self.called is not None
        return self.end - self.called


def cores_floor(train_wall: float, train_cpu: float, gen_wall: float,
                gen_cpu: float, workers: int, cores: int | None = None) -> float:
    """The least time `workers` R processes and training can take together
    on this machine: no less than training alone, the R work split among the
    workers, or all the CPU both need spread over every core."""
    cores = cores or os.cpu_count() or 1
    return max(train_wall, gen_wall / workers, (train_cpu + gen_cpu) / cores)


def now() -> float:
    return time.perf_counter()


def dense_model(features: int, hidden: Sequence[int], seed: int = 42) -> Any:
    """Dense `hidden`-1, relu, mse + adam (built with `keras`)."""
    keras.utils.set_random_seed(int(seed))
    layers: list[Any] = [keras.Input((int(features),))]
    layers += [keras.layers.Dense(int(units), activation="relu") for units in hidden]
    layers.append(keras.layers.Dense(1))
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="mse")
    return model


def as_batches(pool: Sequence[Sequence[Any]]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """[(x, y), ...] of R-ordered arrays -> C-ordered float32 numpy lists."""
    xs = [np.ascontiguousarray(np.asarray(b[0]), dtype=np.float32) for b in pool]
    ys = [np.ascontiguousarray(np.asarray(b[1]), dtype=np.float32).reshape(-1)
          for b in pool]
    return xs, ys


def tiled(xs: list[np.ndarray], ys: list[np.ndarray], steps: int
          ) -> tuple[np.ndarray, np.ndarray]:
    """The pool's batches, cycled, stacked into arrays of `steps` batches."""
    steps = int(steps)
    return (np.concatenate([xs[i % len(xs)] for i in range(steps)]),
            np.concatenate([ys[i % len(ys)] for i in range(steps)]))


def train_alone(model: Any, x: np.ndarray, y: np.ndarray, batch_size: int,
                steps: int) -> Timer:
    """Keras' own `model.fit` on arrays already in memory."""
    timer = Timer().mark()
    model.fit(x, y, batch_size=int(batch_size), steps_per_epoch=int(steps), epochs=1,
              shuffle=False, verbose=0, callbacks=[timer])
    return timer


def generator_dataset(xs: list[np.ndarray], ys: list[np.ndarray]) -> Any:
    """`tf.data.Dataset.from_generator` over a Python generator cycling
    through precomputed numpy batches (plain Keras, no kfit)."""
    import tensorflow as tf

    def batches() -> Any:
        while True:
            yield from zip(xs, ys, strict=True)

    spec = (tf.TensorSpec((None, xs[0].shape[1]), tf.float32),
            tf.TensorSpec((None,), tf.float32))
    return tf.data.Dataset.from_generator(batches, output_signature=spec)


def train_from_generator(model: Any, dataset: Any, steps: int) -> Timer:
    timer = Timer().mark()
    model.fit(dataset, steps_per_epoch=int(steps), epochs=1, verbose=0,
              shuffle=False, callbacks=[timer])
    return timer


def median(values: Sequence[float]) -> float:
    return statistics.median(list(values))


class FitClock:
    """Seconds spent inside Keras' own `model.fit`, per call: `watch(model)`
    wraps the model's `fit` (an instance attribute, which keras3's `fit()`
    and kfit both call), so `total - inside` is what a wrapper spends around
    Keras (converting, checking, setting up, reading the history)."""

    def __init__(self) -> None:
        self.inside: list[float] = []

    def watch(self, model: Any) -> Any:
        fit = model.fit

        def timed_fit(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fit(*args, **kwargs)
            finally:
                self.inside.append(time.perf_counter() - start)

        model.fit = timed_fit
        return model

    def last(self) -> float:
        return self.inside[-1]


def hooks_us_per_step(model: Any, steps: int = 20000, repeats: int = 5) -> float:
    """Microseconds per training step that kfit's own callbacks (as a fit on
    arrays has them: `kfit.training.own_callbacks`) add to Keras' callback
    dispatch: a step's begin and end hooks through Keras' `CallbackList`,
    with them against without them (median of `repeats`)."""
    from kfit.callbacks import HookPosition, StreamGuard
    from kfit.history import TrainingHistory
    from kfit.training import own_callbacks

    def per_step(callbacks: list[Any]) -> float:
        hooks = keras.callbacks.CallbackList(
            callbacks, add_history=True, add_progbar=False, model=model,
            verbose=0, epochs=1, steps=steps)
        logs = {"loss": 0.5}
        hooks.on_train_begin()
        hooks.on_epoch_begin(0)
        start = time.perf_counter()
        for step in range(steps):
            hooks.on_train_batch_begin(step)
            hooks.on_train_batch_end(step, logs)
        seconds = time.perf_counter() - start
        hooks.on_epoch_end(0, logs)
        hooks.on_train_end()
        return seconds / steps

    def own() -> list[Any]:
        return own_callbacks(StreamGuard(None, None, 1), [], HookPosition(),
                             TrainingHistory())

    differences = [per_step(own()) - per_step([]) for _ in range(int(repeats))]
    return 1e6 * max(0.0, median(differences))
