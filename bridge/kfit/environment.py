"""Where kfit runs: inside R or not, knitr, RStudio, distributed training.

When R hosts Python, the R package tells the core what R knows (knitr,
RStudio, the viewer, environment variables as R sees them) for the length
of a run (`r_context`): the core never calls into R to ask. When Python
hosts R through rpy2, R is asked directly. Nothing here starts R.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from typing import Any

from kfit.r import session

_context: list[Mapping[str, Any]] = []


@contextlib.contextmanager
def r_context(context: Mapping[str, Any]) -> Iterator[None]:
    """What the R session told the core, for the length of one run.

    Keys: `knitr` (bool), `rstudio` (bool), `tf_config` (str), `tempdir`
    (str), `viewer` (an R function or None), `browse` (R's browseURL),
    `write` (R's cat, see `kfit.console`).
    """
    _context.append(context)
    try:
        yield
    finally:
        _context.pop()


def context() -> Mapping[str, Any] | None:
    """The R session's context of the current run, if R hosts it."""
    return _context[-1] if _context else None


def rpy2_hosts_r() -> bool:
    """True when this Python runs R through rpy2 (and R is not the host):
    asked of rpy2's side (`kfit.r.session`, which loads no rpy2 itself)."""
    return session.rpy2_hosts_r()


def r_option(name: str) -> object:
    """R option `name` as a Python scalar, under rpy2 (None if unset / no R)."""
    if not rpy2_hosts_r():
        return None
    return session.get_option(name)


def getenv(name: str) -> str:
    """An environment variable, as R sees it when R runs under rpy2.

    Python copies the environment when it starts; R's `Sys.setenv()` later
    changes the process environment that only R (and C) then read.
    """
    if rpy2_hosts_r():
        return str(session.call_r(session.robjects().r["Sys.getenv"], name)[0])
    return os.environ.get(name, "")


def in_knitr() -> bool:
    """True while knitr renders a document (R option `knitr.in.progress`)."""
    ctx = context()
    if ctx is not None:
        return bool(ctx.get("knitr"))
    return bool(r_option("knitr.in.progress"))


def in_rstudio() -> bool:
    """True inside RStudio (it sets the environment variable RSTUDIO=1)."""
    ctx = context()
    if ctx is not None:
        return bool(ctx.get("rstudio"))
    return getenv("RSTUDIO") == "1"


def has_viewer() -> bool:
    """True when R has a viewer (RStudio's `getOption("viewer")`)."""
    ctx = context()
    if ctx is not None:
        return ctx.get("viewer") is not None
    return r_option("viewer") is not None


def in_distributed_worker() -> bool:
    """True on a distributed training server (TF_CONFIG is set)."""
    ctx = context()
    if ctx is not None:
        return bool(ctx.get("tf_config"))
    return bool(getenv("TF_CONFIG"))
