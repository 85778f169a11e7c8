"""Start, talk to and stop R worker processes.

Each worker is a fresh `Rscript` that reads the payload `worker_prepare()`
wrote in the session (the function, its environments and globals, packages,
seeds, and the worker's own code, so kfit's R namespace is not loaded),
runs `worker_main()` from it, connects back to a socket
on 127.0.0.1 (with a one-time token), and answers requests with frames
(`kfit.r.codec`). Workers run in their own process group, so a Ctrl-C in
the terminal reaches the session only; the session stops them. If the
session dies, the kernel kills them (`_dies_with_this_process`).

A pool's workers keep their R temporary directories in one directory the
pool owns and removes when it closes, so a worker killed in the middle of
its work leaves no `Rtmp*` directory behind.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Sequence

from kfit import console, interrupt
from kfit.errors import KfitWorkerError
from kfit.r.codec import Frame, buffer_sizes, decode
from kfit.r.function import WorkerPlan
from kfit.workers.socket_reader import ConnectionClosed, SocketReader

STOP, NEXT, INDEX = 0, 1, 2
_REQUEST = struct.Struct("<ii")  # a request: op, argument (little-endian int32)
_STDERR_LINES = 20


def describe_exit(returncode: int | None) -> str:
    """How a process ended, in words."""
    if returncode is None:
        return "still running"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = "unknown signal"
        return f"killed by signal {-returncode} ({name})"
    return f"exited with status {returncode}"


def _dies_with_this_process(command: list[str]) -> list[str]:
    """`command`, killed by the kernel when this process dies (SIGKILL, OOM,
    RStudio's "Terminate R"), whatever it is doing: Linux's parent-death
    signal, set by util-linux's `setpriv` before it execs the command (the
    signal survives the exec; Rscript execs R in place). The fork happens on
    the thread that starts the pool, the main thread, which lives as long as
    the process. Where there is no `setpriv` (not Linux), a worker ends when
    it next touches its socket."""
    setpriv = _setpriv()
    return command if setpriv is None else [setpriv, "--pdeathsig", "KILL", *command]


@functools.cache
def _setpriv() -> str | None:
    return shutil.which("setpriv") if sys.platform.startswith("linux") else None


class _Worker:
    def __init__(self, number: int, process: subprocess.Popen[bytes]) -> None:
        self.number = number  # 1-based
        self.process = process
        self.sock: socket.socket | None = None
        self.reader: SocketReader | None = None
        self.stderr: deque[str] = deque(maxlen=_STDERR_LINES)
        self.drain = threading.Thread(target=self._drain, daemon=True,
                                      name=f"kfit-worker-{number}-stderr")
        self.drain.start()

    def _drain(self) -> None:
        """Pass on the worker's stderr (R warnings, messages; see
        `kfit.console`) and keep its tail."""
        stream = self.process.stderr
        assert stream is not None
        for line in iter(stream.readline, b""):
            text = line.decode("utf-8", "replace")
            self.stderr.append(text.rstrip("\n"))
            console.post(f"[kfit worker {self.number}] {text}")


class WorkerPool:
    """N R worker processes running one prepared R function.

    Args:
        plan: what `RFunction.prepare_workers()` prepared.
        workers: how many processes.
        label: names the function in messages ("The R generator `x`").
        start_timeout: seconds a worker may take to connect.
    """

    def __init__(self, plan: WorkerPlan, workers: int, *, label: str,
                 start_timeout: float = 120.0) -> None:
        self.plan = plan
        self.label = label
        self.size = workers
        self.start_timeout = start_timeout
        self._token = secrets.token_hex(16)
        self._workers: list[_Worker] = []
        self._closed = False
        self._tmpdir: str | None = None

    # -- start ---------------------------------------------------------------
    def start(self) -> None:
        """Start the processes and wait until each has connected."""
        self._tmpdir = tempfile.mkdtemp(prefix="kfit-workers-")
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.bind(("127.0.0.1", 0))
            listener.listen(self.size)
            listener.settimeout(0.1)
            port = listener.getsockname()[1]
            for number in range(1, self.size + 1):
                self._workers.append(_Worker(number, self._spawn(number, port)))
            self._accept(listener)
        except BaseException:
            self.close()
            raise
        finally:
            listener.close()

    def _spawn(self, number: int, port: int) -> subprocess.Popen[bytes]:
        env = dict(os.environ)
        env.update(KFIT_WORKER_PORT=str(port), KFIT_WORKER_TOKEN=self._token,
                   KFIT_WORKER_ID=str(number), KFIT_WORKER_PAYLOAD=self.plan.payload,
                   R_LIBS=os.pathsep.join(self.plan.libpaths),
                   TMPDIR=self._tmpdir or tempfile.gettempdir())
        command = [self.plan.rscript, "--no-echo", "--no-restore", "-e",
                   "p <- readRDS(Sys.getenv('KFIT_WORKER_PAYLOAD')); p$main(p)"]
        try:
            return subprocess.Popen(
                _dies_with_this_process(command), stdin=subprocess.DEVNULL,
                stderr=subprocess.PIPE, env=env, start_new_session=True)
        except OSError as error:
            raise KfitWorkerError(
                f"R worker {number} for {self.label} could not start: {error}. "
                f"Hint: check that {self.plan.rscript} runs.", worker=number,
                exit="not started") from error

    def _accept(self, listener: socket.socket) -> None:
        waiting = {w.number: w for w in self._workers}
        deadline = time.monotonic() + self.start_timeout
        while waiting:
            for worker in waiting.values():
                if worker.process.poll() is not None:
                    raise self._died(worker, "before it connected")
            if time.monotonic() > deadline:
                worker = next(iter(waiting.values()))
                raise KfitWorkerError(
                    f"R worker {worker.number} for {self.label} did not connect "
                    f"within {self.start_timeout:.0f} s.", worker=worker.number,
                    exit="timed out")
            try:
                sock, _ = listener.accept()
            except TimeoutError:
                continue
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sock.settimeout(None)
                reader = SocketReader(sock)
                hello = self._read_frame(reader)
            except ConnectionClosed:
                sock.close()
                continue
            except BaseException:  # Ctrl-C while a worker says hello
                sock.close()
                raise
            number = int(hello.fields.get("id", 0))
            if hello.kind != "hello" or hello.fields.get("token") != self._token \
                    or number not in waiting:
                sock.close()  # not one of ours
                continue
            worker = waiting.pop(number)
            worker.sock, worker.reader = sock, reader

    # -- requests and replies -----------------------------------------------
    def send(self, worker: int, requests: Sequence[tuple[int, int]]) -> None:
        """Send requests, (op, argument) each, to worker `worker` (1-based),
        in one write."""
        w = self._workers[worker - 1]
        try:
            assert w.sock is not None
            w.sock.sendall(b"".join(_REQUEST.pack(op, argument)
                                    for op, argument in requests))
        except (OSError, AssertionError) as error:
            raise self._died(w, "while kfit sent it a request") from error

    def receive(self, worker: int) -> Frame:
        """The next frame from worker `worker`; its death is a KfitWorkerError."""
        w = self._workers[worker - 1]
        try:
            assert w.reader is not None
            return self._read_frame(w.reader)
        except (ConnectionClosed, OSError, AssertionError) as error:
            if self._closed:
                raise ConnectionClosed() from error
            raise self._died(w, "while it made a batch") from error

    @staticmethod
    def _read_frame(reader: SocketReader) -> Frame:
        (length,) = struct.unpack("<i", reader.read(4))
        header = reader.read(length)
        fields, sizes = buffer_sizes(header)
        buffers = [reader.read(size) for size in sizes]
        return decode(fields, buffers)

    def _died(self, worker: _Worker, when: str) -> KfitWorkerError:
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.process.wait(timeout=2.0)
        worker.drain.join(timeout=1.0)
        how = describe_exit(worker.process.returncode)
        tail = "\n".join(worker.stderr)
        detail = f"\nIts last output:\n{tail}" if tail else ""
        return KfitWorkerError(
            f"R worker {worker.number} (pid {worker.process.pid}) of {self.label} "
            f"{how} {when}.{detail}", worker=worker.number, exit=how)

    # -- stop ----------------------------------------------------------------
    def interrupt(self) -> None:
        """Unblock readers (from any thread): close the sockets."""
        self._closed = True
        for w in self._workers:
            if w.sock is not None:
                with contextlib.suppress(OSError):
                    w.sock.shutdown(socket.SHUT_RDWR)

    def close(self, grace: float = 1.0) -> None:
        """Stop every worker and wait for it; nothing is left running.

        `grace`: seconds a worker has to finish after STOP before it is
        killed; 0.1 after `interrupt()` (Ctrl-C, an error), when a worker
        may be deep in user code that cannot hear STOP."""
        if self._closed or interrupt.pending():
            grace = min(grace, 0.1)
        for w in self._workers:
            if w.sock is not None and w.process.poll() is None:
                with contextlib.suppress(OSError):
                    w.sock.sendall(_REQUEST.pack(STOP, 0))
        self.interrupt()
        for w in self._workers:
            # With a batch unread, closing resets the connection: a worker
            # blocked writing one gets an error at once and ends.
            if w.sock is not None:
                w.sock.close()
        deadline = time.monotonic() + grace
        for w in self._workers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                w.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        for w in self._workers:
            if w.process.poll() is None:
                w.process.kill()
            w.process.wait()
            w.drain.join(timeout=1.0)
            if w.process.stderr is not None:
                w.process.stderr.close()
        with contextlib.suppress(OSError):
            os.remove(self.plan.payload)
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)

