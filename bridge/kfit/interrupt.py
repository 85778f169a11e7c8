"""Ctrl-C during `fit()`: stop cleanly, once, and give R its handler back.

While a run lasts, SIGINT becomes one `KeyboardInterrupt` on the main thread,
raised only where it cannot corrupt TensorFlow or Keras:

- at once when the main thread runs kfit's own code (argument checks, data
  conversion, reading a worker's socket, an R callback returning);
- within a poll (0.05 s) when it waits inside the standard library's lock
  handling (a Condition's wait for a batch, a Popen's poll): raising there
  could leave a lock held for good (`_LOCKING`);
- otherwise at kfit's next hook (`kfit.callbacks.InterruptCheck`: the next
  step, validation step or epoch boundary) or when Keras' `fit()` returns.
  Python's default handler raises wherever the main thread happens to be,
  also inside TensorFlow's Python code called back from C (its nest
  utilities import modules from C): there the exception turns into a
  `SystemError` or `TypeError` and can leave a tf.data iterator waiting
  forever (`bench/interrupt_stress.py` counts it for `model.fit()`).

Further Ctrl-Cs are counted and ignored, so the clean-up always finishes,
unless the first one has waited more than `FORCE_AFTER` seconds for a safe
point (a long first-step compilation): then the third one raises where it
lands (inside TensorFlow's tracing that can break the model's compiled
step for good: Keras then says "Creating variables on a non-first call").
Afterwards both the Python handler and the C-level handler are restored
exactly; inside an R session that is R's own, so Ctrl-C interrupts R code
again.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import Any

_SIGACTION_SIZE = 256  # larger than glibc's struct sigaction (152 bytes)
FORCE_AFTER = 3.0  # seconds a Ctrl-C may wait for a safe point ...
FORCE_COUNT = 3  # ... before the third one raises where it lands

_KFIT_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
# Standard library modules kfit waits in through a C call (a socket, a
# select): a Ctrl-C there counts as one in the kfit code that waits.
_WAITS = frozenset({"socket", "selectors"})
# Standard library modules whose Python code takes and gives back locks or
# cleans up (a Condition's wait, a Thread's join, a Popen's poll, a context
# manager's exit). An exception raised inside that code can leave a lock
# released by the wrong thread or never given back: a later `with` on it
# then waits for good (a fit that never returned after Ctrl-C). A Ctrl-C
# there stays pending: kfit's waits poll `pending()`, and its hooks raise it.
_LOCKING = frozenset({"threading", "queue", "subprocess", "contextlib"})


class SigintState:
    """What a run saw of SIGINT: how many, when the first came, and whether a
    `KeyboardInterrupt` was raised for them."""

    def __init__(self) -> None:
        self.count = 0
        self.first_at = 0.0
        self.raised = False

    def interrupted(self) -> None:
        """Count a Ctrl-C seen by the host's code and raise it here."""
        self.count += 1
        if self.count == 1:
            self.first_at = time.monotonic()
        self.raised = True
        raise KeyboardInterrupt()


_runs: list[SigintState] = []  # the runs in progress, innermost last


def pending() -> bool:
    """True once a Ctrl-C reached the innermost run in progress (raised
    already or waiting for a safe point: one raised where Python ignores
    exceptions, in a weakref callback, is raised again at the next hook)."""
    return bool(_runs) and _runs[-1].count > 0


def raise_pending() -> None:
    """Raise the innermost run's Ctrl-C here, a safe point, if one is pending
    (on the main thread only: elsewhere it waits for the main thread's)."""
    if pending() and threading.current_thread() is threading.main_thread():
        _runs[-1].raised = True
        raise KeyboardInterrupt()


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


@functools.cache
def _r_interrupts_pending() -> ctypes.c_int | None:
    """R's interrupt flag, where this process runs R (else None)."""
    try:
        return ctypes.c_int.in_dll(ctypes.CDLL(None), "R_interrupts_pending")
    except (OSError, ValueError):
        return None


