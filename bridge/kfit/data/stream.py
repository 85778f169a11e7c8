"""A bounded stream of batches from producers to Keras.

Producers (the main thread between steps, or background threads) put
batches, end-of-data markers and failures into a bounded queue; Keras reads
it through a `tf.data.Dataset.from_generator` without autotuned prefetch
(see DESIGN.md). The stream also tracks the
epoch and step of each produced batch, so errors can say where they
happened.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from typing import Any

from kfit.data.batch import Batch

_POLL_SECONDS = 0.05


class _End:
    def __repr__(self) -> str:
        return "END"


END = _End()


@dataclass
class Failure:
    """An error raised while producing the batch at (epoch, step)."""

    error: BaseException
    epoch: int | None
    step: int | None


class StreamCancelled(Exception):
    """The stream was closed while Keras was still reading it."""


class Position:
    """Epoch and step (1-based) of the next batch a producer makes."""

    def __init__(self, first_epoch: int, steps_per_epoch: int | None) -> None:
        self.epoch = first_epoch
        self.step = 1
        self.steps_per_epoch = steps_per_epoch

    def advance(self) -> None:
        self.step += 1
        if self.steps_per_epoch and self.step > self.steps_per_epoch:
            self.epoch, self.step = self.epoch + 1, 1

    def end_of_data(self) -> None:
        if not self.steps_per_epoch:
            self.epoch, self.step = self.epoch + 1, 1


class BatchStream:
    """Bounded queue of batches, read by Keras through tf.data.

    Args:
        role: "training" or "validation" (for messages).
        max_queue_size: batches produced ahead at most.
        continuous: True when Keras reads it with a step count
            (steps_per_epoch/validation_steps): one reader across epochs,
            end-of-data means the data ran out. False: every epoch reads
            until an end-of-data marker.
    """

    def __init__(self, role: str, max_queue_size: int, *, continuous: bool) -> None:
        self.role = role
        self.continuous = continuous
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max(1, max_queue_size))
        self.taken = 0  # items the reader took
        self._closed = threading.Event()
        self.ran_dry = False  # an end-of-data marker reached the reader
        self.producer_done = False  # nothing more will be put
        self.failure: Failure | None = None

    # -- producer side -------------------------------------------------------
    def has_room(self) -> bool:
        return not self._queue.full()

    def queued(self) -> int:
        return self._queue.qsize()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def put(self, item: Batch | _End | Failure) -> bool:
        """Put an item, waiting for room; False if the stream was closed."""
        while not self._closed.is_set():
            try:
                self._queue.put(item, timeout=_POLL_SECONDS)
            except queue.Full:
                continue
            # Both the reader (take) and the stream guard (peek) may wait for
            # an item: wake them all, or one would sleep out its poll.
            with self._queue.not_empty:
                self._queue.not_empty.notify_all()
            return True
        return False

    def close(self) -> None:
        """Stop producers and readers; what is queued is dropped."""
        self._closed.set()

    # -- reader side ---------------------------------------------------------
    def peek(self) -> Any:
        """Wait until an item is queued and return it without taking it.

        Once the producer is done and the queue is empty, that is `END`.
        """
        while True:
            with self._queue.mutex:
                if self._queue.queue:
                    return self._queue.queue[0]
                if self.producer_done:
                    return END
            if self._closed.is_set():
                raise StreamCancelled(self.role)
            with self._queue.not_empty:
                self._queue.not_empty.wait(_POLL_SECONDS)

    def take(self) -> Any:
        while True:
            if self._closed.is_set():
                raise StreamCancelled(self.role)
            if self.producer_done and self._queue.empty():
                return END
            try:
                item = self._queue.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                continue
            self.taken += 1
            return item

    def _read(self) -> Any:
        """The generator tf.data calls: one pass, up to an end-of-data marker."""
        while True:
            try:
                item = self.take()
            except StreamCancelled:
                return
            if item is END:
                self.ran_dry = True
                return
            if isinstance(item, Failure):
                self.failure = item
                raise item.error
            yield item

    def dataset(self, signature: Any) -> Any:
        """A tf.data.Dataset reading this stream (no prefetch)."""
        import tensorflow as tf

        dataset = tf.data.Dataset.from_generator(self._read, output_signature=signature)
        options = tf.data.Options()
        # No hidden read-ahead: a failure is raised exactly where it stands in
        # the stream, after every batch before it was trained.
        options.experimental_optimization.inject_prefetch = False
        options.autotune.enabled = False
        return dataset.with_options(options)
