"""kfit.workers.pool.WorkerPool: a fit's R workers, taken warm or started,
and what their end leaves: parked for the next fit after a clean one,
stopped after anything else or with reuse off; never a file."""

from __future__ import annotations

import dataclasses
import os

import numpy as np
import pytest
import rpy2.robjects as ro

from kfit.r.rpy2_host import r_function
from kfit.workers import warm
from kfit.workers.pool import NEXT, WorkerPool

GENERATOR = "function() list(matrix(1, 4, 2), matrix(0, 4, 1))"


def _pool(code: str, *, reuse: bool = True) -> WorkerPool:
    plan = r_function(ro.r(code), label="The R generator `gen`").prepare_workers(1)
    pool = WorkerPool(dataclasses.replace(plan, reuse=reuse), 1,
                      label="The R generator `gen`")
    pool.start()
    return pool


def _first_value(pool: WorkerPool) -> float:
    frame = pool.receive(1)
    assert frame.kind == "batch"
    return float(np.asarray(frame.value.items[0].data)[0])


@pytest.mark.parametrize("clean, reuse, parked", [
    (True, True, True), (False, True, False), (True, False, False)])
def test_close_parks_its_workers_only_after_a_clean_fit_with_reuse_on(
        clean: bool, reuse: bool, parked: bool) -> None:
    warm.stop_idle()
    pool = _pool(GENERATOR, reuse=reuse)
    pid = pool._workers[0].pid
    payload = pool.plan.payload
    pool.send(1, [(NEXT, 0)])
    assert _first_value(pool) == 1.0
    pool.close(clean=clean)
    assert warm.WARM.pids() == ([pid] if parked else [])
    assert os.path.exists(f"/proc/{pid}") == parked  # else ended and reaped
    assert not os.path.exists(payload)  # the fit's payload file is gone
    warm.stop_idle()
    assert not os.path.exists(f"/proc/{pid}")


def test_a_pool_takes_a_parked_worker_before_starting_one() -> None:
    warm.stop_idle()
    first = _pool(GENERATOR)
    pid = first._workers[0].pid
    first.close()
    second = _pool(GENERATOR)
    assert (second.reused, second._workers[0].pid) == (1, pid)
    second.close(clean=False)
    assert warm.WARM.pids() == [] and not os.path.exists(f"/proc/{pid}")

