"""The live metrics view, in a real headless Chromium.

The page is checked where users see it: opened from the local http server
(RStudio's viewer, `kfit.fit(view_metrics=TRUE)`) and from a `file://` URL,
updated epoch by epoch without a reload, and stopped when training ends.
Screenshots go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from kfit.errors import KfitValueError
from kfit.viewer import (
    MetricsView,
    ViewerAssetsMissingError,
    make_view_callback,
    static_snapshot_html,
)
from kfit.viewer import assets as viewer_assets
from kfit.viewer.table import MetricsTable

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
POLL_MS = 100
WAIT_MS = 15_000

CHARTS_JS = """() => Object.fromEntries(
  Object.entries(window.kfit.charts).map(([name, c]) => [name, {
    labels: c.u.series.map(s => s.label),
    data: c.u.data,
  }]))"""

LEGEND_JS = """(metric) => Array.from(
  document.querySelectorAll(`.kfit-card[data-metric="${metric}"] .u-legend .u-series`)
).map(row => [row.querySelector('.u-label').textContent,
              row.querySelector('.u-value').textContent])"""


# ---- fixtures -------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 760})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" else None,
    )
    yield page
    context.close()
    assert errors == []


@pytest.fixture
def view(tmp_path: Path) -> Iterator[MetricsView]:
    view = MetricsView(tmp_path / "run", title="kfit test run", poll_ms=POLL_MS)
    yield view
    view.close()


def open_page(page: Page, view: MetricsView, mode: str) -> list[str]:
    """Opens the view's page over `mode`; returns the URLs the page requests."""
    requests: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith("data:") else requests.append(r.url),
    )
    url = view.serve() if mode == "http" else view.file_url
    page.goto(url)
    page.wait_for_function("() => window.kfit && window.kfit.data")
    wait_seq(page, view)
    return requests


def wait_seq(page: Page, view: MetricsView) -> None:
    """Waits until the page shows the view's latest update."""
    seq = json.loads(view.payload_json())["seq"]
    page.wait_for_function(f"() => window.kfit.data.seq === {seq}")


def status_text(page: Page) -> str:
    return page.locator(".kfit-status").inner_text()


def hover_epoch(page: Page, metric: str, epoch: int) -> None:
    x, y = page.evaluate(
        """([metric, epoch]) => {
          const u = window.kfit.charts[metric].u;
          const r = u.over.getBoundingClientRect();
          return [r.left + u.valToPos(epoch, 'x'), r.top + r.height / 2];
        }""",
        [metric, epoch],
    )
    page.mouse.move(x, y)


# ---- the live page --------------------------------------------------------


