"""A quiet local HTTP server for one run folder.

RStudio's viewer wants an `http://localhost` URL (or a file under R's
`tempdir()`), and browsers forbid `fetch()` of `file://` URLs. This server
listens on 127.0.0.1 only, on a free port, in a daemon thread; it serves the
run folder and nothing else (no directory listings, no logging). The live
metrics are served from memory, so a reader never races the writer.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

# Returns the current bytes of a live file by name, or None if not live.
LiveFiles = Callable[[str], "bytes | None"]

_CONTENT_TYPES = {
    "metrics.json": "application/json; charset=utf-8",
    "metrics.js": "text/javascript; charset=utf-8",
}


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Drops errors such as a browser closing the connection early."""


def _make_handler(root: str, live_files: LiveFiles) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=root, **kwargs)  # type: ignore[arg-type]

        def do_GET(self) -> None:
            if not self._send_live(head=False):
                super().do_GET()

        def do_HEAD(self) -> None:
            if not self._send_live(head=True):
                super().do_HEAD()

        def _send_live(self, *, head: bool) -> bool:
            name = urlsplit(self.path).path.lstrip("/")
            body = live_files(name) if name in _CONTENT_TYPES else None
            if body is None:
                return False
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", _CONTENT_TYPES[name])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)
            return True

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def list_directory(self, path: str | os.PathLike[str]) -> None:
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return None

        def log_message(self, format: str, *args: object) -> None:
            """Keeps the console quiet."""

    return Handler


class RunServer:
    """Serves one run folder on 127.0.0.1 from a daemon thread.

    Args:
        root: The folder to serve.
        live_files: Called with `metrics.json` or `metrics.js`; returns the
            bytes to send, or `None` to serve the file on disk instead.
    """

    def __init__(self, root: str | os.PathLike[str], live_files: LiveFiles) -> None:
        self._server = _QuietServer(
            ("127.0.0.1", 0), _make_handler(os.fspath(root), live_files)
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.2},
            name="kfit-metrics-view",
            daemon=True,
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        """The server's root URL, e.g. `http://127.0.0.1:53117/`."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def close(self) -> None:
        """Stops serving and frees the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
