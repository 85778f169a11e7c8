"""R worker processes (`kfit.workers.pool`): how they end and what they
leave, whatever they were doing when the session stopped them."""

from __future__ import annotations

import os
import time

import rpy2.robjects as ro

from kfit.r.rpy2_host import r_function
from kfit.workers.pool import NEXT, WorkerPool


def _pool(code: str) -> WorkerPool:
    plan = r_function(ro.r(code), label="The R generator `gen`").prepare_workers(1)
    pool = WorkerPool(plan, 1, label="The R generator `gen`")
    pool.start()
    return pool


def test_a_worker_cut_off_in_the_middle_of_a_batch_ends_quietly() -> None:
    # 32 MB batches: the second one fills the socket and the worker blocks in
    # the middle of writing it when the session closes the pool.
    pool = _pool("function() list(matrix(0.5, 4096, 2048), matrix(1, 4096, 1))")
    tmpdir = pool._tmpdir
    assert tmpdir is not None and os.path.isdir(tmpdir)
    pool.send(1, [(NEXT, 0)] * 3)
    first = pool.receive(1)
    assert first.kind == "batch"
    assert first.value is not None
    time.sleep(1.0)
    pool.close()
    worker = pool._workers[0]
    assert worker.process.returncode == 0  # it ended by itself, not killed
    assert list(worker.stderr) == []  # no "problem writing to connection"
    assert not os.path.exists(tmpdir)


def test_a_worker_deep_in_user_code_is_killed_at_once_and_leaves_no_files() -> None:
    pool = _pool("function() { Sys.sleep(600); NULL }")
    tmpdir = pool._tmpdir
    assert tmpdir is not None
    pool.send(1, [(NEXT, 0)])
    time.sleep(0.5)
    # its R session's temporary directory lives in the pool's
    assert [name[:4] for name in os.listdir(tmpdir)] == ["Rtmp"]
    started = time.monotonic()
    pool.interrupt()  # Ctrl-C or an error: the session stops reading
    pool.close()
    assert time.monotonic() - started < 0.6
    assert pool._workers[0].process.returncode == -9
    assert not os.path.exists(tmpdir)
