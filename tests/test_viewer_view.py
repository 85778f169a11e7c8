"""kfit.viewer.view.MetricsView: a run's view, its rules, where it lives and how
it opens."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

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


def test_temporary_folders_go_when_python_exits_and_named_ones_stay(
        tmp_path: Path) -> None:
    kept = tmp_path / "runs" / "iris"
    code = textwrap.dedent(f"""
        from kfit.viewer import MetricsView
        views = [MetricsView(), MetricsView(), MetricsView({str(kept)!r})]
        for view in views:
            view.begin(epochs=1, initial_epoch=1)
            view.add_epoch(1, {{"loss": 0.5}})
            view.end()
            print(view.run_dir)
        print(all(view.path.is_file() for view in views))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True, timeout=120, check=True)
    *folders, written = done.stdout.split()
    assert written == "True"
    named = [Path(f).name.startswith("kfit-run-") for f in folders]
    assert named == [True, True, False]
    assert [Path(f).exists() for f in folders] == [False, False, True]
    assert json.loads((kept / "metrics.json").read_text())["status"] == "done"


def test_open_in_browser_opens_the_served_page(
    view: MetricsView, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    assert view.open_in_browser() == view.serve()
    assert view.open_in_browser(serve=False) == view.file_url
    assert opened == [view.serve(), view.file_url]