def _took_r_interrupt() -> bool:
    """Take a Ctrl-C that R has noted and not acted on (R's own handler, or
    reticulate's, ran while R's interrupts were suspended): True if there
    was one. reticulate would otherwise pass it on to Python again and
    again (`PyErr_SetInterrupt()` from its event polling) until R acts on
    it, and R would act on it when `fit()` returns to R, ending the
    session's script."""
    flag = _r_interrupts_pending()
    if flag is None or not flag.value:
        return False
    flag.value = 0
    return True


@contextlib.contextmanager
def host_code() -> Iterator[None]:
    """While the host's R code runs inside a run (a callback hook, an
    in-session generator), SIGINT stays kfit's: the R code finishes and the
    Ctrl-C is raised when it returns (kfit's own frame). Giving R its
    handler back there let reticulate >= 1.39 unwind an R interrupt through
    the Python stack (the fit abandoned, its workers left running), so R
    code is not interrupted mid-way. A Ctrl-C R noted anyway is raised here."""
    yield
    if _runs and threading.current_thread() is threading.main_thread() \
            and _took_r_interrupt() and not _runs[-1].raised:
        _runs[-1].interrupted()


def interrupted() -> None:
    """R code run by kfit was interrupted (Ctrl-C while it ran): raise it as
    the run's Ctrl-C (a `KeyboardInterrupt`, also outside a run)."""
    if _runs and threading.current_thread() is threading.main_thread():
        _runs[-1].interrupted()
    raise KeyboardInterrupt()


def _in_kfit(frame: FrameType | None) -> bool:
    """True when the main thread runs kfit's code on its own: the innermost
    frame outside the standard library's waits (`_WAITS`; never inside
    `_LOCKING`'s code) is kfit's, and
    TensorFlow is not below it on the stack (kfit's batch reader runs inside
    a tf.data op; it ends itself there, see `BatchStream.item_at`). Never
    inside a `__del__` (see `_in_finalizer`). Modules are told by name: a
    Python embedded in R may have its library around site-packages."""
    while frame is not None and frame.f_globals.get("__name__") in _WAITS:
        frame = frame.f_back
    if frame is None or not frame.f_code.co_filename.startswith(_KFIT_DIR):
        return False
    tensorflow = sys.modules.get("tensorflow")
    tf_dir = os.path.dirname(getattr(tensorflow, "__file__", None) or "") + os.sep
    caller: FrameType | None = frame
    while caller is not None:
        if caller.f_code.co_name == "__del__" or (
                tf_dir != os.sep and caller.f_code.co_filename.startswith(tf_dir)):
            return False
        caller = caller.f_back
    return True


def _in_locking(frame: FrameType | None) -> bool:
    """True when `frame` runs the standard library's lock handling
    (`_LOCKING`), or a wait (`_WAITS`) called from it."""
    while frame is not None:
        name = frame.f_globals.get("__name__")
        if name in _LOCKING:
            return True
        if name not in _WAITS:
            return False
        frame = frame.f_back
    return False


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
    if threading.current_thread() is not threading.main_thread():
        yield SigintState()  # signals are delivered to the main thread only
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if _took_r_interrupt() and state.count:
            return  # reticulate passing on the Ctrl-C R saw: counted already
        state.count += 1
        if state.count == 1:
            state.first_at = time.monotonic()
        if state.raised:
            return  # stopping already: the clean-up finishes
        if _in_kfit(frame) or (
                state.count >= FORCE_COUNT
                and time.monotonic() - state.first_at > FORCE_AFTER
                and not _in_finalizer(frame) and not _in_locking(frame)):
            state.raised = True
            raise KeyboardInterrupt()

    with keep_sigint():
        state = SigintState()
        signal.signal(signal.SIGINT, handler)
        _runs.append(state)
        try:
            if _took_r_interrupt():  # Ctrl-C in R just before the run
                state.interrupted()
            yield state
        finally:
            _runs.remove(state)
            # One R noted during the run belongs to it, not to the R code
            # that runs next.
            _took_r_interrupt()