@pytest.mark.parametrize("mode", ["http", "file"])
def test_live_page_follows_training_without_reload(
    page: Page, view: MetricsView, mode: str
) -> None:
    requests = open_page(page, view, mode)
    assert status_text(page) == "waiting for training to start"
    assert page.locator(".kfit-card").count() == 0

    # A resumed run: epochs 3 to 6; validation at epochs 4 and 6 only.
    view.begin(epochs=6, initial_epoch=3)
    view.add_epoch(3, {"loss": 0.75, "mse": 0.0125})
    wait_seq(page, view)
    assert status_text(page) == "epoch 3 of 6"
    assert page.evaluate(CHARTS_JS)["loss"]["labels"] == ["epoch", "training"]

    view.add_epoch(
        4, {"loss": 0.5, "val_loss": 0.625, "mse": 0.004, "val_mse": 3.6e-05}
    )
    view.add_epoch(5, {"loss": 0.25, "mse": 0.002})
    wait_seq(page, view)
    assert status_text(page) == "epoch 5 of 6"
    assert (
        page.locator(".kfit-detail").inner_text().startswith("epochs 3\u20136, resumed")
    )

    # One chart per base metric, training and validation overlaid, real
    # epoch numbers, exact values, gaps as null (never 0).
    assert page.locator(".kfit-card h2").all_inner_texts() == ["loss", "mse"]
    charts = page.evaluate(CHARTS_JS)
    assert charts == {
        "loss": {
            "labels": ["epoch", "training", "validation"],
            "data": [[3, 4, 5], [0.75, 0.5, 0.25], [None, 0.625, None]],
        },
        "mse": {
            "labels": ["epoch", "training", "validation"],
            "data": [[3, 4, 5], [0.0125, 0.004, 0.002], [None, 3.6e-05, None]],
        },
    }
    assert page.evaluate("() => window.kfit.data.metrics.val_mse") == [
        None,
        3.6e-05,
        None,
    ]

    # Legend: latest values when the cursor is away, hovered values on hover.
    assert page.evaluate(LEGEND_JS, "mse") == [
        ["epoch", "5"],
        ["training", "0.002"],
        ["validation", "3.6e-05 (epoch 4)"],
    ]
    hover_epoch(page, "mse", 4)
    page.wait_for_function(
        '() => document.querySelector(\'.kfit-card[data-metric="mse"] '
        ".u-series:first-child .u-value').textContent === '4'"
    )
    assert page.evaluate(LEGEND_JS, "mse") == [
        ["epoch", "4"],
        ["training", "0.004"],
        ["validation", "3.6e-05"],
    ]
    hover_epoch(page, "mse", 5)
    page.wait_for_function(
        '() => document.querySelector(\'.kfit-card[data-metric="mse"] '
        ".u-series:first-child .u-value').textContent === '5'"
    )
    assert page.evaluate(LEGEND_JS, "mse")[2] == ["validation", "—"]
    page.mouse.move(5, 5)

    # The values table shows every value at full precision.
    page.locator(".kfit-values summary").click()
    page.locator(".kfit-values tr").nth(3).wait_for()
    rows = page.locator(".kfit-values tr").all_inner_texts()
    assert [r.split("\t") for r in rows] == [
        ["epoch", "loss", "mse", "val_loss", "val_mse"],
        ["3", "0.75", "0.0125", "—", "—"],
        ["4", "0.5", "0.004", "0.625", "3.6e-05"],
        ["5", "0.25", "0.002", "—", "—"],
    ]
    page.locator(".kfit-values summary").click()

    # The next epoch arrives in place: same page, same chart objects.
    page.evaluate(
        "() => { window.kfitMarker = 'kept'; window.kfit.charts.loss.u.kfitTag = 1; }"
    )
    load_id = page.evaluate("() => window.kfit.loadId")
    view.add_epoch(6, {"loss": 0.125, "val_loss": 0.25, "mse": 0.001, "val_mse": 1e-05})
    wait_seq(page, view)
    assert page.evaluate("() => window.kfitMarker") == "kept"
    assert page.evaluate("() => window.kfit.loadId") == load_id
    assert page.evaluate("() => window.kfit.charts.loss.u.kfitTag") == 1
    assert page.evaluate(CHARTS_JS)["loss"]["data"] == [
        [3, 4, 5, 6],
        [0.75, 0.5, 0.25, 0.125],
        [None, 0.625, None, 0.25],
    ]
    assert status_text(page) == "epoch 6 of 6"

    # Training ends: the header says so and polling stops.
    view.end()
    page.wait_for_function("() => window.kfit.polling === false")
    assert status_text(page) == "done: epoch 6 of 6"
    polls = page.evaluate("() => window.kfit.polls")
    assert polls > 1
    page.wait_for_timeout(6 * POLL_MS)
    assert page.evaluate("() => window.kfit.polls") == polls
    assert page.evaluate("() => window.kfit.loadId") == load_id

    # Offline: the page only ever asked for files of its own run folder.
    base = view.serve().rsplit("/", 1)[0] if mode == "http" else view.run_dir.as_uri()
    assert requests and all(url.startswith(base + "/") for url in requests)
    polled = "metrics.json" if mode == "http" else "metrics.js"
    assert any(f"/{polled}?t=" in url for url in requests)

    ARTIFACTS.mkdir(exist_ok=True)
    name = "viewer.png" if mode == "http" else "viewer-file.png"
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_early_stop_and_validation_freq(page: Page, view: MetricsView) -> None:
    view.begin(epochs=10, initial_epoch=1)
    for epoch in range(1, 6):
        logs = {"loss": 1 / epoch, "accuracy": 0.5 + epoch / 20}
        if epoch % 2 == 0:  # validation_freq = 2
            logs |= {"val_loss": 1.5 / epoch, "val_accuracy": 0.4 + epoch / 20}
        view.add_epoch(epoch, logs)
    open_page(page, view, "http")
    assert status_text(page) == "epoch 5 of 10"
    view.end()
    page.wait_for_function("() => window.kfit.polling === false")
    assert status_text(page) == "stopped early at epoch 5 of 10"
    assert page.locator(".kfit-card h2").all_inner_texts() == ["loss", "accuracy"]
    charts = page.evaluate(CHARTS_JS)
    assert charts["loss"]["data"][2] == [None, 0.75, None, 0.375, None]
    assert charts["accuracy"]["data"][2] == [None, 0.5, None, 0.6000000000000001, None]
    # Stopped early: the x axis fits the epochs that ran, not 1..10.
    x_max = page.evaluate("() => window.kfit.charts.loss.u.scales.x.max")
    assert 5 <= x_max < 6
    ARTIFACTS.mkdir(exist_ok=True)
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(100)
    page.screenshot(path=str(ARTIFACTS / "viewer-dark.png"), full_page=True)


