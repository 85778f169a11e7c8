"""A bounded, position-addressed stream of batches from producers to Keras.

Producers (the main thread between steps, or background threads) put
batches, end-of-data markers and failures; Keras reads them through
`kfit.data.keras_adapter.StreamAdapter`, as many times as it opens an
iterator. `Position` tracks the epoch and step of each produced batch, so
errors can say where they happened.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from kfit import interrupt
from kfit.data.batch import Batch
from kfit.nested import leaves, map_leaves

_POLL_SECONDS = 0.05
SLOW_BATCH = 0.001  # seconds to make a batch, from which a producer is eager
# max_queue_size = "auto": as many batches as fit in this many bytes, within
# AUTO_QUEUE_BATCHES (see `auto_queue_size`).
AUTO_QUEUE_BYTES = 64 << 20
AUTO_QUEUE_BATCHES = (10, 1000)


def auto_queue_size(batch: Batch) -> int:
    """`max_queue_size = "auto"`: the batches like `batch` that fit in
    `AUTO_QUEUE_BYTES` (64 MiB), at least 10 (Keras' default) and at most
    1000. Room for more than 10 lets R workers keep making batches while
    Keras compiles its first steps, a second or so in which the stream
    would otherwise be full and the workers idle."""
    size = max(1, sum(int(a.nbytes) for a in leaves(batch)))
    least, most = AUTO_QUEUE_BATCHES
    return max(least, min(most, AUTO_QUEUE_BYTES // size))


class MakingTime:
    """How long a producer's batches take to make: the median of the last 8
    (a stall of the machine does not make a quick source slow). `slow` when
    it is `SLOW_BATCH` or more: then the producer is eager (see BatchStream)."""

    def __init__(self) -> None:
        self._seconds: deque[float] = deque(maxlen=8)

    def add(self, seconds: float) -> None:
        self._seconds.append(seconds)

    @property
    def slow(self) -> bool:
        known = len(self._seconds)
        return known >= 4 and sorted(self._seconds)[known // 2] >= SLOW_BATCH


class _End:
    def __repr__(self) -> str:
        return "END"


END = _End()


class _Superseded:
    def __repr__(self) -> str:
        return "SUPERSEDED"


SUPERSEDED = _Superseded()


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
    """Batches by position, from producers to however many readers Keras opens.

    Every item (batch, end-of-data marker, failure) has a position: 0, 1, 2,
    ... in the order it was produced. Keras' reads are not its steps: the
    JAX and torch trainers read a batch through a throwaway iterator to
    build the model, `tf.distribute` does so per `fit()` and per validation
    and its iterators read ahead, torch fetches a batch before
    `on_train_batch_begin`. So a reader does not consume what it reads: the
    trainer's hooks `commit()` the positions that steps have used (see
    `kfit.callbacks.StreamGuard`), and each new reader starts at the first
    position not committed. What a throwaway or superseded reader read ahead
    is read again by the next one: every batch is trained once, in order.

    Items are kept from the committed position on; a producer may be
    `max_queue_size` items ahead of it. One that found the stream full waits
    until commits have brought it down to half (`refill_at`), then makes
    batches in a burst: a wake-up per few batches, not per batch. A producer
    whose batches take long to make (`SLOW_BATCH` or more each) is `eager`:
    it goes on as soon as one item is free, since a wake-up per batch costs
    it nothing and waiting for half the stream would leave it idle while
    the steps empty the other half.

    A stream that knows how many items the fit reads at most (`limit`)
    takes no more: a producer that made them all waits until the stream is
    closed, so no work past the fit's last step competes with training.

    Args:
        role: "training" or "validation" (for messages).
        max_queue_size: items produced ahead of the committed position.
        continuous: True when Keras reads it with a step count
            (steps_per_epoch/validation_steps): one reader across epochs,
            end-of-data means the data ran out. False: every epoch reads
            until an end-of-data marker.
        limit: the most items the fit reads (None: until an end-of-data
            marker).
    """

    def __init__(self, role: str, max_queue_size: int, *, continuous: bool,
                 limit: int | None = None) -> None:
        self.role = role
        self.continuous = continuous
        self.limit = limit
        self.capacity = max(1, max_queue_size)
        self.refill_at = self.capacity // 2
        self._items: deque[Any] = deque()  # positions _base, _base + 1, ...
        self._base = 0
        self.committed = 0  # positions before this were used by steps
        self._generation = 0  # the newest reader's; older readers end
        lock = threading.Lock()
        self._produced = threading.Condition(lock)  # an item, or the end
        self._room = threading.Condition(lock)
        self._eager_waits = 0  # eager producers waiting for one free item
        self._closed = False
        self.producer_done = False  # nothing more will be put
        self.failure: Failure | None = None

    def set_capacity(self, max_queue_size: int) -> None:
        """Items produced ahead of the committed position from now on (a
        producer waiting for room is told)."""
        with self._room:
            self.capacity = max(1, max_queue_size)
            self.refill_at = self.capacity // 2
            self._room.notify_all()

    # -- producer side -------------------------------------------------------
    @property
    def produced(self) -> int:
        """Items put so far (the position of the next one)."""
        return self._base + len(self._items)

    def queued(self) -> int:
        """Items produced and not yet committed."""
        return self.produced - self.committed

    def has_room(self) -> bool:
        return self.queued() < self.capacity and not self._all_produced()

    def _all_produced(self) -> bool:
        return self.limit is not None and self.produced >= self.limit

    @property
    def closed(self) -> bool:
        return self._closed

    def put(self, item: Batch | _End | Failure, *, eager: bool = False) -> bool:
        """Put an item, waiting for room (for one free item when `eager`, else
        for half the stream once it was full); False if the stream was closed
        (once `limit` items were put, it waits for that)."""
        with self._room:
            if self.queued() >= self.capacity:
                self._wait_for_room(self.queued, eager)
            if self._all_produced():
                self._wait_closed()  # the fit reads no more
            if self._closed:
                return False
            self._items.append(item)
            self._produced.notify_all()  # readers and the guard may wait
        return True

    def room(self, asked: int, *, wait: bool, eager: bool = False) -> int:
        """For a source that is asked for items ahead (R workers): how many
        more it may be asked for, `asked` asked so far. The stream's own rule,
        as for `put`: none while the items asked and not committed are more
        than `room_mark(eager)`, then up to its capacity, and never past
        `limit`. With `wait`, waits for that room (once `limit` items were
        asked for, until the stream is closed); 0 once the stream is closed.
        Without `wait`, "none" is said without the lock (a commit it misses
        is seen at the next call)."""
        def ahead() -> int:
            return asked - self.committed

        left = None if self.limit is None else self.limit - asked
        if not wait and (ahead() > self.room_mark(eager) or left == 0):
            return 0
        with self._room:
            if wait and left == 0:
                self._wait_closed()  # all asked for: the fit reads no more
            elif wait:
                self._wait_for_room(ahead, eager)
            if self._closed or ahead() > self.room_mark(eager):
                return 0
            room = self.capacity - ahead()
            return room if left is None else min(room, left)

    def room_mark(self, eager: bool) -> int:
        """Items asked ahead and not committed above which a source gets no
        room: half the stream, or all of it but one when `eager`."""
        return self.capacity - 1 if eager else self.refill_at

    def _wait_closed(self) -> None:
        """With the lock held: wait until the stream is closed."""
        while not self._closed:
            self._room.wait(_POLL_SECONDS)

    def _wait_for_room(self, ahead: Callable[[], int], eager: bool) -> None:
        """With the lock held: wait until `ahead()` is at most
        `room_mark(eager)`, or the stream is closed. Commits wake an eager
        waiter at once, others once half the stream is free."""
        self._eager_waits += eager
        try:  # the mark is read each time: `set_capacity` may move it
            while ahead() > self.room_mark(eager) and not self._closed:
                self._room.wait(_POLL_SECONDS)
        finally:
            self._eager_waits -= eager

    def finish(self) -> None:
        """The producer will put nothing more."""
        with self._produced:
            self.producer_done = True
            self._produced.notify_all()

    def close(self) -> None:
        """Stop producers and readers, and drop every item."""
        with self._room:
            self._closed = True
            self._base += len(self._items)
            self.committed = self._base
            self._items.clear()
            self._room.notify_all()
            self._produced.notify_all()

    # -- consumer side -------------------------------------------------------
    def commit(self, position: int) -> None:
        """Steps have used every item before `position`: drop them, and let a
        producer waiting for room go on once half of it is free."""
        with self._room:
            self._commit(position)

    def _commit(self, position: int) -> None:
        if position <= self.committed:
            return
        self.committed = position
        while self._items and self._base < position:
            self._items.popleft()
            self._base += 1
        if self.queued() <= self.refill_at or self._eager_waits:
            self._room.notify_all()

    def use(self, position: int) -> Any:
        """A step begins with the item at `position`: commit every item before
        it and return it (waiting until it is produced), in one lock hold when
        it is there already."""
        with self._room:
            self._commit(position)
            if self._base <= position < self.produced and not self._closed:
                return self._items[position - self._base]
        return self.item_at(position)

    def item_at(self, position: int, generation: int | None = None) -> Any:
        """The item at `position`, waiting until it is produced.

        Returns `END` past the last item once the producer is done, and
        `SUPERSEDED` when a reader of an older `generation` was replaced.

        Raises:
            StreamCancelled: the stream was closed.
        """
        with self._produced:
            while True:
                if self._closed:
                    raise StreamCancelled(self.role)
                if generation is not None and generation != self._generation:
                    return SUPERSEDED
                if position < self._base:
                    raise StreamCancelled(f"{self.role}: position {position} was "
                                          f"committed (kept from {self._base})")
                if position < self.produced:
                    return self._items[position - self._base]
                if self.producer_done:
                    return END
                if interrupt.pending():
                    # Ctrl-C: this reader ends (inside a tf.data op it must
                    # not raise); kfit's next hook raises the interrupt.
                    raise StreamCancelled(f"{self.role}: interrupted")
                self._produced.wait(_POLL_SECONDS)

    def ready_after(self, position: int, generation: int, rows: tuple[int, ...], *,
                    items: int, size: int) -> list[Batch]:
        """The batches produced from `position` on, without waiting: at most
        `items` of them and about `size` bytes, each with the `rows` (first
        dimension of every array) of the batch before `position`; none past
        an end-of-data marker or a failure, none for a superseded reader."""
        out: list[Batch] = []
        with self._produced:
            if self._closed or generation != self._generation:
                return out
            offset = position - self._base
            total = 0
            while offset < len(self._items) and len(out) < items and total < size:
                item = self._items[offset]
                if item is END or isinstance(item, Failure):
                    break
                arrays = leaves(item)
                if tuple(a.shape[0] for a in arrays) != rows:
                    break
                out.append(item)
                total += sum(a.nbytes for a in arrays)
                offset += 1
        return out

    def end_after(self, position: int) -> int | None:
        """The position just past the first end-of-data marker at or after
        `position` (None when none is produced yet)."""
        with self._produced:
            start = max(position, self._base)
            for offset in range(start - self._base, len(self._items)):
                if self._items[offset] is END:
                    return self._base + offset + 1
        return None

    def open_reader(self) -> tuple[int, int]:
        """A new reader's generation and first position (the first one not
        committed); older readers end at their next read."""
        with self._produced:
            self._generation += 1
            self._produced.notify_all()
            return self._generation, self.committed

    def read(self) -> Iterator[Batch]:
        """A new reader (see `reads`)."""
        return reads(lambda: self)


def stacked_reads(get: Callable[[], BatchStream | None], *, items: int = 16,
                  size: int = 1 << 20) -> Iterator[Batch]:
    """A reader like `reads`, that yields runs of batches stacked on a new
    first axis: the first batch (waited for), and the ones already produced
    after it with as many rows, up to `items` batches or about `size` bytes.
    tf.data unbatches them in C++: a Python call per run, not per batch (a
    small batch's step costs less than a call of `from_generator`'s
    function). It never waits for a batch past the first, so it asks no
    more of the producers than `reads` does; what it read and no step used
    is read again by the next reader, as with `reads`."""
    for run in _runs(get, items, size):
        yield _stack(run)


def _stack(run: list[Batch]) -> Batch:
    if len(run) == 1:
        return map_leaves(run[0], lambda a: a[np.newaxis])
    columns = [leaves(batch) for batch in run]
    stacked = iter([np.stack(arrays) for arrays in zip(*columns, strict=True)])
    return map_leaves(run[0], lambda _: next(stacked))


def reads(get: Callable[[], BatchStream | None]) -> Iterator[Batch]:
    """A reader of the stream `get()` returns: from the first uncommitted
    position up to an end-of-data marker; a failure is raised where it stands.

    The stream is looked up at each read and not held while suspended: a
    reader left in tf.data's registry after `fit()` keeps no stream alive
    once `get()` returns None.
    """
    for run in _runs(get, 1, 0):
        yield run[0]


def _runs(get: Callable[[], BatchStream | None], items: int,
          size: int) -> Iterator[list[Batch]]:
    """What `reads` and `stacked_reads` read: runs of batches (of one batch
    when `items` is 1), each starting at the first position the reader has
    not read yet."""
    stream = get()
    if stream is None:
        return
    generation, position = stream.open_reader()
    del stream
    while True:
        stream = get()
        if stream is None:
            return
        try:
            item = stream.item_at(position, generation)
        except StreamCancelled:
            return
        if item is SUPERSEDED or item is END:
            return
        if isinstance(item, Failure):
            stream.failure = item
            raise item.error
        run = [item]
        if items > 1:
            rows = tuple(a.shape[0] for a in leaves(item))
            run += stream.ready_after(position + 1, generation, rows,
                                      items=items - 1, size=size)
        position += len(run)
        del stream, item
        yield run
