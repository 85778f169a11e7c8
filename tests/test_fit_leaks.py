"""A fit owns what it starts: after 50 fits on one model, ended normally, by
an error and by Ctrl-C, no stream, adapter, producer, thread, worker process
or temporary file of theirs is left but the last fit's warm R worker, and
nothing once it is stopped (counted, not inferred from memory; the memory
itself is reported by bench/fit_leaks.py)."""

from __future__ import annotations

import gc
import glob
import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import rpy2.robjects as ro

import kfit
from kfit.data.keras_adapter import StreamAdapter
from kfit.data.producer import StreamProducer
from kfit.data.stream import BatchStream
from kfit.workers import warm
from kfit.workers.pool import WorkerPool

from support import deadline, kfit_threads

pytestmark = pytest.mark.trains  # see conftest.py

ROWS, COLUMNS = 800, 2000  # 6.4 MB of float32 per batch


def kfit_objects() -> dict[str, int]:
    gc.collect()
    kinds = (BatchStream, StreamAdapter, StreamProducer, WorkerPool)
    counts = {kind.__name__: 0 for kind in kinds}
    queued = 0
    for obj in gc.get_objects():
        for kind in kinds:
            if isinstance(obj, kind):
                counts[kind.__name__] += 1
                if kind is BatchStream:
                    queued += obj.queued()
    counts["queued batches"] = queued
    return counts


def child_processes() -> list[int]:
    me = str(os.getpid())
    children = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:
            children.append(int(stat.split("/")[2]))
    return children


def worker_files() -> list[str]:
    tmp = str(ro.r("tempdir()")[0])
    return sorted(glob.glob(os.path.join(tmp, "kfit-worker-*")) +
                  glob.glob(os.path.join(tmp, "kfit-wtmp-*")))


def batches(fail_at: int | None = None):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(ROWS, COLUMNS)).astype("float32")
    y = rng.normal(size=(ROWS, 1)).astype("float32")
    n = 0
    while True:
        n += 1
        if n == fail_at:
            raise RuntimeError(f"batch {n} is broken")
        yield x, y


class CtrlC:
    """A real SIGINT at the second batch."""

    def __new__(cls, keras):
        class Interrupt(keras.callbacks.Callback):
            def on_train_batch_begin(self, batch, logs=None):
                if batch == 1:
                    signal.raise_signal(signal.SIGINT)

        return Interrupt()


R_GENERATOR = """local({ n <- 0; function() { n <<- n + 1
  if (n == %d) stop("batch broken")
  list(matrix(0.5, 200, 2000), matrix(1, 200, 1)) } })"""


def test_fifty_fits_leave_nothing_behind(keras) -> None:
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((COLUMNS,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    gc.collect()
    threads_before = threading.active_count()
    warm.stop_idle()  # an earlier test's
    kfit_threads_before = kfit_threads()  # an earlier test's are not ours
    before = kfit_objects()
    files_before = worker_files()
    outcomes = {"done": 0, "error": 0, "interrupt": 0}
    errors: list[str] = []  # shown when the counts are off
    for i in range(50):
        kind = ["done", "error", "interrupt", "validation", "r"][i % 5]
        with deadline():
            try:
                if kind == "done":
                    kfit.fit(model, batches(), steps_per_epoch=3, verbose=0)
                elif kind == "error":
                    kfit.fit(model, batches(fail_at=2), steps_per_epoch=3, verbose=0)
                elif kind == "interrupt":
                    kfit.fit(model, batches(), steps_per_epoch=3, epochs=2,
                             verbose=0, callbacks=[CtrlC(keras)])
                elif kind == "validation":
                    kfit.fit(model, batches(), steps_per_epoch=2, verbose=0,
                             validation_data=batches(), validation_steps=2)
                else:  # an R worker process: alternately ends well and fails
                    fail = 2 if i % 10 == 4 else 0
                    kfit.fit(model, ro.r(R_GENERATOR % fail), steps_per_epoch=2,
                             verbose=0)
                outcomes["done"] += 1
            except kfit.KfitTrainingError as error:
                outcomes["error"] += 1
                errors.append(f"fit {i} ({kind}): {error}")
            except KeyboardInterrupt:
                outcomes["interrupt"] += 1
    assert outcomes == {"done": 25, "error": 15, "interrupt": 10}, "\n".join(errors)
    assert kfit_objects() == before == {"BatchStream": 0, "StreamAdapter": 0,
                                        "StreamProducer": 0, "WorkerPool": 0,
                                        "queued batches": 0}
    # The last fit ended well: its worker waits for the next one, alone.
    idle = warm.WARM.pids()
    assert len(idle) == 1
    assert child_processes() == idle
    end = time.monotonic() + 60
    while kfit_threads() != kfit_threads_before and time.monotonic() < end:
        time.sleep(0.05)
    assert kfit_threads() == kfit_threads_before  # but the warm worker's
    assert len(worker_files()) == len(files_before) + 1  # its temporary directory
    assert warm.stop_idle() == 1
    end = time.monotonic() + 60
    while kfit_threads() != kfit_threads_before and time.monotonic() < end:
        time.sleep(0.05)
    assert kfit_threads() == kfit_threads_before
    assert threading.active_count() <= threads_before
    assert child_processes() == []
    assert worker_files() == files_before
