"""Asks R workers for batches ahead of training and reads them in order.

A generator (`function()`) has one worker and is asked for "the next
batch"; an index dataset (`function(i)`) has batches 1..steps each epoch,
asked of the workers in turn (batch i of worker ((i - 1) mod N) + 1) and read
back in index order. At most `max_in_flight` batches are asked for and not
yet taken by Keras: that bounds the work made ahead and the memory held.
Requests go in groups, once half that bound is free (one socket write, one
wake-up of each worker, per group). Runs on a producer thread; it calls no R.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from kfit.data.stream import END
from kfit.errors import RError
from kfit.workers.pool import INDEX, NEXT, WorkerPool


class WorkerReader:
    """`pull()` for a `StreamProducer`, fed by a `WorkerPool`.

    Args:
        pool: started workers.
        steps: batches per epoch of an index dataset; None for a generator.
        max_in_flight: requests not yet taken by Keras, at most.
        taken: how many items Keras has taken so far (the stream's count).
        convert: decoded R value -> the raw batch for the producer.
    """

    def __init__(self, pool: WorkerPool, *, steps: int | None, max_in_flight: int,
                 taken: Callable[[], int], convert: Callable[[Any], Any]) -> None:
        self.pool = pool
        self.steps = steps
        self.max_in_flight = max(1, max_in_flight)
        self.taken = taken
        self.convert = convert
        self.requested = 0
        # Ask again once half the in-flight bound is free: one write per
        # several batches, while the workers still have requests queued.
        self._ask_at = max(1, self.max_in_flight // 2)
        self._next_index = 1
        self._pending: deque[int] = deque()  # the worker of each open request

    def _ask(self, count: int) -> None:
        """Ask for the next `count` batches: one write per worker."""
        requests: dict[int, list[tuple[int, int]]] = {}
        for _ in range(count):
            if self.steps is None:
                worker, op, argument = 1, NEXT, 0
            else:
                index = self._next_index
                worker, op, argument = (index - 1) % self.pool.size + 1, INDEX, index
                self._next_index = index % self.steps + 1
            requests.setdefault(worker, []).append((op, argument))
            self._pending.append(worker)
        for worker, asked in requests.items():
            self.pool.send(worker, asked)
        self.requested += count

    def pull(self) -> Any:
        """The next raw batch, or END; an R error in a worker is an RError."""
        count = self.max_in_flight - (self.requested - self.taken())
        if count >= self._ask_at or not self._pending:
            self._ask(max(1, count))
        frame = self.pool.receive(self._pending.popleft())
        if frame.kind == "end":
            return END
        if frame.kind == "error":
            raise RError(str(frame.fields.get("message", "")).strip(),
                         call=str(frame.fields.get("call") or ""))
        return self.convert(frame.value)
