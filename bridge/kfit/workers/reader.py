"""Asks R workers for batches ahead of training and reads them in order.

A generator (`function()`) has one worker and is asked for "the next N
batches" in one request (a frame back per batch, written as it is made); an
index dataset (`function(i)`) has batches 1..steps each epoch, asked of the
workers in turn (batch i of worker ((i - 1) mod N) + 1) and read back in
index order. At most the stream's capacity (`max_queue_size`) of batches
are asked for and not yet committed by Keras' steps, asked by the stream's
own rule (`BatchStream.room`), so the stream never makes this producer wait
in `put`. Requests for quick batches go in groups, once half the stream is
free (one socket write, one wake-up of each worker, per group); batches
that take `SLOW_BATCH` or more to make are asked for as soon as one item is
free, so the workers never idle while the steps empty half the stream.
Runs on a producer thread; it calls no R.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Any

from kfit.data.stream import END, BatchStream, MakingTime
from kfit.errors import RError
from kfit.workers.pool import INDEX, NEXT, WorkerPool


class WorkerReader:
    """`pull()` for a `StreamProducer`, fed by a `WorkerPool`.

    Args:
        pool: started workers.
        steps: batches per epoch of an index dataset; None for a generator.
        stream: the stream the batches go to (its capacity bounds requests).
        convert: (decoded R value, whether its frame repeated the header of
            the one before) -> the raw batch for the producer.
    """

    def __init__(self, pool: WorkerPool, *, steps: int | None,
                 stream: Callable[[], BatchStream],
                 convert: Callable[[Any, bool], Any]
                 ) -> None:
        self.pool = pool
        self.steps = steps
        self.stream = stream
        self.convert = convert
        self.requested = 0
        self._next_index = 1
        self._pending: deque[int] = deque()  # the worker of each open request
        # Seconds a batch takes to make: a slow source is asked for a batch
        # per free item of the stream, a quick one in groups (BatchStream).
        self._making_time = MakingTime()
        self._arrived = 0.0
        self._making = False

    def _timed(self, now: float) -> None:
        """How long a batch takes to make: the time between two arrivals
        while the next batch was asked for already."""
        if self._making:
            self._making_time.add(now - self._arrived)
        self._arrived = now
        self._making = bool(self._pending)

    def _ask(self, count: int) -> None:
        """Ask for the next `count` batches: one write per worker."""
        requests: dict[int, list[tuple[int, int]]] = {}
        if self.steps is None:  # a generator: one request for `count` batches
            requests[1] = [(NEXT, count)]
            self._pending.extend([1] * count)
        else:
            for _ in range(count):
                index = self._next_index
                worker = (index - 1) % self.pool.size + 1
                self._next_index = index % self.steps + 1
                requests.setdefault(worker, []).append((INDEX, index))
                self._pending.append(worker)
        for worker, asked in requests.items():
            self.pool.send(worker, asked)
        self.requested += count

    def pull(self) -> Any:
        """The next raw batch, or END (also once the stream is closed); an R
        error in a worker is an RError."""
        # With nothing in flight, wait for room: the workers have nothing to do
        # until the steps commit what they made.
        count = self.stream().room(self.requested, wait=not self._pending,
                                   eager=self._making_time.slow)
        if count:
            self._ask(count)
        elif not self._pending:
            return END  # the stream was closed
        frame = self.pool.receive(self._pending.popleft())
        self._timed(time.monotonic())
        if frame.kind == "end":
            return END
        if frame.kind == "error":
            raise RError(str(frame.fields.get("message", "")).strip(),
                         call=str(frame.fields.get("call") or ""))
        return self.convert(frame.value, frame.repeat)
