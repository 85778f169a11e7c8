"""How Keras reads a `BatchStream`: a Keras `DataAdapter` for every backend.

Keras' `get_data_adapter()` takes a `DataAdapter` instance as it is (its
documented way to pass a custom adapter); each of the backends then asks it
for the iterator it uses: `get_tf_dataset()` (TensorFlow, also under
`tf.distribute`), `get_jax_iterator()` (JAX, also under
`keras.distribution`), `get_torch_dataloader()` (torch). Each iterator Keras
opens is a new `BatchStream.read()`, starting at the first batch no step has
used, so Keras may open, reset, read ahead of and drop iterators as it likes.
JAX and torch need no TensorFlow here: only `get_tf_dataset()` imports it.

The adapter holds its stream through `release()`-able indirection:
`tf.data.Dataset.from_generator` keeps its generator function alive after
`fit()` returns, and that must not keep the stream and its batches alive.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import keras

try:  # private to Keras: tests/test_data_keras_adapter.py checks it per version
    from keras.src.trainers.data_adapters.data_adapter import DataAdapter
except ImportError as error:  # pragma: no cover - a Keras that moved it
    raise ImportError(
        f"kfit reads its streams through Keras' DataAdapter, which Keras "
        f"{keras.__version__} no longer has at keras.src.trainers.data_adapters."
        "data_adapter (Keras 3.0 to 3.15 have it). Install a Keras kfit supports, "
        "e.g. pip install 'keras>=3,<3.16'.") from error

from kfit.data.batch import signature
from kfit.data.stream import BatchStream, reads, stacked_reads
from kfit.nested import map_leaves

# Batches Keras reads past the step it is on (measured with batch numbers in
# the batches, Keras 3.15): under tf.distribute the distributed iterator reads
# up to 3 ahead; torch fetches a step's batch before on_train_batch_begin; JAX
# on an accelerator reads one ahead. A stream keeps that many more batches
# ready: Keras drops a throwaway iterator only once its read-ahead returned,
# so a reader must never wait for a batch that only a later step lets be made.
TF_DISTRIBUTE_READ_AHEAD = 8  # 3 measured, with room for more replicas


def steps_per_execution(model: Any) -> int:
    """Batches one of `model`'s training or test steps reads (at least 1)."""
    return max(1, int(getattr(model, "steps_per_execution", 1) or 1))


def read_ahead(model: Any) -> int:
    """How many batches past a step's own Keras may read while training
    `model` (its steps_per_execution batches included, less one)."""
    per_execution = steps_per_execution(model)
    if getattr(model, "_distribute_strategy", None) is not None:
        ahead = TF_DISTRIBUTE_READ_AHEAD
    elif keras.backend.backend() == "torch":
        ahead = 1
    elif keras.backend.backend() == "jax":
        import jax

        ahead = 0 if jax.default_backend() == "cpu" else 1
    else:
        ahead = 0
    return ahead + per_execution - 1


class _Reads:
    """What Keras' iterators hold: the stream until `release()`."""

    def __init__(self, stream: BatchStream) -> None:
        self.stream: BatchStream | None = stream

    def __call__(self) -> Iterator[Any]:
        return reads(lambda: self.stream)  # None once the fit is over: it ends

    def stacked(self) -> Iterator[Any]:
        return stacked_reads(lambda: self.stream)

    def __iter__(self) -> Iterator[Any]:
        return self()


class StreamAdapter(DataAdapter):
    """A `BatchStream` as Keras data, re-readable from its first unused batch.

    Args:
        stream: the stream Keras reads.
        first: the first batch (for the tf.data signature; already in the
            stream).
    """

    def __init__(self, stream: BatchStream, first: Any) -> None:
        self._reads = _Reads(stream)
        self._first = first
        self._dataset: Any = None

    def release(self) -> None:
        """Let go of the stream and every batch (the fit is over)."""
        self._reads.stream = None
        self._first = None

    # -- iterators, one per backend ------------------------------------------
    def get_numpy_iterator(self) -> Iterator[Any]:
        return self._reads()

    def get_jax_iterator(self) -> Iterator[Any]:
        return self._reads()

    def get_tf_dataset(self) -> Any:
        if self._dataset is None:
            import tensorflow as tf  # only the TensorFlow backend reads tf.data

            # Runs of batches, unbatched in C++ (see `stacked_reads`).
            stacked = map_leaves(signature(self._first), lambda spec: tf.TensorSpec(
                (None, *spec.shape), spec.dtype))
            dataset = tf.data.Dataset.from_generator(
                self._reads.stacked, output_signature=stacked).unbatch()
            options = tf.data.Options()
            # No hidden read-ahead of kfit's own: Keras and tf.distribute read
            # ahead as they like, and the stream replays what went unused.
            options.experimental_optimization.inject_prefetch = False
            options.autotune.enabled = False
            self._dataset = dataset.with_options(options)
        return self._dataset

    def get_torch_dataloader(self) -> Any:
        from keras.src.trainers.data_adapters.data_adapter_utils import (
            get_torch_dataloader,
        )

        return get_torch_dataloader(self._reads)

    # -- what Keras asks of every adapter -------------------------------------
    @property
    def num_batches(self) -> int | None:
        return None  # Keras counts steps (steps_per_epoch) or reads to the end

    @property
    def batch_size(self) -> int | None:
        return None

    @property
    def has_partial_batch(self) -> bool | None:
        return None

    @property
    def partial_batch_size(self) -> int | None:
        return None
