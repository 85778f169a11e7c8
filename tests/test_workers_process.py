"""kfit.workers.process: one R worker process, how it ends whatever it was
doing, and the frames it sends (a structure sent once, described again when
it changes)."""

from __future__ import annotations

import os
import time

import numpy as np

from kfit.workers import process, warm
from kfit.workers.pool import NEXT
from kfit.workers.process import RESET

from support import first_value, start_pool


def test_a_worker_cut_off_in_the_middle_of_a_batch_ends_quietly() -> None:
    # 32 MB batches: the second one fills the socket and the worker blocks in
    # the middle of writing it when the session closes the pool.
    pool = start_pool("function() list(matrix(0.5, 4096, 2048), matrix(1, 4096, 1))",
                 reuse=False)
    worker = pool._workers[0]
    assert os.path.isdir(worker.tmpdir)
    pool.send(1, [(NEXT, 0)] * 3)
    assert first_value(pool) == 0.5
    time.sleep(1.0)
    pool.close()
    assert worker.process.returncode == 0  # it ended by itself, not killed
    assert list(worker.stderr) == []  # no "problem writing to connection"
    assert not os.path.exists(worker.tmpdir)
    assert worker.pid not in warm.WARM.pids()  # not parked for reuse


def test_a_worker_deep_in_user_code_is_killed_at_once_and_leaves_no_files() -> None:
    pool = start_pool("function() { Sys.sleep(600); NULL }")
    worker = pool._workers[0]
    pool.send(1, [(NEXT, 0)])
    time.sleep(0.5)
    # its R session's temporary directory lives in one of the worker's own
    assert [name[:4] for name in os.listdir(worker.tmpdir)] == ["Rtmp"]
    started = time.monotonic()
    pool.interrupt()  # Ctrl-C or an error: the session stops reading
    pool.close(clean=False)
    assert time.monotonic() - started < 0.6
    assert worker.process.returncode == -9
    assert not os.path.exists(worker.tmpdir)
    assert worker.pid not in warm.WARM.pids()  # not parked for reuse


def test_a_batch_whose_structure_changes_is_described_again(monkeypatch) -> None:
    # A worker sends a batch's structure only when it differs from the last
    # batch's (else an empty header): every batch decodes as its own.
    code = ("local({ i <- 0; function() { i <<- i + 1; rows <- c(4, 4, 2, 2, 2)[i]; "
            "b <- list(matrix(i, rows, 3), rep(i, rows)); "
            "if (i == 5) names(b) <- c('x', 'y'); b } })")
    pool = start_pool(code)
    parsed: list[int] = []
    parse = process.buffer_sizes
    monkeypatch.setattr(process, "buffer_sizes",
                        lambda header: parsed.append(1) or parse(header))
    pool.send(1, [(NEXT, 0)] * 5)
    frames = [pool.receive(1) for _ in range(5)]
    pool.close()
    assert len(parsed) == 3  # batches 1, 3 (2 rows) and 5 (names): described
    seen = []
    for frame in frames:
        x, y = frame.value.items
        values = np.asarray(x.data).reshape(x.dim)
        seen.append((int(values[0, 0]), x.dim, int(np.asarray(y.data)[0]),
                     frame.value.names))
    assert [s[0] for s in seen] == [1, 2, 3, 4, 5] == [s[2] for s in seen]
    assert [s[1] for s in seen] == [(4, 3), (4, 3), (2, 3), (2, 3), (2, 3)]
    assert [s[3] for s in seen] == [None] * 4 + [["x", "y"]]
    warm.stop_idle()


def test_one_request_asks_for_a_group_of_batches_each_its_own_frame() -> None:
    # NEXT 5: five calls of the generator, five frames in order, the
    # structure described by the first only.
    code = ("local({ i <- 0; function() { i <<- i + 1; "
            "list(matrix(i, 32, 10), rep(i, 32)) } })")
    pool = start_pool(code)
    pool.send(1, [(NEXT, 5)])
    frames = [pool.receive(1) for _ in range(5)]
    pool.close()
    assert [int(f.value.items[0].data[0]) for f in frames] == [1, 2, 3, 4, 5]
    assert [f.repeat for f in frames] == [False, True, True, True, True]


def test_a_slow_generators_batch_is_not_held_for_the_next_one() -> None:
    # Each batch carries when R made it (seconds since t0): with 0.2 s a
    # call, batch 1 must have arrived before batch 3 was begun.
    t0 = time.time()
    code = (f"local({{ i <- 0; t0 <- {t0!r}; function() {{ i <<- i + 1; "
            "Sys.sleep(0.2); made <- as.numeric(Sys.time()) - t0; "
            "list(matrix(made, 2, 1), rep(i, 2)) } })")
    pool = start_pool(code)
    pool.send(1, [(NEXT, 3)])
    first = pool.receive(1)
    arrived = time.time() - t0
    rest = [pool.receive(1) for _ in range(2)]
    pool.close()
    made = [float(f.value.items[0].data[0]) for f in [first, *rest]]
    assert [int(f.value.items[1].data[0]) for f in [first, *rest]] == [1, 2, 3]
    assert made[0] < made[1] < made[2]
    assert arrived < made[2] - 0.19  # before batch 3's call began


def test_a_reset_in_the_middle_of_a_group_skips_the_batches_left() -> None:
    # NEXT 50 of a 0.05 s generator, RESET after its 2nd batch (the fit is
    # over): the worker makes at most the batch it is in and answers "idle",
    # instead of making the 48 others first (2.4 s of R work that would
    # compete with the next fit). Each batch carries its call number.
    code = ("local({ i <- 0; function() { i <<- i + 1; Sys.sleep(0.05); "
            "list(matrix(i, 4, 2), rep(i, 4)) } })")
    pool = start_pool(code, reuse=False)
    try:
        pool.send(1, [(NEXT, 50)])
        got = [int(pool.receive(1).value.items[0].data[0]) for _ in range(2)]
        t0 = time.monotonic()
        pool.send(1, [(RESET, 0)])
        after = []
        while (frame := pool.receive(1)).kind != "idle":
            after.append(int(frame.value.items[0].data[0]))
        waited = time.monotonic() - t0
    finally:
        pool.close(clean=False)
    assert got == [1, 2]
    assert after == list(range(3, 3 + len(after))) and len(after) <= 2, after
    assert waited < 1.0, waited
