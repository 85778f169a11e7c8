"""Console output during a run: where it goes, and on which line.

- R hosts: Python's `sys.stdout` writes to the process's file descriptor,
  which knitr, `sink()`, `capture.output()` and RStudio's console never
  see. While a run lasts, text written on the main thread (Keras' progress
  bar: Keras trains there) goes to R's `cat()`, called through reticulate;
  text from any other thread goes where it went before (R may only be
  called on its main thread). See `routed_to_r`.
- Any host: Keras redraws its progress bar in place (`\r`, no newline), so
  text written after it (a worker's `message()`, R's `kfit_interrupted`
  warning, an error) would continue the bar's line. While a run lasts,
  `sys.stdout` is wrapped to know whether a line is open; worker output,
  which arrives on reader threads, is queued and printed on the main thread
  between steps (`kfit.callbacks.InterruptCheck`) through `sys.stderr`
  (R's console when R hosts), after ending the bar's line; an open line is
  ended when the run ends. See `run_console`.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, TextIO


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


class _LineTracker:
    """`sys.stdout` as it was, noting whether its last character ended a line."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.open_line = False

    def write(self, text: str) -> int:
        written = self._stream.write(text)
        if text:
            self.open_line = not text.endswith("\n")
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class Console:
    """One run's console: see the module docstring."""

    def __init__(self, stdout: _LineTracker) -> None:
        self.stdout = stdout
        self._queued: deque[str] = deque()
        self._main = threading.main_thread().ident

    def post(self, text: str) -> None:
        """Queue `text` (whole lines) for the main thread; any thread."""
        self._queued.append(text)

    def flush(self) -> None:
        """Print the queued text on lines of its own (main thread only)."""
        if not self._queued or threading.get_ident() != self._main:
            return
        lines = []
        while self._queued:
            lines.append(self._queued.popleft())
        self.end_line()
        with contextlib.suppress(Exception):
            sys.stderr.write("".join(lines))
            sys.stderr.flush()

    def end_line(self) -> None:
        if self.stdout.open_line:
            with contextlib.suppress(Exception):
                self.stdout.write("\n")
                self.stdout.flush()


_consoles: list[Console] = []  # the runs in progress, innermost last


def post(text: str) -> None:
    """Print `text` (whole lines) for the run in progress, from any thread;
    with no run in progress, straight to the process' standard error."""
    if _consoles:
        _consoles[-1].post(text)
        return
    with contextlib.suppress(OSError):
        os.write(2, text.encode())


def flush() -> None:
    """Print what the run in progress queued (on the main thread)."""
    if _consoles:
        _consoles[-1].flush()


@contextlib.contextmanager
def run_console() -> Iterator[Console | None]:
    """The console of one run (nothing to do off the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield None
        return
    before = sys.stdout
    tracker = _LineTracker(before)
    console = Console(tracker)
    sys.stdout = tracker  # type: ignore[assignment]
    _consoles.append(console)
    try:
        yield console
    finally:
        _consoles.remove(console)
        if sys.stdout is tracker:
            sys.stdout = before
        console.flush()
        console.end_line()
