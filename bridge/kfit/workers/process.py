"""One R worker process: how it is started, how its frames are read, how it
ends.

A worker is an `Rscript` started from the bootstrap file `worker_prepare()`
wrote (the worker's own code and kfit's shared library, so kfit's R
namespace is not loaded), that connects back to a socket on 127.0.0.1 with
a one-time token and then serves fits (`r_pkg/R/worker.R`, `worker_main()`).
It runs in its own process group, so a Ctrl-C in the terminal reaches the
session only; if the session dies, the kernel kills it
(`_dies_with_this_process`). Its R temporary directory lives in one of its
own, removed when the process ends, so a worker killed in the middle of its
work leaves no `Rtmp*` directory behind.
"""

from __future__ import annotations

import contextlib
import functools
import os
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
from collections.abc import Callable
from typing import Any

from kfit import console, interrupt
from kfit.errors import KfitWorkerError
from kfit.r.codec import Frame, buffer_sizes, decode_value
from kfit.workers.socket_reader import ConnectionClosed, SocketReader

STOP, NEXT, INDEX, LOAD, RESET = 0, 1, 2, 3, 4
REQUEST = struct.Struct("<ii")  # a request: op, argument (little-endian int32)
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


def spawn(*, spawn_id: int, port: int, token: str, bootstrap: str, rscript: str,
          libpaths: list[str], tmp_root: str, key: Any, label: str,
          on_end: Callable[[WorkerProcess], None]) -> WorkerProcess:
    """Start a worker that will connect to `port` and say hello with `token`
    and `spawn_id`.

    Raises:
        KfitWorkerError: the process could not start.
    """
    tmpdir = tempfile.mkdtemp(prefix="kfit-wtmp-",
                              dir=tmp_root if os.path.isdir(tmp_root) else None)
    env = dict(os.environ)
    env.update(KFIT_WORKER_PORT=str(port), KFIT_WORKER_TOKEN=token,
               KFIT_WORKER_ID=str(spawn_id), KFIT_WORKER_MAIN=bootstrap,
               R_LIBS=os.pathsep.join(libpaths), TMPDIR=tmpdir)
    command = [rscript, "--no-echo", "--no-restore", "-e",
               "p <- readRDS(Sys.getenv('KFIT_WORKER_MAIN')); p$main(p)"]
    try:
        process = subprocess.Popen(
            _dies_with_this_process(command), stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE, env=env, start_new_session=True)
    except OSError as error:
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise KfitWorkerError(
            f"R worker {spawn_id} for {label} could not start: {error}. "
            f"Hint: check that {rscript} runs.", worker=spawn_id,
            exit="not started") from error
    return WorkerProcess(spawn_id, process, tmpdir, key, on_end)


def read_frame(reader: SocketReader) -> Frame:
    """The next frame: a 4-byte length, a JSON header (none, length 0: the
    header of the frame before), its buffers. `reader.frame_open` is True
    while a frame has been begun but not ended (a read stopped then leaves
    the stream out of step)."""
    (length,) = struct.unpack("<i", reader.read(4))
    reader.frame_open = True
    if length:
        fields, sizes = buffer_sizes(reader.read(length))
        kind, spec = str(fields.pop("kind")), fields.pop("value", None)
        fields.pop("sizes", None)
        reader.last_header = (kind, spec, fields, sizes)
    elif reader.last_header is None:
        raise ConnectionClosed("a frame without a header came first")
    kind, spec, fields, sizes = reader.last_header
    buffers = [reader.read(size) for size in sizes]
    reader.frame_open = False
    return Frame(kind, None if spec is None else decode_value(spec, buffers),
                 dict(fields), repeat=not length)