def test_non_finite_values_and_interruption(page: Page, view: MetricsView) -> None:
    view.begin(epochs=4, initial_epoch=1)
    view.add_epoch(1, {"loss": 2.5})
    view.add_epoch(2, {"loss": float("nan")})
    view.end(message="interrupted")
    open_page(page, view, "file")
    # The page was written before training began: one poll finds it done.
    page.wait_for_function("() => window.kfit.polling === false")
    assert status_text(page) == "stopped early at epoch 2 of 4 (interrupted)"
    assert page.evaluate(CHARTS_JS)["loss"]["data"] == [[1, 2], [2.5, None]]
    assert page.evaluate(LEGEND_JS, "loss")[1] == ["training", "NaN"]
    page.wait_for_timeout(3 * POLL_MS)
    assert page.evaluate("() => window.kfit.polls") == 1


def test_static_snapshot_is_self_contained(page: Page, view: MetricsView) -> None:
    view.begin(epochs=3, initial_epoch=1)
    view.add_epoch(1, {"loss": 0.5, "val_loss": 0.75, "</script>x": 1.0})
    view.add_epoch(2, {"loss": 0.25, "val_loss": 3.6e-05, "</script>x": 2.0})
    view.add_epoch(3, {"loss": 0.125, "val_loss": 0.5, "</script>x": 3.0})
    view.end()
    html = static_snapshot_html(view)
    assert html == view.snapshot_html()
    assert "</script>x" not in html
    requests: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith("data:") else requests.append(r.url),
    )
    page.set_content(html)
    page.wait_for_function("() => window.kfit && window.kfit.charts.loss")
    assert status_text(page) == "done: epoch 3 of 3"
    assert page.locator(".kfit-card h2").all_inner_texts() == ["loss", "</script>x"]
    assert page.evaluate(CHARTS_JS)["loss"]["data"] == [
        [1, 2, 3],
        [0.5, 0.25, 0.125],
        [0.75, 3.6e-05, 0.5],
    ]
    page.wait_for_timeout(3 * POLL_MS)
    assert page.evaluate("() => [window.kfit.polls, window.kfit.polling]") == [0, False]
    assert requests == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viewer-snapshot.png"), full_page=True)


# ---- files, server, data --------------------------------------------------


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


def test_open_in_browser_opens_the_served_page(
    view: MetricsView, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    assert view.open_in_browser() == view.serve()
    assert view.open_in_browser(serve=False) == view.file_url
    assert opened == [view.serve(), view.file_url]


def test_default_folder_is_temporary() -> None:
    with MetricsView() as view:
        assert view.run_dir.name.startswith("kfit-run-")
        assert view.path.is_file()


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


def test_table_rules() -> None:
    table = MetricsTable(["loss"])
    table.add(6, {"loss": 1.0, "val_loss": float("inf")})
    with pytest.raises(KfitValueError, match=r"(?s)`epoch`.*Received: epoch=6"):
        table.add(6, {"loss": 1.0})
    with pytest.warns(UserWarning, match="logs\\['weights'\\].*not a scalar"):
        table.add(7, {"loss": float("-inf"), "weights": [1, 2]})
    assert table.epochs == [6, 7]
    assert table.columns == {
        "loss": [1.0, float("-inf")],
        "val_loss": [float("inf"), None],
    }
    fields = json.loads("{" + table.json_fields() + "}")
    assert fields["metrics"] == {
        "loss": [1.0, "-Infinity"],
        "val_loss": ["Infinity", None],
    }


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


def test_import_does_not_load_keras() -> None:
    code = (
        "import sys, kfit.viewer; "
        "print(sorted(m for m in ('keras', 'tensorflow') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


# ---- the Keras callback ---------------------------------------------------


@pytest.mark.trains
def test_keras_callback_numbers_epochs_for_people(view: MetricsView) -> None:
    import keras
    import numpy as np

    class StopAt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            if epoch == 4:  # Keras' 0-based index: the 5th epoch
                self.model.stop_training = True

    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    callback = make_view_callback(view, initial_epoch=1, epochs=8)
    history = model.fit(
        x,
        y,
        epochs=8,
        initial_epoch=1,
        validation_data=(x, y),
        validation_freq=2,
        callbacks=[callback, StopAt()],
        verbose=0,
    )
    assert isinstance(callback, keras.callbacks.Callback)
    data = json.loads(view.payload_json())
    assert data["initialEpoch"] == 2 and data["epochs"] == 8
    assert data["epoch"] == [2, 3, 4, 5]
    assert data["status"] == "done" and data["stoppedEarly"] is True
    assert data["metrics"]["loss"] == history.history["loss"]
    assert data["metrics"]["val_loss"] == [
        history.history["val_loss"][0],
        None,
        history.history["val_loss"][1],
        None,
    ]
