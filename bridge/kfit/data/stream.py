"""A bounded stream of batches from producers to Keras.

Producers (the main thread between steps, or background threads) put
batches, end-of-data markers and failures into a bounded queue; Keras reads
it through a `tf.data.Dataset.from_generator` without autotuned prefetch
(see DESIGN.md). The stream also tracks the
epoch and step of each produced batch, so errors can say where they
happened.
"""

from __future__ import annotations

import threading
from collections import deque
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

    A producer that found the queue full waits until Keras has taken it
    down to half (`refill_at`), then makes batches in a burst: it wakes once
    per few batches instead of once per batch, and each wake-up costs the
    training thread a GIL hand-off.

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
        self.capacity = max(1, max_queue_size)
        self.refill_at = self.capacity // 2
        self._items: deque[Any] = deque()
        lock = threading.Lock()
        self._not_empty = threading.Condition(lock)
        self._room = threading.Condition(lock)
        self.taken = 0  # items the reader took
        self._closed = False
        self.ran_dry = False  # an end-of-data marker reached the reader
        self.producer_done = False  # nothing more will be put
        self.failure: Failure | None = None

    # -- producer side -------------------------------------------------------
    def has_room(self) -> bool:
        return len(self._items) < self.capacity

    def queued(self) -> int:
        return len(self._items)

    @property
    def closed(self) -> bool:
        return self._closed

    def put(self, item: Batch | _End | Failure) -> bool:
        """Put an item, waiting for room; False if the stream was closed."""
        with self._room:
            if len(self._items) >= self.capacity:
                while len(self._items) > self.refill_at and not self._closed:
                    self._room.wait(_POLL_SECONDS)
            if self._closed:
                return False
            self._items.append(item)
            if len(self._items) == 1:
                # Both the reader (take) and the stream guard (peek) may
                # wait for an item: wake them all.
                self._not_empty.notify_all()
        return True

    def finish(self) -> None:
        """The producer will put nothing more."""
        with self._not_empty:
            self.producer_done = True
            self._not_empty.notify_all()

    def close(self) -> None:
        """Stop producers and readers; what is queued is dropped."""
        with self._room:
            self._closed = True
            self._room.notify_all()
            self._not_empty.notify_all()

    # -- reader side ---------------------------------------------------------
    def peek(self) -> Any:
        """Wait until an item is queued and return it without taking it.

        Once the producer is done and the queue is empty, that is `END`.
        """
        with self._not_empty:
            while True:
                if self._items:
                    return self._items[0]
                if self.producer_done:
                    return END
                if self._closed:
                    raise StreamCancelled(self.role)
                self._not_empty.wait(_POLL_SECONDS)

    def take(self) -> Any:
        with self._not_empty:
            while True:
                if self._closed:
                    raise StreamCancelled(self.role)
                if self._items:
                    break
                if self.producer_done:
                    return END
                self._not_empty.wait(_POLL_SECONDS)
            item = self._items.popleft()
            self.taken += 1
            if len(self._items) <= self.refill_at:
                self._room.notify_all()  # a producer waiting for room may go on
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
