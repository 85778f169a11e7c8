"""kfit.workers.socket_reader: exact reads, small and large, across refills."""

from __future__ import annotations

import socket
import threading

import pytest

from kfit.workers.socket_reader import ConnectionClosed, SocketReader


def test_reads_return_exactly_what_was_sent_in_order() -> None:
    a, b = socket.socketpair()
    pieces = [bytes([i % 251]) * size for i, size in enumerate(
        [4, 120, 3, 70_000, 1, 4096, 200_000, 5, 131_072, 9, 131_073, 2])]
    payload = b"".join(pieces)

    def send() -> None:
        # in odd-sized writes, so reads straddle what each recv() returns
        for start in range(0, len(payload), 7_777):
            a.sendall(payload[start:start + 7_777])
        a.close()

    sender = threading.Thread(target=send)
    sender.start()
    reader = SocketReader(b, chunk=64 * 1024)
    got = [bytes(reader.read(len(piece))) for piece in pieces]
    sender.join()
    assert got == pieces
    with pytest.raises(ConnectionClosed):
        reader.read(1)
    b.close()


def test_a_peer_that_closes_mid_piece_is_a_closed_connection() -> None:
    a, b = socket.socketpair()
    a.sendall(b"abc")
    a.close()
    reader = SocketReader(b)
    assert reader.read(2) == b"ab"
    with pytest.raises(ConnectionClosed):
        reader.read(10)
    with pytest.raises(ConnectionClosed):
        reader.read(300_000)
    b.close()
