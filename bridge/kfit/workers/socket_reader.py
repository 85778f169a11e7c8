"""Exact-size reads from a worker's socket, buffered.

A frame is a 4-byte length, a header and its leaves: read one `recv()` per
piece, a small batch costs four system calls, and each wakes the reading
thread, which then waits for the GIL that training holds. Buffered, one
`recv()` takes in whatever has arrived, often several small frames. Large
pieces (a 128 x 784 batch) go straight into a buffer of their own.

On the main thread (the first batch is read there) each `recv()` waits at
most `_MAIN_WAIT` seconds at a time: a Ctrl-C that the kernel gave to another
thread of the process does not wake the main thread's `recv()`, but Python
runs the SIGINT handler once the main thread is back in Python.

With a `wake` file descriptor (a pipe's reading end), a wait for the start
of a frame ends, with `Woken`, once it is readable: the fit is over and the
connection stays usable (a wait inside a frame reads the frame to its end,
which the worker is sending).
"""

from __future__ import annotations

import select
import socket
import threading
from typing import Any

_CHUNK = 1 << 18  # bytes a refill asks for; pieces over half of it are read apart
_MAIN_WAIT = 0.2  # seconds the main thread blocks in one wait for data


class ConnectionClosed(Exception):
    """The socket to a worker closed (it exited, or the pool is closing)."""


class Woken(ConnectionClosed):
    """The reader was told to stop waiting (see `wake`)."""


class SocketReader:
    """`read(size)` returns exactly `size` bytes from `sock`, or raises
    `ConnectionClosed` when the peer closed first."""

    def __init__(self, sock: socket.socket, chunk: int = _CHUNK) -> None:
        self.sock = sock
        self._buffer = bytearray(chunk)
        self._view = memoryview(self._buffer)
        self._start = 0  # buffered bytes are _buffer[_start:_end]
        self._end = 0
        self._main = threading.main_thread().ident
        self.wake: int | None = None  # readable: stop waiting for a frame
        self.frame_open = False  # a frame was begun and not read to its end
        self.last_header: Any = None  # the last frame's, parsed (see read_frame)

    def _recv_into(self, view: memoryview) -> int:
        try:  # what has arrived already: one system call, no wait
            return self.sock.recv_into(view, 0, socket.MSG_DONTWAIT)
        except BlockingIOError:
            pass
        main = threading.get_ident() == self._main
        wake = None if self.frame_open else self.wake
        if main or wake is not None:
            waits = [self.sock] if wake is None else [self.sock, wake]
            while True:
                # On the main thread: back in Python between waits, where a
                # pending Ctrl-C is raised.
                ready = select.select(waits, [], [], _MAIN_WAIT if main else None)[0]
                if wake is not None and wake in ready:
                    raise Woken()
                if ready:
                    break
        return self.sock.recv_into(view)

    def read(self, size: int) -> bytearray:
        """`size` bytes, in a bytearray of their own (NumPy views of it are
        writeable: a batch's arrays need no copy)."""
        available = self._end - self._start
        if size <= available:
            out = bytearray(self._view[self._start:self._start + size])
            self._start += size
            return out
        if size > len(self._buffer) // 2:
            return self._read_large(size, available)
        if self._start:  # move the buffered tail to the front
            tail = bytes(self._view[self._start:self._end])
            self._view[:available] = tail
            self._start, self._end = 0, available
        while self._end < size:
            got = self._recv_into(self._view[self._end:])
            if got == 0:
                raise ConnectionClosed()
            self._end += got
        out = bytearray(self._view[:size])
        self._start = size
        return out

    def _read_large(self, size: int, available: int) -> bytearray:
        out = bytearray(size)
        view = memoryview(out)
        view[:available] = self._view[self._start:self._end]
        self._start = self._end = 0
        got = available
        while got < size:
            n = self._recv_into(view[got:])
            if n == 0:
                raise ConnectionClosed()
            got += n
        return out
