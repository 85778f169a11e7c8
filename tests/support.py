"""Helpers shared by the tests of data sources, generators and R workers."""

from __future__ import annotations

import _thread
import contextlib
import faulthandler
import threading
import time

import numpy as np
import pytest

import kfit


@contextlib.contextmanager
def deadline(seconds: float = 120.0):
    """Fail (instead of hanging the suite) when fit() does not return in time.

    A hang detector, not a timing check: `make test` runs pytest beside the
    R suites, so a fit that takes a second alone may take many. On expiry it
    writes every thread's stack to stderr (where it hung), then interrupts
    the main thread like Ctrl-C: kfit stops the run and re-raises
    KeyboardInterrupt, which becomes a test failure here.
    """
    def expire() -> None:
        faulthandler.dump_traceback(all_threads=True)
        _thread.interrupt_main()

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    except KeyboardInterrupt:
        pytest.fail(f"fit() did not return within {seconds} s (deadlock); it was "
                    "interrupted")
    finally:
        timer.cancel()


def fit(*args, **kwargs):
    """kfit.fit() that fails the test instead of hanging it."""
    with deadline():
        return kfit.fit(*args, **kwargs)


def fit_generator(*args, **kwargs):
    """kfit.fit_generator() that fails the test instead of hanging it."""
    with deadline():
        return kfit.fit_generator(*args, **kwargs)


def kfit_threads() -> list[str]:
    """kfit's threads, but for those of warm R workers kept between fits."""
    from kfit.workers.warm import WARM

    kept = {f"kfit-worker-{w.spawn_id}-{part}" for w in WARM._parked
            for part in ("stderr", "reset")}
    return sorted(t.name for t in threading.enumerate()
                  if t.name.startswith("kfit-") and t.name not in kept)


def assert_threads_back(count_before: int, timeout: float = 60.0) -> None:
    """No kfit thread is left and the thread count is back to `count_before`
    (within `timeout`: on a loaded 2-core machine, pools take seconds to end)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not kfit_threads() and threading.active_count() <= count_before:
            return
        time.sleep(0.05)
    left = kfit_threads()
    assert left == [], left
    assert threading.active_count() == count_before, [
        t.name for t in threading.enumerate()]


def weights_of(model) -> list[np.ndarray]:
    return [np.array(w) for w in model.get_weights()]


def assert_same_weights(a, b) -> None:
    assert len(a) == len(b)
    for wa, wb in zip(a, b, strict=True):
        np.testing.assert_array_equal(wa, wb)


# -- batches and the sources that yield them ------------------------------------


def make_batches(n: int, size: int = 16, *, last: int | None = None, n_in: int = 4,
                 seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """`n` batches (x, y); x[:, 0] holds the batch number (a marker)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        rows = last if (last is not None and i == n - 1) else size
        x = rng.normal(size=(rows, n_in)).astype("float32")
        x[:, 0] = i
        y = rng.integers(0, 3, size=rows).astype("int32")
        out.append((x, y))
    return out


def cycle(batches):
    """An endless Python generator over `batches`."""
    while True:
        yield from batches


def once(batches):
    """A Python generator that ends after `batches`."""
    yield from batches


def make_py_dataset(keras, batches, *, delay=None, **kwargs):
    class Batches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__(**kwargs)
            self.threads: list[str] = []
            self.calls: list[int] = []

        def __len__(self):
            return len(batches)

        def __getitem__(self, index):
            self.threads.append(threading.current_thread().name)
            self.calls.append(index)
            if delay is not None:
                time.sleep(delay(index))
            return batches[index]

    return Batches()


# -- R worker processes ----------------------------------------------------------


def start_pool(code: str, *, reuse: bool = True):
    """A started `WorkerPool` of one R worker running the R function `code`."""
    import dataclasses

    import rpy2.robjects as ro

    from kfit.r.rpy2_host import r_function
    from kfit.workers.pool import WorkerPool

    plan = r_function(ro.r(code), label="The R generator `gen`").prepare_workers(1)
    pool = WorkerPool(dataclasses.replace(plan, reuse=reuse), 1,
                      label="The R generator `gen`")
    pool.start()
    return pool


def first_value(pool) -> float:
    """The first value of the next batch worker 1 sends."""
    frame = pool.receive(1)
    assert frame.kind == "batch"
    return float(np.asarray(frame.value.items[0].data)[0])
