"""Warm workers: R worker processes kept between fits.

Starting an R worker costs about 0.2 s (Rscript, the payload, the socket),
which a short `fit()` pays in full. So a pool hands its workers back here
when its fit ended cleanly, and the next pool with the same R (Rscript,
library paths, kfit's shared library) takes them instead of starting new
ones. What keeps fits apart:

- each fit sends its own payload (LOAD): its function with its
  environments, its globals, packages and seeds (`worker_setup()` in
  `r_pkg/R/worker.R`);
- after each fit the worker removes the fit's globals, detaches the
  packages it attached, restores the options it changed, empties its
  `tempdir()` and collects garbage (`worker_reset()`), then answers "idle".
  Namespaces a fit loaded stay loaded.

A worker the fit did not end cleanly with (Ctrl-C, an error, a death) is
stopped, never handed back. An idle worker ends by itself after the fit's
`kfit.worker_idle_timeout` (R option, seconds, 300 by default) without a new
fit, when the session ends (its socket closes; the kernel's parent-death
signal if the session is killed), or at `stop_idle()` (R:
`kfit_stop_workers()`). `options(kfit.worker_reuse = FALSE)` turns reuse
off: each fit starts its workers and stops them at its end.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import secrets
import threading
import time
from typing import Any

from kfit import interrupt
from kfit.workers.process import REQUEST, RESET, WorkerProcess, read_frame
from kfit.workers.socket_reader import ConnectionClosed

MAX_IDLE = 16  # idle workers kept at most (the oldest go first)
# Seconds a new fit waits for workers still finishing the last fit (a reset
# is a gc() and an unlink, milliseconds, but seconds on a loaded machine: a
# new R process costs more). One not idle by then is stopped, so that the
# session never keeps more idle workers than its fits use.
_TAKE_WAIT = 5.0


class WarmWorkers:
    """The session's idle workers (one instance: `WARM`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._parked: list[WorkerProcess] = []  # idle, or finishing their fit
        self._resets: dict[int, threading.Thread] = {}
        self._ids = itertools.count(1)
        self.token = secrets.token_hex(16)

    def next_id(self) -> int:
        return next(self._ids)

    def take(self, key: Any, count: int) -> list[WorkerProcess]:
        """Up to `count` idle workers for R `key`, no longer parked. Waits
        (`_TAKE_WAIT`) for workers still finishing their last fit, and stops
        those that do not finish in time."""
        end = time.monotonic() + _TAKE_WAIT
        while True:
            with self._lock:
                mine = [w for w in self._parked if w.key == key and w.alive()]
                ready = [w for w in mine if w.idle.is_set()]
                late = time.monotonic() > end
                if len(ready) >= count or len(ready) == len(mine) or late:
                    taken = ready[:count]
                    stuck = [w for w in mine if not w.idle.is_set()] if late else []
                    for worker in taken + stuck:
                        self._parked.remove(worker)
                    break
            time.sleep(0.005)
            interrupt.raise_pending()  # one that came in threading's code
        for worker in stuck:
            self._stop(worker)
        return taken

    def park(self, worker: WorkerProcess) -> None:
        """Take back `worker` after a clean fit: RESET it and read what it
        still sends until it is idle (on a thread of its own)."""
        try:
            worker.idle.clear()
            worker.send(REQUEST.pack(RESET, 0))
        except OSError:
            worker.stop(0.0)
            return
        with self._lock:
            self._parked.append(worker)
            extra = self._parked[:-MAX_IDLE] if len(self._parked) > MAX_IDLE else []
            for old in extra:
                self._parked.remove(old)
        for old in extra:
            self._stop(old)
        thread = threading.Thread(target=self._reset, args=(worker,), daemon=True,
                                  name=f"kfit-worker-{worker.spawn_id}-reset")
        self._resets[worker.spawn_id] = thread
        thread.start()

    def _reset(self, worker: WorkerProcess) -> None:
        reader = worker.reader
        try:
            assert reader is not None
            reader.wake = None
            while read_frame(reader).kind != "idle":
                pass  # batches asked for ahead of the fit's end: unused
            worker.idle.set()
        except (ConnectionClosed, OSError, AssertionError, ValueError):
            self.forget(worker)
            worker.stop(0.0)
        finally:
            self._resets.pop(worker.spawn_id, None)

    def forget(self, worker: WorkerProcess) -> None:
        """`worker` ended (idle time out, killed): no longer kept."""
        with self._lock:
            if worker in self._parked:
                self._parked.remove(worker)

    def pids(self) -> list[int]:
        """The process ids of the workers kept now (one that ended is kept
        until it was reaped and its files removed)."""
        with self._lock:
            return [w.pid for w in self._parked]

    def _stop(self, worker: WorkerProcess) -> None:
        worker.stop(1.0)
        thread = self._resets.get(worker.spawn_id)
        if thread is not None:
            thread.join(timeout=2.0)

    def stop_idle(self) -> int:
        """Stop every kept worker now; returns how many were running."""
        with self._lock:
            parked, self._parked = self._parked, []
        running = sum(1 for w in parked if w.alive())
        for worker in parked:
            with contextlib.suppress(OSError):
                self._stop(worker)
        return running


WARM = WarmWorkers()
atexit.register(WARM.stop_idle)


def stop_idle() -> int:
    """Stop the session's idle R workers now; returns how many there were."""
    return WARM.stop_idle()
