"""kfit.viewer.files: the run folder (page, data as JSON and as a script), written
atomically, ending with the final state."""

from __future__ import annotations

import json

from kfit.viewer import (
    MetricsView,
)


def test_run_folder_files(view: MetricsView) -> None:
    view.begin(epochs=2, initial_epoch=1, metric_names=["loss", "val_loss"])
    view.add_epoch(1, {"loss": 0.1, "val_mse": 3.6e-05})
    view.flush()
    folder = view.run_dir
    assert sorted(p.name for p in folder.iterdir()) == [
        "index.html",
        "metrics.js",
        "metrics.json",
    ]
    text = (folder / "metrics.json").read_text()
    assert '"val_mse":[3.6e-05]' in text
    assert (folder / "metrics.js").read_text() == f"kfitReceive({text});\n"
    data = json.loads(text)
    assert data["epoch"] == [1]
    assert data["metrics"] == {"loss": [0.1], "val_loss": [None], "val_mse": [3.6e-05]}
    assert data["status"] == "running"
    assert view.path == folder / "index.html"
    assert view.file_url == (folder / "index.html").as_uri()


def test_files_end_with_the_final_state(view: MetricsView) -> None:
    # The writer thread coalesces updates; end() writes synchronously and an
    # older background write must never land after it.
    view.begin(epochs=300, initial_epoch=1)
    for epoch in range(1, 301):
        view.add_epoch(epoch, {"loss": 1 / epoch, "val_loss": 2 / epoch})
    view.end()
    text = (view.run_dir / "metrics.json").read_text()
    assert text == view.payload_json()
    data = json.loads(text)
    assert data["status"] == "done" and data["stoppedEarly"] is False
    assert data["epoch"] == list(range(1, 301))
    assert data["metrics"]["val_loss"][-1] == 2 / 300
    view.close()
    assert not any(p.name.endswith(".tmp") for p in view.run_dir.iterdir())
