"""`kfit.fit(..., view_metrics=True)` from Python: the live page of a run."""

from __future__ import annotations

import json
import urllib.request
import webbrowser

import pytest

import kfit
from kfit.viewer.display import close_views

pytestmark = pytest.mark.trains  # see conftest.py


@pytest.fixture(autouse=True)
def _stop_serving():
    yield
    close_views()  # the pages' servers would otherwise outlive the test


def _opened(monkeypatch) -> list[str]:
    urls: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: urls.append(url))
    return urls


def _payload(url: str) -> dict:
    with urllib.request.urlopen(url.rsplit("/", 1)[0] + "/metrics.json") as page:
        return json.loads(page.read())


def test_view_opens_once_and_shows_real_epochs_with_gaps(monkeypatch, make_model,
                                                         data):
    urls = _opened(monkeypatch)
    x, y = data
    history = kfit.fit(make_model(), x, y, epochs=6, initial_epoch=3,
                       validation_split=0.2, validation_freq=2, verbose=0,
                       view_metrics=True)
    assert history.params["view_metrics"] is True
    assert len(urls) == 1 and urls[0].startswith("http://127.0.0.1:")
    with urllib.request.urlopen(urls[0]) as page:
        assert b"uPlot" in page.read()  # the chart library is inlined
    payload = _payload(urls[0])
    assert payload["status"] == "done"
    assert payload["epoch"] == [3, 4, 5, 6] == history.epochs
    assert payload["initialEpoch"] == 3 and payload["epochs"] == 6
    assert payload["metrics"]["loss"] == history.metrics["loss"]
    assert payload["metrics"]["val_loss"] == history.metrics["val_loss"]
    assert payload["metrics"]["val_loss"][0] is None  # a gap, not a zero
    assert payload["stoppedEarly"] is False


def test_view_marks_early_stopping(monkeypatch, make_model, data, keras):
    urls = _opened(monkeypatch)
    x, y = data
    model = make_model()
    model.optimizer.learning_rate.assign(0.0)  # the loss cannot improve
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=0)
    history = kfit.fit(model, x, y, epochs=10, callbacks=[stop], shuffle=False,
                       verbose=0, view_metrics=True)
    payload = _payload(urls[0])
    assert payload["epoch"] == history.epochs == [1, 2]
    assert payload["stoppedEarly"] is True


def test_view_is_off_by_default_outside_rstudio(monkeypatch, make_model, data):
    urls = _opened(monkeypatch)
    monkeypatch.delenv("RSTUDIO", raising=False)
    x, y = data
    history = kfit.fit(make_model(), x, y, epochs=2, verbose=1)
    assert history.params["view_metrics"] is False
    assert urls == []


def test_view_kept_in_a_folder_outlives_the_run(monkeypatch, make_model, data,
                                                tmp_path):
    urls = _opened(monkeypatch)
    x, y = data
    monkeypatch.chdir(tmp_path)
    history = kfit.fit(make_model(), x, y, epochs=3, verbose=0,
                       view_metrics="runs/first")
    folder = tmp_path / "runs" / "first"
    assert history.params["view_metrics"] is True
    assert history.params["view_url"] == (folder / "index.html").as_uri()
    assert len(urls) == 1
    close_views()  # the server goes, the files stay
    assert sorted(p.name for p in folder.iterdir()) == [
        "index.html", "metrics.js", "metrics.json"]
    payload = json.loads((folder / "metrics.json").read_text())
    assert payload["status"] == "done" and payload["epoch"] == [1, 2, 3]
    assert payload["metrics"]["loss"] == history.metrics["loss"]
