"""The live metrics view of one training run.

`MetricsView` owns a run folder holding three files:

- `index.html`: the page, self-contained (chart library inlined), written once;
- `metrics.json`: the run so far, for pages served over http(s);
- `metrics.js`: the same data wrapped in a `kfitReceive(...)` call, for pages
  opened from `file://`, where browsers forbid `fetch()`.

Both data files are rewritten after every epoch by a writer thread (see
`files.py`), atomically, so a page never reads half a file and the training
thread never waits on the disk; `end()` writes synchronously. Values keep full
precision; metrics missing at an epoch are `null`, never zero. The page polls
until the status is `"done"`, then stops. `serve()` adds a local http server
(127.0.0.1, free port, daemon thread) for RStudio's viewer.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
import threading
import time
import webbrowser
from collections.abc import Mapping
from pathlib import Path

from kfit.errors import KfitValueError
from kfit.viewer.files import DataFiles, atomic_write
from kfit.viewer.page import render_page
from kfit.viewer.server import RunServer
from kfit.viewer.table import MetricsTable

PAGE_FILE = "index.html"
PAYLOAD_VERSION = 1

_temporary: list[str] = []  # the run folders kfit made, removed at exit


def _temporary_folder() -> str:
    """A new `kfit-run-*` folder, removed when Python exits (as R removes
    its session's tempdir(), where views of R-hosted runs go)."""
    path = tempfile.mkdtemp(prefix="kfit-run-")
    _temporary.append(path)
    return path


def remove_temporary_folders() -> None:
    """Remove the run folders kfit made (never a folder the user named)."""
    while _temporary:
        shutil.rmtree(_temporary.pop(), ignore_errors=True)


atexit.register(remove_temporary_folders)


class MetricsView:
    """A live chart of a run's metrics, in a folder a browser can open.

    Call `begin()` when training starts, `add_epoch()` after every epoch and
    `end()` when training stops; the page (at `path`, `file_url` or the URL
    that `serve()` returns) follows along without reloading.

    Args:
        run_dir: The folder to write to; created if needed, and kept.
            Default: a new temporary folder named `kfit-run-*`, removed
            when Python exits (the page stays viewable until then).
        title: The page's title.
        poll_ms: Milliseconds between the page's polls while training runs.

    Raises:
        ViewerAssetsMissingError: If the chart library was not built (run
            `make`).

    Example:
        >>> view = MetricsView()
        >>> view.begin(epochs=3, initial_epoch=1)
        >>> view.add_epoch(1, {"loss": 0.9, "val_loss": 1.1})
        >>> view.end()
    """

    def __init__(
        self,
        run_dir: str | os.PathLike[str] | None = None,
        *,
        title: str = "kfit training",
        poll_ms: int = 500,
    ) -> None:
        if run_dir is None:
            run_dir = _temporary_folder()
        self._dir = Path(run_dir).resolve()
        self._dir.mkdir(parents=True, exist_ok=True)
        self._title = str(title)
        self._poll_ms = int(poll_ms)
        self._lock = threading.Lock()
        self._table = MetricsTable()
        self._status = "waiting"
        self._epochs: int | None = None
        self._initial_epoch: int | None = None
        self._stopped_early: bool | None = None
        self._message: str | None = None
        self._started: float | None = None
        self._elapsed: float | None = None
        self._seq = 0
        self._server: RunServer | None = None
        self._files = DataFiles(self._dir, self._render)
        self._files.flush()
        page = render_page(
            title=self._title,
            live=True,
            payload_json=self._render()[1],
            poll_ms=self._poll_ms,
        )
        atomic_write(self._dir / PAGE_FILE, page.encode("utf-8"))

    # ---- training events --------------------------------------------------

    def begin(
        self,
        epochs: int,
        initial_epoch: int,
        metric_names: list[str] | None = None,
    ) -> None:
        """Starts (or restarts) the run.

        Args:
            epochs: The number of the last epoch to train (Keras' `epochs`).
            initial_epoch: The number of the first epoch to train, 1-based
                (Keras' 0-based `initial_epoch` + 1): 6 for a run that
                resumes after 5 epochs.
            metric_names: Metrics to chart in this order, if known; others
                are added as they appear in the logs.

        Raises:
            KfitValueError: If `initial_epoch` is below 1.
        """
        epochs, initial_epoch = int(epochs), int(initial_epoch)
        if initial_epoch < 1:
            raise KfitValueError(
                "initial_epoch",
                "is the first epoch to train, 1-based, so it must be at least 1.",
                initial_epoch,
                "Pass Keras' 0-based `initial_epoch` + 1.",
            )
        with self._lock:
            self._table = MetricsTable(metric_names)
            self._status = "running"
            self._epochs = epochs
            self._initial_epoch = initial_epoch
            self._stopped_early = None
            self._message = None
            self._started = time.monotonic()
            self._elapsed = 0.0
            self._changed()

    def add_epoch(self, epoch: int, logs: Mapping[str, float]) -> None:
        """Records one finished epoch; the page's data files follow at once.

        The files are written by a background thread, so this costs
        microseconds however long the run is.

        Args:
            epoch: The real epoch number, 1-based (Keras' epoch index + 1).
            logs: Metric name -> value. A metric absent here is `null` for
                this epoch (as with `validation_freq > 1`).

        Raises:
            RuntimeError: If `begin()` was not called first.
            KfitValueError: If `epoch` is not after the last epoch recorded.
        """
        with self._lock:
            if self._status != "running":
                raise RuntimeError(
                    f"MetricsView.add_epoch() needs a running view (call begin() "
                    f"first); its status is {self._status!r}."
                )
            self._table.add(epoch, logs)
            self._changed()

    def end(
        self, stopped_early: bool | None = None, *, message: str | None = None
    ) -> None:
        """Marks the run done; the page draws a last time and stops polling.

        Calling `end()` on a view that is already done does nothing, so a
        caller may call it again from a `finally:` block.

        Args:
            stopped_early: Whether training stopped before epoch `epochs`.
                Default: inferred from the last epoch recorded.
            message: A short note for the header, e.g. `"interrupted"`.
        """
        with self._lock:
            if self._status == "done":
                return
            last = self._table.last_epoch
            if stopped_early is None:
                stopped_early = (
                    last is not None
                    and self._epochs is not None
                    and last < self._epochs
                )
            if self._started is not None and self._status == "running":
                self._elapsed = round(time.monotonic() - self._started, 3)
            self._status = "done"
            self._stopped_early = bool(stopped_early)
            self._message = message
            self._changed()
        self._files.close()  # final write; the writer thread is not needed now

    # ---- state ------------------------------------------------------------

    @property
    def run_dir(self) -> Path:
        """The run folder."""
        return self._dir

    @property
    def path(self) -> Path:
        """The page, `index.html` in the run folder."""
        return self._dir / PAGE_FILE

    @property
    def file_url(self) -> str:
        """The page's `file://` URL."""
        return self.path.as_uri()

    @property
    def status(self) -> str:
        """`"waiting"` before `begin()`, `"running"`, then `"done"`."""
        return self._status

    @property
    def table(self) -> MetricsTable:
        """The metrics recorded so far (read-only by convention)."""
        return self._table

    def payload_json(self) -> str:
        """Returns the run as the JSON the page reads.

        Fields: `version`, `seq` (grows on every update), `status`,
        `epochs`, `initialEpoch`, `stoppedEarly`, `message`, `elapsed`
        (seconds since `begin()`), `epoch` (the real epoch numbers) and
        `metrics` (name -> values aligned on `epoch`, `null` where missing,
        `"NaN"`/`"Infinity"`/`"-Infinity"` for non-finite values).
        """
        meta = json.dumps(
            {
                "version": PAYLOAD_VERSION,
                "seq": self._seq,
                "status": self._status,
                "epochs": self._epochs,
                "initialEpoch": self._initial_epoch,
                "stoppedEarly": self._stopped_early,
                "message": self._message,
                "elapsed": self._elapsed,
            },
            separators=(",", ":"),
        )
        return f"{meta[:-1]},{self._table.json_fields()}}}"

    def flush(self) -> None:
        """Writes the data files now (they are otherwise written in the background)."""
        self._files.flush()

    def _changed(self) -> None:
        """Notes a change and asks for the files to be written (lock held)."""
        self._seq += 1
        if self._started is not None and self._status == "running":
            self._elapsed = round(time.monotonic() - self._started, 3)
        self._files.request()

    def _render(self) -> tuple[int, str]:
        with self._lock:
            return self._seq, self.payload_json()

    # ---- showing it -------------------------------------------------------

    def serve(self) -> str:
        """Serves the run folder on 127.0.0.1 (once) and returns the page's URL.

        Returns:
            The page's URL, e.g. `http://127.0.0.1:53117/index.html`.
        """
        with self._lock:
            if self._server is None:
                self._server = RunServer(self._dir, self._files.live)
            return self._server.base_url + PAGE_FILE

    def open_in_browser(self, *, serve: bool = True) -> str:
        """Opens the page in the default web browser.

        Args:
            serve: Open the local server's URL (`serve()`); `False` opens the
                `file://` URL instead.

        Returns:
            The URL opened.
        """
        url = self.serve() if serve else self.file_url
        webbrowser.open(url)
        return url

    def snapshot_html(self) -> str:
        """Returns the chart as it stands, as one self-contained HTML page.

        The page inlines the chart library and the data and never polls:
        suited to a knitted document or a file to keep.
        """
        with self._lock:
            payload = self.payload_json()
        return render_page(title=self._title, live=False, payload_json=payload)

    def close(self) -> None:
        """Stops the local server, if any, and the writer thread.

        The run folder stays, with the data files up to date.
        """
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.close()
        self._files.close()

    def __enter__(self) -> MetricsView:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<MetricsView {self._status} {str(self._dir)!r}>"
