"""Exact-size reads from a worker's socket, buffered.

A frame is a 4-byte length, a header and its leaves: read one `recv()` per
piece, a small batch costs four system calls, and each wakes the reading
thread, which then waits for the GIL that training holds. Buffered, one
`recv()` takes in whatever has arrived, often several small frames. Large
pieces (a 128 x 784 batch) go straight into a buffer of their own.
"""

from __future__ import annotations

import socket

_CHUNK = 1 << 18  # bytes a refill asks for; pieces over half of it are read apart


class ConnectionClosed(Exception):
    """The socket to a worker closed (it exited, or the pool is closing)."""


class SocketReader:
    """`read(size)` returns exactly `size` bytes from `sock`, or raises
    `ConnectionClosed` when the peer closed first."""

    def __init__(self, sock: socket.socket, chunk: int = _CHUNK) -> None:
        self.sock = sock
        self._buffer = bytearray(chunk)
        self._view = memoryview(self._buffer)
        self._start = 0  # buffered bytes are _buffer[_start:_end]
        self._end = 0

    def read(self, size: int) -> bytes | bytearray:
        available = self._end - self._start
        if size <= available:
            out = bytes(self._view[self._start:self._start + size])
            self._start += size
            return out
        if size > len(self._buffer) // 2:
            return self._read_large(size, available)
        if self._start:  # move the buffered tail to the front
            tail = bytes(self._view[self._start:self._end])
            self._view[:available] = tail
            self._start, self._end = 0, available
        while self._end < size:
            got = self.sock.recv_into(self._view[self._end:])
            if got == 0:
                raise ConnectionClosed()
            self._end += got
        out = bytes(self._view[:size])
        self._start = size
        return out

    def _read_large(self, size: int, available: int) -> bytearray:
        out = bytearray(size)
        view = memoryview(out)
        view[:available] = self._view[self._start:self._end]
        self._start = self._end = 0
        got = available
        while got < size:
            n = self.sock.recv_into(view[got:])
            if n == 0:
                raise ConnectionClosed()
            got += n
        return out
