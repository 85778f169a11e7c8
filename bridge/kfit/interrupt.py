"""Ctrl-C during `fit()`: stop cleanly, once, and give R its handler back.

While a run lasts, SIGINT raises `KeyboardInterrupt` on the main thread at
the next Python instruction (between steps, while waiting for a batch).
Only the first one does: a second Ctrl-C while kfit stops the workers is
counted and ignored, so the clean-up always finishes. Afterwards both the
Python handler and the C-level handler are restored exactly; inside an R
session that is R's own, so Ctrl-C interrupts R code again.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

_SIGACTION_SIZE = 256  # larger than glibc's struct sigaction (152 bytes)


class SigintState:
    """What a run saw of SIGINT."""

    def __init__(self) -> None:
        self.count = 0


_runs: list[SigintState] = []  # the runs in progress, innermost last


def pending() -> bool:
    """True once a Ctrl-C reached the innermost run in progress.

    The handler raises `KeyboardInterrupt` at whatever Python line the main
    thread runs, except inside a finalizer; where Python ignores exceptions
    (a finalizer, a weakref callback) it would be lost, so
    `kfit.callbacks.InterruptCheck` raises it at the next hook.
    """
    return bool(_runs) and _runs[-1].count > 0


@functools.cache
def _libc() -> Any:
    return ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


@contextlib.contextmanager
def keep_sigint() -> Iterator[None]:
    """Restore the SIGINT handler (C level and Python level) on exit."""
    python = signal.getsignal(signal.SIGINT)
    libc = _libc()
    saved = ctypes.create_string_buffer(_SIGACTION_SIZE)
    libc.sigaction(signal.SIGINT, None, saved)
    try:
        yield
    finally:
        if python is not None:
            signal.signal(signal.SIGINT, python)
        libc.sigaction(signal.SIGINT, saved, None)


def _in_finalizer(frame: FrameType | None) -> bool:
    """True when `frame` runs inside a `__del__` (TensorFlow's run often, from
    garbage collection): Python would print a KeyboardInterrupt raised there
    and drop it, so the next hook raises it instead (`InterruptCheck`)."""
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


@contextlib.contextmanager
def interruptible() -> Iterator[SigintState]:
    """SIGINT -> one KeyboardInterrupt for the duration of the block."""
    state = SigintState()
    if threading.current_thread() is not threading.main_thread():
        yield state  # signals are delivered to the main thread only
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        state.count += 1
        if state.count == 1 and not _in_finalizer(frame):
            raise KeyboardInterrupt()

    with keep_sigint():
        signal.signal(signal.SIGINT, handler)
        _runs.append(state)
        try:
            yield state
        finally:
            _runs.remove(state)
