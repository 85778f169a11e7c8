"""kfit.viewer.server: the local http server serves the run folder only, never
cached, no listings, and ends with the view."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from kfit.viewer import (
    MetricsView,
)


def test_server_serves_only_the_run_folder(view: MetricsView) -> None:
    url = view.serve()
    assert url.startswith("http://127.0.0.1:") and url.endswith("/index.html")
    assert view.serve() == url
    base = url.rsplit("/", 1)[0]
    with urllib.request.urlopen(base + "/metrics.json?t=1") as r:
        assert r.headers["Cache-Control"] == "no-store"
        assert json.loads(r.read())["status"] == "waiting"
    with urllib.request.urlopen(url) as r:
        assert b"kfitReceive" in r.read()
    for path in ["/nothing.txt", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd"]:
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(base + path)
        assert err.value.code == 404
    (view.run_dir / "sub").mkdir()
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(base + "/sub/")  # no listings
    assert err.value.code == 404
    view.close()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=2)
