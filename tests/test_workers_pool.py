"""kfit.workers.pool.WorkerPool: a fit's R workers, taken warm or started,
and what their end leaves: parked for the next fit after a clean one,
stopped after anything else or with reuse off; never a file."""

from __future__ import annotations

import os

import pytest

from kfit.workers import warm
from kfit.workers.pool import NEXT

from support import first_value, start_pool

GENERATOR = "function() list(matrix(1, 4, 2), matrix(0, 4, 1))"


@pytest.mark.parametrize("clean, reuse, parked", [
    (True, True, True), (False, True, False), (True, False, False)])
def test_close_parks_its_workers_only_after_a_clean_fit_with_reuse_on(
        clean: bool, reuse: bool, parked: bool) -> None:
    warm.stop_idle()
    pool = start_pool(GENERATOR, reuse=reuse)
    pid = pool._workers[0].pid
    payload = pool.plan.payload
    pool.send(1, [(NEXT, 0)])
    assert first_value(pool) == 1.0
    pool.close(clean=clean)
    assert warm.WARM.pids() == ([pid] if parked else [])
    assert os.path.exists(f"/proc/{pid}") == parked  # else ended and reaped
    assert not os.path.exists(payload)  # the fit's payload file is gone
    warm.stop_idle()
    assert not os.path.exists(f"/proc/{pid}")


def test_a_pool_takes_a_parked_worker_before_starting_one() -> None:
    warm.stop_idle()
    first = start_pool(GENERATOR)
    pid = first._workers[0].pid
    first.close()
    second = start_pool(GENERATOR)
    assert (second.reused, second._workers[0].pid) == (1, pid)
    second.close(clean=False)
    assert warm.WARM.pids() == [] and not os.path.exists(f"/proc/{pid}")

