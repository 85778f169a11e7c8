"""kfit.viewer.display: where a run's live view opens: RStudio's viewer or
R's browser when R hosts the run, Python's browser otherwise, nowhere under
knitr; one view served at a time."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kfit import environment
from kfit.viewer import MetricsView
from kfit.viewer.display import close_views, run_dir_for_host, show


@pytest.fixture
def two_views(tmp_path: Path):
    views = [MetricsView(tmp_path / f"run{i}") for i in range(2)]
    yield views
    close_views()
    for view in views:
        view.close()


def test_r_hosts_the_run_the_viewer_first_then_r_s_browser(two_views, tmp_path
                                                           ) -> None:
    first, second = two_views
    seen: list[str] = []
    with environment.r_context({"viewer": seen.append, "tempdir": str(tmp_path)}):
        assert show(first) == str(first.path) and seen == [str(first.path)]
        assert run_dir_for_host().startswith(f"{tmp_path}/kfit-view-")
    # A page kept in the user's folder, outside R's tempdir(): RStudio's
    # viewer cannot show it, the browser opens it.
    with environment.r_context({"viewer": seen.append, "browse": seen.append,
                                "tempdir": str(tmp_path / "r-tempdir")}):
        assert show(second) == second.file_url and seen[-1] == second.file_url
    with environment.r_context({"viewer": None, "browse": seen.append}):
        assert show(second) == second.file_url and seen[-1] == second.file_url
    with environment.r_context({"knitr": True}):
        assert show(first) is None  # a document: nothing opens
    assert run_dir_for_host() is None  # Python's own temporary folder


def test_from_python_the_browser_opens_the_served_page(two_views, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    monkeypatch.setattr(environment, "rpy2_hosts_r", lambda: False)
    url = show(two_views[0])
    assert url.startswith("http://127.0.0.1:") and opened == [url]
    with urllib.request.urlopen(url, timeout=5) as page:
        assert b"kfitReceive" in page.read()
    show(two_views[1])  # the first stops being served
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=2)
