"""The one guarded entry point into R (over rpy2), and rpy2 start-up.

Rules (see DESIGN.md): R runs on the main thread only; no rpy2 object may
reach another thread; importing rpy2 inside an R-hosted Python must not take
Ctrl-C away from R.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import signal
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from kfit.errors import KfitError, RError


class RThreadError(KfitError, RuntimeError):
    """R was called from a thread other than the main thread."""


_rpy2_ready = False


def on_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def check_main_thread(what: str = "R") -> None:
    """Raise `RThreadError` unless called on the main thread."""
    if not on_main_thread():
        raise RThreadError(
            f"{what} was called from thread {threading.current_thread().name!r}; "
            "R may only be called from the main thread. This is a bug in kfit "
            "or in code that hands R objects to another thread.")


def call_r(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call an R function (or any callable that enters R) on the main thread."""
    check_main_thread()
    return function(*args, **kwargs)


_TRY_CALL = """function(f, ...) tryCatch(
  list(TRUE, f(...)),
  error = function(e) list(FALSE, conditionMessage(e)))"""
_try_call: Any = None


def call_r_function(function: Any, *args: Any) -> Any:
    """Call a user's R function on the main thread; an R error becomes `RError`.

    R's own error printing is avoided: the condition is caught in R.
    """
    global _try_call
    check_main_thread()
    if _try_call is None:
        robjects()
        import rpy2.rinterface as ri

        _try_call = ri.evalr(_TRY_CALL)  # rinterface level: no conversion cost
    ok, value = _try_call(function, *args)
    if not ok[0]:
        raise RError(str(value[0]).strip())
    return value


def robjects() -> Any:
    """`rpy2.robjects`, on the main thread only (imported without losing Ctrl-C).

    Every use of R in kfit starts here or in `call_r`: both refuse other
    threads before anything touches R.
    """
    global _rpy2_ready
    check_main_thread("rpy2")
    if not _rpy2_ready:
        with _keep_sigint(), warnings.catch_warnings(), _quiet("rpy2"):
            # Inside an R session rpy2 says "R was initialized outside of rpy2":
            # that is the expected case here.
            warnings.simplefilter("ignore", UserWarning)
            import rpy2.robjects  # noqa: F401
        _rpy2_ready = True
    import rpy2.robjects as ro

    return ro


def get_option(name: str) -> Any:
    """The R option `name`: a Python scalar, an R function, or None when unset."""
    ro = robjects()
    import rpy2.rinterface as ri

    value = call_r(ro.r["getOption"], name)
    if value is ri.NULL or isinstance(value, ri.NULLType):
        return None
    if isinstance(value, ri.SexpClosure) or len(value) == 0:
        return value if isinstance(value, ri.SexpClosure) else None
    first = value[0]
    return None if first is ri.NA_Logical or first is ri.NA_Character else first


@contextlib.contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


class _keep_sigint:
    """Save the SIGINT handler (C level and Python level) and restore it.

    rpy2's import installs its own handler; inside an R session that would
    leave Ctrl-C unable to interrupt R code.
    """

    _SIGACTION_SIZE = 256  # larger than glibc's struct sigaction (152 bytes)

    def __enter__(self) -> None:
        self._python = signal.getsignal(signal.SIGINT)
        self._libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        self._saved = ctypes.create_string_buffer(self._SIGACTION_SIZE)
        self._libc.sigaction(signal.SIGINT, None, self._saved)

    def __exit__(self, *exc: object) -> None:
        if self._python is not None:
            signal.signal(signal.SIGINT, self._python)
        self._libc.sigaction(signal.SIGINT, self._saved, None)
