"""The one guarded entry point into R (over rpy2), and rpy2 start-up.

Used when Python hosts R (pytest, Python users); never inside an R session,
where R values come over reticulate (`kfit.r.host`). Rules (DESIGN.md): R
runs on the main thread only; no rpy2 object may reach another thread;
importing rpy2 must not take Ctrl-C away from whoever had it.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from kfit.errors import KfitError
from kfit.interrupt import keep_sigint


class RThreadError(KfitError, RuntimeError):
    """R was called from a thread other than the main thread."""


class RInsideRError(KfitError, RuntimeError):
    """rpy2 was asked for inside an R session (R hosts this Python)."""


_rpy2_ready = False


def r_hosts_python() -> bool:
    """True when R embeds this Python (reticulate's `rpytools` is loaded)."""
    return "rpytools" in sys.modules


def rpy2_hosts_r() -> bool:
    """True when this Python runs R through rpy2 (and R is not the host)."""
    if r_hosts_python() or "rpy2.rinterface" not in sys.modules:
        return False
    from rpy2.rinterface_lib import embedded

    return bool(embedded.isready())


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


def robjects() -> Any:
    """`rpy2.robjects`, on the main thread only (imported without losing Ctrl-C).

    Every use of R in kfit starts here or in `call_r`: both refuse other
    threads before anything touches R.
    """
    global _rpy2_ready
    check_main_thread("rpy2")
    if not _rpy2_ready and r_hosts_python():
        raise RInsideRError(
            "kfit does not use rpy2 inside an R session: rpy2 releases Python's "
            "GIL while R runs, which reticulate < 1.31 does not survive. Hint: "
            "call kfit from R with library(kfit); R values reach it over "
            "reticulate.")
    if not _rpy2_ready:
        with keep_sigint(), warnings.catch_warnings(), _quiet("rpy2"):
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