class WorkerProcess:
    """A started worker: its process, its socket once it connected, the tail
    of its stderr (passed on as it comes, see `kfit.console`).

    `number` is its 1-based place in the pool it serves now (its messages
    say "[kfit worker <number>]"). When the process ends, a thread of its
    own reaps it, removes its temporary directory and calls `on_end`.
    """

    def __init__(self, spawn_id: int, process: subprocess.Popen[bytes], tmpdir: str,
                 key: Any, on_end: Callable[[WorkerProcess], None]) -> None:
        self.spawn_id = spawn_id
        self.number = spawn_id
        self.process = process
        self.tmpdir = tmpdir
        self.key = key
        self.sock: socket.socket | None = None
        self.reader: SocketReader | None = None
        self.stderr: deque[str] = deque(maxlen=_STDERR_LINES)
        self.idle = threading.Event()  # parked and answered RESET: ready for a fit
        self._on_end = on_end
        self.drain = threading.Thread(target=self._drain, daemon=True,
                                      name=f"kfit-worker-{spawn_id}-stderr")
        self.drain.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None and self.sock is not None

    def connected(self, sock: socket.socket, reader: SocketReader) -> None:
        self.sock, self.reader = sock, reader

    def _drain(self) -> None:
        """Pass on the worker's stderr (R warnings, messages) and keep its
        tail; once it ends (the process exited), reap it and clean up."""
        stream = self.process.stderr
        assert stream is not None
        for line in iter(stream.readline, b""):
            text = line.decode("utf-8", "replace")
            self.stderr.append(text.rstrip("\n"))
            console.post(f"[kfit worker {self.number}] {text}")
        with contextlib.suppress(OSError):
            self.process.wait()
        shutil.rmtree(self.tmpdir, ignore_errors=True)
        self._on_end(self)

    def send(self, data: bytes) -> None:
        """Write `data` to the worker; OSError when it is gone."""
        if self.sock is None:
            raise OSError("not connected")
        self.sock.sendall(data)

    def load(self, payload: str, number: int) -> None:
        """Ask the worker to set up the fit in `payload` as worker `number`."""
        path = payload.encode("utf-8")
        self.number = number
        self.send(REQUEST.pack(LOAD, number) + struct.pack("<i", len(path)) + path)

    def stop(self, grace: float) -> None:
        """End the process: STOP, close the socket (with a batch unread the
        connection resets, so a worker blocked writing one ends at once),
        `grace` seconds, then SIGKILL; wait for it."""
        if self.sock is not None:
            if self.process.poll() is None:
                with contextlib.suppress(OSError):
                    self.sock.sendall(REQUEST.pack(STOP, 0))
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
            self.sock.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=max(0.0, grace))
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if threading.current_thread() is not self.drain:
            self.drain.join(timeout=1.0)
        if self.process.stderr is not None:
            with contextlib.suppress(OSError, ValueError):
                self.process.stderr.close()
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def died(self, label: str, when: str) -> KfitWorkerError:
        """The error saying this worker died `when`, with its last output."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=2.0)
        self.drain.join(timeout=1.0)
        how = describe_exit(self.process.returncode)
        tail = "\n".join(self.stderr)
        detail = f"\nIts last output:\n{tail}" if tail else ""
        return KfitWorkerError(
            f"R worker {self.number} (pid {self.process.pid}) of {label} "
            f"{how} {when}.{detail}", worker=self.number, exit=how)

    def __repr__(self) -> str:
        return f"<WorkerProcess {self.spawn_id} pid {self.process.pid}>"


def accept(listener: socket.socket, waiting: dict[int, WorkerProcess], token: str,
           *, timeout: float, label: str) -> None:
    """Accept the connections of the workers in `waiting` (by spawn id) until
    each said hello with `token`.

    Raises:
        KfitWorkerError: one exited before it connected, or none came in time.
    """
    deadline = time.monotonic() + timeout
    while waiting:
        interrupt.raise_pending()  # one that came in subprocess' code
        for worker in waiting.values():
            if worker.process.poll() is not None:
                raise worker.died(label, "before it connected")
        if time.monotonic() > deadline:
            worker = next(iter(waiting.values()))
            raise KfitWorkerError(
                f"R worker {worker.number} for {label} did not connect "
                f"within {timeout:.0f} s.",
                worker=worker.number, exit="timed out")
        try:
            sock, _ = listener.accept()
        except TimeoutError:
            continue
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(None)
            reader = SocketReader(sock)
            hello = read_frame(reader)
        except ConnectionClosed:
            sock.close()
            continue
        except BaseException:  # Ctrl-C while a worker says hello
            sock.close()
            raise
        spawn_id = int(hello.fields.get("id", 0))
        if hello.kind != "hello" or hello.fields.get("token") != token \
                or spawn_id not in waiting:
            sock.close()  # not one of ours
            continue
        waiting.pop(spawn_id).connected(sock, reader)
