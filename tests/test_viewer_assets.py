"""kfit.viewer.assets: without the chart library, the view says how to build it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kfit.viewer import (
    MetricsView,
    ViewerAssetsMissingError,
)
from kfit.viewer import assets as viewer_assets


def test_missing_chart_library_says_how_to_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(viewer_assets, "STATIC_DIR", tmp_path / "static")
    viewer_assets.load_assets.cache_clear()
    try:
        with pytest.raises(ViewerAssetsMissingError) as err:
            MetricsView(tmp_path / "run")
    finally:
        viewer_assets.load_assets.cache_clear()
    message = str(err.value)
    assert "`make`" in message
    assert viewer_assets.BUILD_COMMAND in message
    assert "uPlot.iife.min.js" in message
    assert isinstance(err.value, FileNotFoundError)
