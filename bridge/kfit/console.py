"""Console output during training, written on the main thread only.

While a run lasts, `sys.stdout`/`sys.stderr` are replaced by proxies: text
written on the main thread goes straight out; text written on other threads
(Keras' progress bar on the worker) is posted to the pump. When R hosts
Python, the text goes to R's `cat()`, so knitr and RStudio capture it.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable, Iterator
from typing import Any

from kfit.pump import Pump
from kfit.r.session import call_r, on_main_thread


class MainThreadWriter(io.TextIOBase):
    """A text stream whose writes happen on the main thread."""

    def __init__(self, write: Callable[[str], Any], flush: Callable[[], Any],
                 pump: Pump, original: Any) -> None:
        self._write = write
        self._flush = flush
        self._pump = pump
        self._original = original

    def write(self, text: str) -> int:
        if on_main_thread():
            self._write(text)
        else:
            self._pump.post(lambda: self._write(text))
        return len(text)

    def flush(self) -> None:
        if on_main_thread():
            self._flush()
        else:
            self._pump.post(self._flush)

    def isatty(self) -> bool:
        return bool(getattr(self._original, "isatty", lambda: False)())

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._original, "encoding", None) or "utf-8"

    def fileno(self) -> int:
        return self._original.fileno()


# R's cat(), flush.console() and stderr(), looked up once on the main thread
# and kept for the life of the process: never released, so never released on
# the wrong thread. Standard output is not cached: R's stdout() follows sink(),
# so cat() is called without a `file` to write wherever R's output goes now.
_r_console: dict[str, Any] = {}


def _r_function(name: str) -> Any:
    if not _r_console:
        from kfit.r.session import robjects

        ro = robjects()
        _r_console.update(cat=ro.baseenv["cat"], flush=ro.r["flush.console"],
                          stderr=ro.baseenv["stderr"]())
    return _r_console[name]


def _r_writer(to_stderr: bool) -> tuple[Callable[[str], Any], Callable[[], Any]]:
    def write(text: str) -> Any:
        if to_stderr:
            return call_r(_r_function("cat"), text, file=_r_function("stderr"), sep="")
        return call_r(_r_function("cat"), text, sep="")

    return write, lambda: call_r(_r_function("flush"))


@contextlib.contextmanager
def routed_output(pump: Pump, *, to_r: bool) -> Iterator[None]:
    """Route sys.stdout/sys.stderr through the main thread for the run."""
    originals = sys.stdout, sys.stderr
    writers = []
    for index, original in enumerate(originals):
        if to_r:
            write, flush = _r_writer(to_stderr=index == 1)
        else:
            write = original.write
            flush = original.flush
        writers.append(MainThreadWriter(write, flush, pump, original))
    sys.stdout, sys.stderr = writers
    try:
        yield
    finally:
        sys.stdout, sys.stderr = originals
