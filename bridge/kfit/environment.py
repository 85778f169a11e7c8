"""Where kfit runs: inside R or not, knitr, RStudio, distributed training.

Nothing here starts R: R is only asked when it is already running in this
process (R hosts Python through reticulate, or rpy2 started it).
"""

from __future__ import annotations

import os
import sys


def r_is_running() -> bool:
    """True when an R session lives in this process."""
    if "rpytools" in sys.modules:  # reticulate's helpers: R hosts Python.
        return True
    if "rpy2.rinterface" not in sys.modules:
        return False
    from rpy2.rinterface_lib import embedded

    return bool(embedded.isready())


def r_option(name: str) -> object:
    """The value of R option `name` as a Python scalar (None if unset/no R)."""
    if not r_is_running():
        return None
    from kfit.r import session

    return session.get_option(name)


def in_knitr() -> bool:
    """True while knitr renders a document (R option `knitr.in.progress`)."""
    return bool(r_option("knitr.in.progress"))


def getenv(name: str) -> str:
    """An environment variable, as R sees it when R is running.

    Python copies the environment when it starts; R's `Sys.setenv()` later
    changes the process environment that only R (and C) then read.
    """
    if r_is_running():
        from kfit.r.session import call_r, robjects

        return str(call_r(robjects().r["Sys.getenv"], name)[0])
    return os.environ.get(name, "")


def in_rstudio() -> bool:
    """True inside RStudio (it sets the environment variable RSTUDIO=1)."""
    return getenv("RSTUDIO") == "1"


def has_viewer() -> bool:
    """True when R has a viewer (RStudio's `getOption("viewer")`)."""
    return r_option("viewer") is not None


def in_distributed_worker() -> bool:
    """True on a distributed training server (TF_CONFIG is set)."""
    return bool(getenv("TF_CONFIG"))


def r_hosts_python() -> bool:
    """True when R embeds this Python (through reticulate)."""
    return "rpytools" in sys.modules
