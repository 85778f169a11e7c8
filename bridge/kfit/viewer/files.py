"""The run folder's data files, written atomically and off the caller's thread.

`metrics.json` (read over http) and `metrics.js` (the same data in a
`kfitReceive(...)` call, read over `file://`) hold the whole run, so their
size grows with it: a 2000-epoch run with six metrics is ~270 KB per file.
Writing that after every epoch on the training thread would cost milliseconds,
so `DataFiles.request()` only wakes a writer thread, which renders and writes
the newest state; updates that arrive while it writes are coalesced. Every
write goes to a temporary file first and then `os.replace`s the target, so a
reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from kfit.errors import KfitWarning

JSON_FILE = "metrics.json"
SCRIPT_FILE = "metrics.js"
SCRIPT_CALLBACK = "kfitReceive"

# Returns the state to write: (sequence number, JSON text). Thread-safe.
Render = Callable[[], "tuple[int, str]"]


def atomic_write(path: Path, data: bytes) -> None:
    """Replaces `path` by `data` so that readers see the old or the new file.

    On Windows `os.replace` fails while another process holds the target
    open; such a reader is done within milliseconds, so retry briefly.

    Raises:
        OSError: If the file cannot be written.
    """
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    for attempt in range(20):
        try:
            os.replace(tmp, path)
            return
        except PermissionError:
            if attempt == 19:
                raise
            time.sleep(0.005)


class DataFiles:
    """Keeps `metrics.json` and `metrics.js` in a folder up to date.

    Args:
        folder: The run folder.
        render: Returns the newest `(seq, payload_json)`; `seq` grows with
            every change. Called from the writer thread and from `flush()`.
    """

    def __init__(self, folder: Path, render: Render) -> None:
        self._folder = folder
        self._render = render
        self._wake = threading.Event()
        self._write_lock = threading.Lock()
        self._thread_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = False
        self._written_seq = -1
        self._live: tuple[bytes, bytes] = (b"", b"")
        self._warned = False

    def request(self) -> None:
        """Asks the writer thread to write the newest state soon (cheap)."""
        with self._thread_lock:
            if self._thread is None:
                self._stop = False
                self._thread = threading.Thread(
                    target=self._run, name="kfit-metrics-writer", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def flush(self) -> None:
        """Writes the newest state now, on the caller's thread."""
        self._write()

    def close(self) -> None:
        """Writes the newest state and stops the writer thread."""
        with self._thread_lock:
            thread, self._thread = self._thread, None
            self._stop = True
        if thread is not None:
            self._wake.set()
            thread.join()
        self._write()

    def live(self, name: str) -> bytes | None:
        """The newest bytes of `metrics.json` or `metrics.js`, from memory."""
        data, script = self._live
        if name == JSON_FILE:
            return data
        if name == SCRIPT_FILE:
            return script
        return None

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._stop:
                return
            self._write()

    def _write(self) -> None:
        seq, payload = self._render()
        data = payload.encode("utf-8")
        script = f"{SCRIPT_CALLBACK}(".encode() + data + b");\n"
        with self._write_lock:
            if seq <= self._written_seq:
                return  # a newer state was written meanwhile
            self._live = (data, script)
            try:
                atomic_write(self._folder / JSON_FILE, data)
                atomic_write(self._folder / SCRIPT_FILE, script)
            except OSError as e:
                if not self._warned:  # the view must never stop training
                    self._warned = True
                    warnings.warn(
                        f"kfit metrics view: cannot write to {self._folder}: {e}. "
                        "The chart stops updating; training goes on.",
                        KfitWarning,
                        stacklevel=2,
                    )
                return
            self._written_seq = seq
