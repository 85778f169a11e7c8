"""kfit.viewer.view.MetricsView: a run's view, its rules, where it lives and how
it opens."""

from __future__ import annotations

import json

import pytest

from kfit.errors import KfitValueError
from kfit.viewer import (
    MetricsView,
)


def test_view_rules(view: MetricsView) -> None:
    with pytest.raises(RuntimeError, match="begin"):
        view.add_epoch(1, {"loss": 1.0})
    with pytest.raises(KfitValueError, match="initial_epoch"):
        view.begin(epochs=3, initial_epoch=0)
    view.begin(epochs=3, initial_epoch=1)
    view.add_epoch(1, {"loss": 1.0})
    view.end()
    view.end(message="interrupted")  # already done: no change
    data = json.loads(view.payload_json())
    assert data["stoppedEarly"] is True and data["message"] is None


def test_default_folder_is_temporary() -> None:
    with MetricsView() as view:
        assert view.run_dir.name.startswith("kfit-run-")
        assert view.path.is_file()


def test_open_in_browser_opens_the_served_page(
    view: MetricsView, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    assert view.open_in_browser() == view.serve()
    assert view.open_in_browser(serve=False) == view.file_url
    assert opened == [view.serve(), view.file_url]
