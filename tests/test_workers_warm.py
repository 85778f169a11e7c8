"""kfit.workers.warm: a worker outlives its fit; the next fit takes it, without
the batches the last one asked for ahead."""

from __future__ import annotations

import os
import threading

import kfit
from kfit.workers import warm
from kfit.workers.pool import NEXT

from support import first_value, start_pool


def test_a_warm_worker_drops_the_batches_asked_ahead_and_serves_the_next_fit() -> None:
    # Each fit's generator counts its batches in their values: the next fit
    # must start at its own batch 1, in the same process, whatever the last
    # one left unread (3 batches of 400 KB asked for, 1 read).
    code = ("local({ i <- 0; function() { i <<- i + 1; "
            "list(matrix(i, 128, 784), matrix(i, 128, 1)) } })")
    first = start_pool(code)
    pid = first._workers[0].pid
    first.send(1, [(NEXT, 3)])  # one request for 3 batches
    assert first_value(first) == 1.0
    first.close()
    assert warm.WARM.pids() == [pid]
    second = start_pool(code)
    assert second.reused == 1
    assert second._workers[0].pid == pid
    second.send(1, [(NEXT, 0)] * 2)
    assert [first_value(second), first_value(second)] == [1.0, 2.0]
    second.close()
    assert kfit.stop_workers() == 1
    assert warm.WARM.pids() == []
    assert not os.path.exists(f"/proc/{pid}")  # ended and reaped


CODE = ("local({ i <- 0; function() { i <<- i + 1; "
        "list(matrix(i, 4, 3), matrix(i, 4, 1)) } })")


def _parked_busy() -> tuple[object, int]:
    """A worker parked after a fit, made to look still busy resetting."""
    pool = start_pool(CODE)
    pool.send(1, [(NEXT, 0)])
    assert first_value(pool) == 1.0
    worker = pool._workers[0]
    pool.close()
    assert worker.idle.wait(10)
    worker.idle.clear()  # as if its reset (gc(), files) were still running
    return worker, worker.pid


def test_the_next_fit_waits_for_a_worker_still_resetting(monkeypatch) -> None:
    worker, pid = _parked_busy()
    threading.Timer(0.3, worker.idle.set).start()  # a slow reset, under load
    pool = start_pool(CODE)
    try:
        assert pool.reused == 1 and pool._workers[0].pid == pid
    finally:
        pool.close()
        kfit.stop_workers()


def test_a_worker_not_idle_in_time_is_stopped_not_kept(monkeypatch) -> None:
    # Not idle within the wait: a new worker serves the fit, and the stuck
    # one ends, so the idle workers never outnumber what the fits use.
    monkeypatch.setattr(warm, "_TAKE_WAIT", 0.3)
    _, stuck = _parked_busy()
    pool = start_pool(CODE)
    try:
        assert pool.reused == 0
        fresh = pool._workers[0].pid
        assert fresh != stuck and not os.path.exists(f"/proc/{stuck}")
    finally:
        pool.close()
    assert warm.WARM.pids() == [fresh]
    assert kfit.stop_workers() == 1
