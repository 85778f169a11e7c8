"""Console output during a run that R hosts: through R's own `cat()`.

Python's `sys.stdout` writes to the process's file descriptor, which knitr,
`sink()`, `capture.output()` and RStudio's console never see. While a run
lasts, text written on the main thread (Keras' progress bar: Keras trains
there) goes to R's `cat()`, called through reticulate; text from any other
thread goes where it went before (R may only be called on its main thread).
"""

from __future__ import annotations

import contextlib
import io
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any


class RConsoleWriter(io.TextIOBase):
    """A text stream that writes through R on the main thread."""

    def __init__(self, write: Callable[[str, bool], Any], original: Any,
                 to_stderr: bool) -> None:
        self._write = write
        self._original = original
        self._to_stderr = to_stderr

    def write(self, text: str) -> int:
        if threading.current_thread() is threading.main_thread():
            self._write(text, self._to_stderr)
        else:
            self._original.write(text)
        return len(text)

    def flush(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            self._original.flush()

    def isatty(self) -> bool:
        return bool(getattr(self._original, "isatty", lambda: False)())

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._original, "encoding", None) or "utf-8"

    def fileno(self) -> int:
        return self._original.fileno()


@contextlib.contextmanager
def routed_to_r(write: Callable[[str, bool], Any]) -> Iterator[None]:
    """Route sys.stdout/sys.stderr through `write(text, to_stderr)` (R's cat)."""
    originals = sys.stdout, sys.stderr
    sys.stdout = RConsoleWriter(write, originals[0], to_stderr=False)
    sys.stderr = RConsoleWriter(write, originals[1], to_stderr=True)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = originals
