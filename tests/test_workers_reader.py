"""kfit.workers.reader.WorkerReader: it asks the workers in groups, never for more
than the stream holds, each worker in turn, and ends when the stream closes."""

from __future__ import annotations

import threading
import time
from collections import deque

from kfit.data.stream import END, BatchStream
from kfit.r.codec import Frame
from kfit.workers.pool import INDEX, NEXT
from kfit.workers.reader import WorkerReader


class _FakePool:
    """Stands in for a `WorkerPool`: records writes, answers every request."""

    def __init__(self, size: int, seconds: float = 0.0) -> None:
        self.size = size
        self.seconds = seconds  # each batch takes this long to make
        self.writes: list[tuple[int, list[tuple[int, int]]]] = []
        self.queues: dict[int, deque[tuple[int, int]]] = {
            n: deque() for n in range(1, size + 1)}

    def send(self, worker: int, requests: list[tuple[int, int]]) -> None:
        self.writes.append((worker, list(requests)))
        for op, argument in requests:  # NEXT n: n batches, (NEXT, 0) each
            self.queues[worker].extend([(NEXT, 0)] * argument if op == NEXT
                                       else [(op, argument)])

    def receive(self, worker: int) -> Frame:
        time.sleep(self.seconds)
        op, argument = self.queues[worker].popleft()
        return Frame("batch", (op, argument, worker))


def _batches(requests: list[tuple[int, int]]) -> int:
    """How many batches a write asks for."""
    return sum(argument if op == NEXT else 1 for op, argument in requests)


def test_the_reader_asks_in_groups_and_never_more_than_the_stream_holds() -> None:
    pool, stream = _FakePool(1), BatchStream("training", 8, continuous=True)
    reader = WorkerReader(pool, steps=None, stream=lambda: stream,
                          convert=lambda value, same_layout: value)
    for taken in range(1, 201):
        assert reader.pull() == (NEXT, 0, 1)
        stream.commit(taken)  # a step uses each batch as soon as it is read
        assert reader.requested - taken <= 8
    assert all(len(requests) == 1 for _, requests in pool.writes)  # NEXT n
    sizes = [_batches(requests) for _, requests in pool.writes]
    assert sizes[0] == 8
    assert min(sizes) >= 4  # a write once half the bound is free, not per batch
    assert sum(sizes) == reader.requested


def test_slow_batches_are_asked_for_as_soon_as_one_item_is_free() -> None:
    # 3 ms a batch: a request per committed step, the stream never emptied
    # to half before the worker is asked again.
    pool, stream = _FakePool(1, seconds=0.003), BatchStream("training", 8,
                                                             continuous=True)
    reader = WorkerReader(pool, steps=None, stream=lambda: stream,
                          convert=lambda value, same_layout: value)
    for taken in range(1, 41):
        assert reader.pull() == (NEXT, 0, 1)
        stream.commit(taken)
        assert reader.requested - taken <= 8
    sizes = [_batches(requests) for _, requests in pool.writes]
    assert sizes[0] == 8
    assert sizes[-10:] == [1] * 10  # once it knows they are slow
    assert reader.requested - 40 >= 7  # asked ahead: all of the stream but one


def test_an_index_dataset_is_asked_of_each_worker_in_turn_and_read_in_order() -> None:
    pool, stream = _FakePool(3), BatchStream("training", 4, continuous=True)
    reader = WorkerReader(pool, steps=7, stream=lambda: stream,
                          convert=lambda value, same_layout: value)
    got = []
    for taken in range(1, 22):  # three epochs of 7
        op, index, worker = reader.pull()
        assert op == INDEX
        assert worker == (index - 1) % 3 + 1
        got.append(index)
        stream.commit(taken)
        assert reader.requested - taken <= 4
    assert got == list(range(1, 8)) * 3
    for worker, requests in pool.writes:  # one write per worker per group
        assert all((i - 1) % 3 + 1 == worker for _, i in requests)


def test_the_reader_waits_for_room_and_ends_when_the_stream_closes() -> None:
    pool, stream = _FakePool(1), BatchStream("training", 4, continuous=True)
    reader = WorkerReader(pool, steps=None, stream=lambda: stream,
                          convert=lambda value, same_layout: value)
    for _ in range(4):  # nothing committed: the stream is full after 4
        assert reader.pull() == (NEXT, 0, 1)
    assert reader.requested == 4
    got: list[object] = []
    waiting = threading.Thread(target=lambda: got.append(reader.pull()), daemon=True)
    waiting.start()
    time.sleep(0.2)
    assert got == [] and reader.requested == 4  # waits: no room, nothing asked
    stream.commit(2)  # half free: asked for 2 more, in one write
    waiting.join(5)
    assert got == [(NEXT, 0, 1)] and reader.requested == 6
    assert [r for _, r in pool.writes] == [[(NEXT, 4)], [(NEXT, 2)]]
    assert reader.pull() == (NEXT, 0, 1)  # the second of those 2
    started = time.monotonic()
    closer = threading.Timer(0.3, stream.close)
    closer.start()
    assert reader.pull() is END  # nothing in flight, no room: waits, then closed
    assert time.monotonic() - started >= 0.25
    assert reader.requested == 6
    closer.join()
