"""The R worker processes of one source of one fit.

A pool takes warm workers (`kfit.workers.warm`) or starts new ones
(`kfit.workers.process`), sends each the fit's payload (the function, its
environments and globals, packages, seeds, written by `worker_prepare()`),
then carries requests and frames (`kfit.r.codec`). At the end of a fit that
ended cleanly it hands its workers back to be reused; otherwise (Ctrl-C,
an error, a worker's death) it stops them.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Sequence

from kfit import interrupt
from kfit.r.codec import Frame
from kfit.r.function import WorkerPlan
from kfit.workers import process
from kfit.workers.process import INDEX, NEXT, REQUEST, STOP, WorkerProcess
from kfit.workers.socket_reader import ConnectionClosed
from kfit.workers.warm import WARM

__all__ = ["INDEX", "NEXT", "STOP", "WorkerPool"]


class WorkerPool:
    """N R worker processes running one prepared R function.

    Args:
        plan: what `RFunction.prepare_workers()` prepared.
        workers: how many processes.
        label: names the function in messages ("The R generator `x`").
        start_timeout: seconds a new worker may take to connect.
    """

    def __init__(self, plan: WorkerPlan, workers: int, *, label: str,
                 start_timeout: float = 120.0) -> None:
        self.plan = plan
        self.label = label
        self.size = workers
        self.start_timeout = start_timeout
        self._workers: list[WorkerProcess] = []
        self._stopping = False  # interrupt(): readers stop waiting
        self._clean = True  # no error seen: the workers may be reused
        self._wake_r, self._wake_w = os.pipe()
        self._key = (plan.rscript, tuple(plan.libpaths), plan.main)
        self._reused = 0

    @property
    def reused(self) -> int:
        """How many of the workers served an earlier fit."""
        return self._reused

    # -- start ---------------------------------------------------------------
    def start(self) -> None:
        """Take warm workers or start new ones, and give each the fit."""
        try:
            self._workers = WARM.take(self._key, self.size) if self.plan.reuse else []
            self._reused = len(self._workers)
            self._workers += self._start_new(self.size - self._reused)
            for number in range(1, self.size + 1):
                worker = self._workers[number - 1]
                try:
                    worker.load(self.plan.payload, number)
                except OSError as error:
                    if number > self._reused:
                        raise worker.died(self.label, "before it started") from error
                    worker.stop(0.0)  # a warm worker that died since: replaced
                    self._reused -= 1
                    worker = self._workers[number - 1] = self._start_new(1)[0]
                    worker.load(self.plan.payload, number)
                assert worker.reader is not None
                worker.reader.wake = self._wake_r
        except BaseException:
            self._clean = False
            self.close()
            raise

    def _start_new(self, count: int) -> list[WorkerProcess]:
        """`count` new workers, each connected."""
        if count <= 0:
            return []
        plan = self.plan
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        started: list[WorkerProcess] = []
        try:
            listener.bind(("127.0.0.1", 0))
            listener.listen(count)
            listener.settimeout(0.1)
            port = listener.getsockname()[1]
            for _ in range(count):
                started.append(process.spawn(
                    spawn_id=WARM.next_id(), port=port, token=WARM.token,
                    bootstrap=plan.main, rscript=plan.rscript, libpaths=plan.libpaths,
                    tmp_root=plan.tmpdir, key=self._key, label=self.label,
                    on_end=WARM.forget))
            process.accept(listener, {w.spawn_id: w for w in started}, WARM.token,
                           timeout=self.start_timeout, label=self.label)
        except BaseException:
            for worker in started:
                worker.stop(0.0)
            raise
        finally:
            listener.close()
        return started

    # -- requests and replies -----------------------------------------------
    def send(self, worker: int, requests: Sequence[tuple[int, int]]) -> None:
        """Send requests, (op, argument) each, to worker `worker` (1-based),
        in one write."""
        w = self._workers[worker - 1]
        try:
            w.send(b"".join(REQUEST.pack(op, argument) for op, argument in requests))
        except OSError as error:
            self._clean = False
            raise w.died(self.label, "while kfit sent it a request") from error

    def receive(self, worker: int) -> Frame:
        """The next frame from worker `worker`; its death is a KfitWorkerError."""
        w = self._workers[worker - 1]
        try:
            assert w.reader is not None
            return process.read_frame(w.reader)
        except (ConnectionClosed, OSError, AssertionError) as error:
            if self._stopping:
                raise ConnectionClosed() from error
            self._clean = False
            raise w.died(self.label, "while it made a batch") from error
        except BaseException:  # Ctrl-C in the middle of a frame
            self._clean = False
            raise

    # -- stop ----------------------------------------------------------------
    def interrupt(self) -> None:
        """Make readers waiting for a frame stop waiting (from any thread)."""
        self._stopping = True
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")

    def close(self, clean: bool = True) -> None:
        """Hand the workers back to be reused, when the fit ended `clean`
        and nothing went wrong here; else stop them: STOP, then SIGKILL after
        1 s, or after 0.1 s when the fit did not end cleanly (a worker may
        be deep in user code that cannot hear STOP). Either way, nothing of
        this pool is left."""
        self.interrupt()
        clean = clean and self._clean and not interrupt.pending()
        keep = clean and self.plan.reuse and self.plan.idle > 0
        for w in self._workers:
            reader = w.reader
            if reader is not None:
                reader.wake = None
            if keep and w.alive() and reader is not None and not reader.frame_open:
                WARM.park(w)
            else:
                w.stop(1.0 if clean else 0.1)
        self._workers = []
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._wake_r = self._wake_w = -1
        with contextlib.suppress(OSError):
            os.remove(self.plan.payload)
