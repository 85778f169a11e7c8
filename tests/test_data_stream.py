"""kfit.data.stream.BatchStream: the bounds on batches made ahead, the bursts
that keep wake-ups rare, and the runs of ready batches read at once."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from kfit.data import stream as stream_module
from kfit.data.stream import (
    END,
    BatchStream,
    Failure,
    MakingTime,
    StreamCancelled,
    auto_queue_size,
    stacked_reads,
)


def test_a_full_stream_takes_a_burst_once_commits_free_half() -> None:
    stream = BatchStream("training", 6, continuous=True)
    assert stream.refill_at == 3
    for i in range(6):
        assert stream.put(i)
    done = threading.Event()
    threading.Thread(target=lambda: (stream.put(6), done.set()), daemon=True).start()
    reader = stream.read()
    read = [next(reader) for _ in range(6)]  # reading frees nothing: steps do
    time.sleep(0.12)
    assert not done.is_set()
    for used in (1, 2):  # 5, then 4 uncommitted: above half, still waiting
        stream.commit(used)
        time.sleep(0.12)  # over two poll intervals: no timeout lets it through
        assert not done.is_set()
        assert stream.queued() == 6 - used
    stream.commit(3)  # 3 left: half is free, the burst starts
    assert done.wait(1.0)
    assert stream.queued() == 4
    read.append(next(reader))
    assert read == list(range(7))
    assert stream.committed == 3


def test_an_eager_producer_goes_on_as_soon_as_one_item_is_free() -> None:
    # A producer of slow batches: waiting for half the stream would leave it
    # idle while the steps use that half.
    stream = BatchStream("training", 6, continuous=True)
    for i in range(6):
        assert stream.put(i)
    done = threading.Event()
    threading.Thread(target=lambda: (stream.put(6, eager=True), done.set()),
                     daemon=True).start()
    time.sleep(0.12)
    assert not done.is_set()  # full: it waits
    started = time.monotonic()
    stream.commit(1)
    assert done.wait(1.0)
    assert time.monotonic() - started < 0.04  # woken by the commit, not a poll
    assert stream.queued() == 6  # never more than max_queue_size
    assert stream.room(7, wait=False) == 0  # a source asked in groups: none yet
    assert stream.room(7, wait=False, eager=True) == 0  # full again
    stream.commit(2)
    assert stream.room(7, wait=False) == 0  # 5 of 6 asked ahead: above half
    assert stream.room(7, wait=False, eager=True) == 1


def test_a_stall_of_the_machine_does_not_make_a_quick_source_slow() -> None:
    making = MakingTime()
    for seconds in (0.0001, 0.0002, 0.0001):
        making.add(seconds)
    assert not making.slow  # too few to say
    making.add(0.5)  # one stall
    making.add(0.05)  # and another
    assert not making.slow
    for _ in range(5):
        making.add(0.002)  # a batch now takes 2 ms
    assert making.slow
    for _ in range(5):
        making.add(0.0001)
    assert not making.slow


def test_a_producer_never_has_more_than_max_queue_size_uncommitted() -> None:
    stream = BatchStream("training", 4, continuous=True)
    most: list[int] = []

    def produce() -> None:
        for i in range(300):
            stream.put(i)
            most.append(stream.queued())
        stream.put(END)
        stream.finish()

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    got = []
    for item in stream.read():
        got.append(item)
        stream.commit(len(got))  # the step that used it begins the next
        if len(got) % 7 == 0:
            time.sleep(0.002)  # a slower reader now and then: the stream fills
    thread.join(5)
    assert got == list(range(300))
    assert max(most) == 4
    assert stream.item_at(301) is END  # done and past the end: END, every time


def test_a_new_reader_starts_at_the_first_uncommitted_batch() -> None:
    stream = BatchStream("training", 10, continuous=True)
    for i in range(8):
        stream.put(i)
    throwaway = stream.read()  # e.g. Keras building the model
    assert [next(throwaway) for _ in range(4)] == [0, 1, 2, 3]  # read ahead
    reader = stream.read()  # Keras resets: the read-ahead is read again
    assert next(reader) == 0
    assert list(throwaway) == []  # the older reader ends
    stream.commit(1)
    assert [next(reader) for _ in range(3)] == [1, 2, 3]
    stream.commit(3)  # a step uses batch 2; batch 3 was only read ahead
    assert next(stream.read()) == 3


def test_a_failure_waits_for_the_reader_at_its_position() -> None:
    stream = BatchStream("training", 10, continuous=True)
    error = RuntimeError("broken")
    for item in (0, 1, Failure(error, 1, 3)):
        stream.put(item)
    stream.finish()
    assert isinstance(stream.item_at(2), Failure)
    assert stream.failure is None  # nobody reached it yet
    reader = stream.read()
    assert [next(reader), next(reader)] == [0, 1]
    with pytest.raises(RuntimeError, match="broken"):
        next(reader)
    assert stream.failure.error is error


def test_end_after_finds_the_pass_end() -> None:
    stream = BatchStream("validation", 10, continuous=False)
    for item in (0, 1, END, 3, END):
        stream.put(item)
    assert stream.end_after(0) == 3
    assert stream.end_after(3) == 5
    assert stream.end_after(5) is None
    stream.commit(3)
    assert stream.end_after(0) == 5  # committed items are gone


def test_close_releases_a_waiting_producer_and_reader() -> None:
    stream = BatchStream("validation", 1, continuous=False)
    assert stream.put("a")
    result: list[bool] = []
    producer = threading.Thread(target=lambda: result.append(stream.put("b")))
    producer.start()
    time.sleep(0.05)
    stream.close()
    producer.join(1)
    assert result == [False]
    assert list(stream.read()) == []  # a reader of a closed stream ends
    assert stream.queued() == 0  # and its items are dropped
    waiting = BatchStream("training", 2, continuous=True)  # a guard's wait
    threading.Timer(0.05, waiting.close).start()
    with pytest.raises(StreamCancelled):
        waiting.item_at(0)


def test_finish_wakes_a_reader_waiting_on_an_empty_stream(monkeypatch) -> None:
    # Polls so long that only being woken lets the reader see the end in time.
    monkeypatch.setattr(stream_module, "_POLL_SECONDS", 600.0)
    stream = BatchStream("training", 2, continuous=True)
    got: list[object] = []
    reader = threading.Thread(target=lambda: got.append(stream.item_at(0)),
                              daemon=True)
    reader.start()
    time.sleep(0.05)
    stream.finish()
    reader.join(30)
    assert got == [END]


def _batch(number: int, rows: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """A batch that carries its number in every value."""
    return (np.full((rows, 3), number, np.float32),
            np.full((rows,), number, np.float32))


def _numbers(run: tuple[np.ndarray, np.ndarray]) -> list[list[int]]:
    """The batch numbers in a stacked run, per batch: [[x's, y's], ...]."""
    x, y = run
    return [[int(x[i].min()), int(x[i].max()), int(y[i].min())] for i in range(len(x))]


def test_stacked_reads_take_the_ready_batches_of_equal_rows_in_order() -> None:
    stream = BatchStream("training", 32, continuous=True)
    for number in range(5):
        stream.put(_batch(number))
    stream.put(_batch(5, rows=2))  # a short batch: a run of its own
    stream.put(_batch(6))
    reader = stacked_reads(lambda: stream, items=3)
    runs = [_numbers(next(reader)) for _ in range(4)]
    assert runs == [[[0, 0, 0], [1, 1, 1], [2, 2, 2]], [[3, 3, 3], [4, 4, 4]],
                    [[5, 5, 5]], [[6, 6, 6]]]
    got: list[object] = []
    waiting = threading.Thread(target=lambda: got.append(_numbers(next(reader))),
                               daemon=True)
    waiting.start()  # nothing ready: it waits for the first batch only
    time.sleep(0.1)
    assert got == []
    stream.put(_batch(7))
    waiting.join(5)
    assert got == [[[7, 7, 7]]]


def test_stacked_reads_stop_at_the_end_and_raise_a_failure_where_it_stands() -> None:
    stream = BatchStream("training", 32, continuous=False)
    for number in range(3):
        stream.put(_batch(number))
    stream.put(END)
    stream.put(_batch(3))
    stream.put(Failure(ValueError("batch 4 broken"), 1, 5))
    reader = stacked_reads(lambda: stream)
    assert _numbers(next(reader)) == [[0, 0, 0], [1, 1, 1], [2, 2, 2]]
    assert next(reader, "over") == "over"  # the end of the pass
    stream.commit(4)  # past the end marker: the next pass
    again = stacked_reads(lambda: stream)
    assert _numbers(next(again)) == [[3, 3, 3]]  # not stacked with the failure
    with pytest.raises(ValueError, match="batch 4 broken"):
        next(again)


def test_a_new_stacked_reader_reads_again_what_no_step_used() -> None:
    # Keras drops an iterator that read ahead: the next one starts at the
    # first batch no step used, so every batch is trained once, in order.
    stream = BatchStream("training", 32, continuous=True)
    for number in range(6):
        stream.put(_batch(number))
    first = stacked_reads(lambda: stream, items=4)
    assert [n[0] for n in _numbers(next(first))] == [0, 1, 2, 3]
    stream.commit(2)  # steps used batches 0 and 1
    second = stacked_reads(lambda: stream, items=4)
    assert [n[0] for n in _numbers(next(second))] == [2, 3, 4, 5]
    assert next(first, "superseded") == "superseded"  # the old reader ends


def test_a_stream_takes_no_more_than_the_fit_reads() -> None:
    # limit 5: the 5th put goes in, the 6th waits (however free the stream)
    # until the stream is closed, and is refused then.
    stream = BatchStream("training", 10, continuous=True, limit=5)
    for i in range(5):
        assert stream.has_room()
        assert stream.put(i)
    assert not stream.has_room()  # a main-thread producer makes no more
    result: list[bool] = []
    sixth = threading.Thread(target=lambda: result.append(stream.put(5)), daemon=True)
    sixth.start()
    stream.commit(5)  # all used: still no room past the limit
    time.sleep(0.12)
    assert sixth.is_alive() and stream.produced == 5
    stream.close()
    sixth.join(1.0)
    assert result == [False]


def test_room_asks_a_source_for_no_more_than_the_fit_reads() -> None:
    stream = BatchStream("training", 10, continuous=True, limit=13)
    assert stream.room(0, wait=False) == 10
    stream.commit(8)
    assert stream.room(10, wait=False) == 3  # 8 of 10 free, 3 left to ask for
    assert stream.room(13, wait=False) == 0
    done = threading.Event()
    waiter = threading.Thread(target=lambda: (stream.room(13, wait=True), done.set()),
                              daemon=True)
    waiter.start()
    stream.commit(13)
    assert not done.wait(0.12)  # all asked for: it waits for the end of the fit
    stream.close()
    assert done.wait(1.0)


def test_auto_queue_size_holds_64_mib_of_batches_from_10_to_1000() -> None:
    def batch(rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
        return (np.zeros((rows, cols), np.float32), np.zeros(rows, np.float32))

    assert auto_queue_size(batch(128, 784)) == (64 << 20) // (128 * 785 * 4)  # 166
    assert auto_queue_size(batch(32, 10)) == 1000
    assert auto_queue_size(batch(32, 224 * 224 * 3)) == 10


def test_set_capacity_lets_a_waiting_producer_go_on() -> None:
    stream = BatchStream("training", 2, continuous=True)
    assert stream.put(0) and stream.put(1)
    done = threading.Event()
    threading.Thread(target=lambda: (stream.put(2), done.set()), daemon=True).start()
    assert not done.wait(0.12)
    stream.set_capacity(20)
    assert done.wait(1.0)
    assert (stream.capacity, stream.refill_at, stream.queued()) == (20, 10, 3)
