"""kfit.viewer.page: the live page in a real headless Chromium, opened from the
local http server (RStudio's viewer) and from a `file://` URL, updated epoch by
epoch without a reload, stopped when training ends; drawn as `plot()` draws a
history. Screenshots are compared with tests/snapshots/viewer/ (the new ones
go to tests/artifacts/, git-ignored)."""

from __future__ import annotations

import numpy as np
import pytest
from playwright.sync_api import Page
from viewer_support import (
    CHARTS_JS,
    LEGEND_JS,
    POLL_MS,
    expect_screenshot,
    hover_epoch,
    open_page,
    status_text,
    wait_seq,
)

from kfit.viewer import (
    MetricsView,
)


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

    expect_screenshot(page, "viewer.png" if mode == "http" else "viewer-file.png")


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
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(100)
    expect_screenshot(page, "viewer-dark.png")


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


def _keras_run(view: MetricsView, epochs: int, validation_freq: int = 2) -> dict:
    """A run as Keras logs it: float32 values, accuracy before loss,
    validation every `validation_freq` epochs. Returns the logs by epoch."""
    view.begin(epochs=epochs, initial_epoch=1)
    logs_by_epoch = {}
    for epoch in range(1, epochs + 1):
        logs = {"accuracy": np.float32(0.5 + 0.4 * (1 - 0.8 ** epoch)),
                "loss": np.float32(1.1 * 0.85 ** epoch + 0.013 * (epoch % 3))}
        if epoch % validation_freq == 0:
            logs |= {"val_accuracy": np.float32(0.45 + 0.4 * (1 - 0.8 ** epoch)),
                     "val_loss": np.float32(1.2 * 0.87 ** epoch)}
        view.add_epoch(epoch, {k: float(v) for k, v in logs.items()})
        logs_by_epoch[epoch] = logs
    view.end()
    return logs_by_epoch


def _short(value: np.float32) -> str:
    """4 significant digits, as the page (and R's print()) shows them."""
    return repr(float(f"{float(value):.4g}"))


def test_page_reads_like_plot(page: Page, view: MetricsView) -> None:
    logs = _keras_run(view, epochs=12)
    open_page(page, view, "file")
    page.wait_for_function("() => window.kfit.polling === false")

    # plot()'s panel order (Keras' order: accuracy, then loss), axis titles.
    assert page.locator(".kfit-card h2").all_inner_texts() == ["accuracy", "loss"]
    assert page.evaluate("""() => ['accuracy', 'loss'].map(m =>
        window.kfit.charts[m].u.axes.map(a => a.label))""") == [
        ["epoch", "accuracy"], ["epoch", "loss"]]

    # 4 significant digits in the legend, not float32 noise (0.7951, not
    # 0.79513603).
    last = logs[12]
    assert page.evaluate(LEGEND_JS, "loss") == [
        ["epoch", "12"], ["training", _short(last["loss"])],
        ["validation", _short(last["val_loss"])]]
    assert len(str(last["loss"])) > len(_short(last["loss"])) + 2

    # The x axis has a tick at the first epoch, then whole steps.
    assert page.evaluate("() => window.kfit.charts.loss.u.axes[0]._splits") == [
        1, 2, 4, 6, 8, 10, 12]

    # Epochs without validation are gaps: each validation value is a point
    # alone, no line is drawn across the epochs between.
    assert page.evaluate("""() => window.kfit.charts.loss.u.series.slice(1)
        .map(s => s.spanGaps)""") == [False, False]

    # One cursor for every card: hovering epoch 6 of loss shows epoch 6's
    # values in the accuracy card too.
    hover_epoch(page, "loss", 6)
    page.wait_for_function(
        '() => document.querySelector(\'.kfit-card[data-metric="accuracy"] '
        ".u-series:first-child .u-value').textContent === '6'"
    )
    assert page.evaluate(LEGEND_JS, "accuracy") == [
        ["epoch", "6"], ["training", _short(logs[6]["accuracy"])],
        ["validation", _short(logs[6]["val_accuracy"])]]
    expect_screenshot(page, "viewer-plot-hover.png")
    page.mouse.move(5, 5)

    # The table shows 4 digits too, the full value as the cell's tooltip.
    page.locator(".kfit-values summary").click()
    cell = page.locator(".kfit-values tr").nth(2).locator("td").nth(2)
    assert cell.inner_text() == _short(logs[2]["loss"])
    assert cell.get_attribute("title") == str(logs[2]["loss"])
    page.locator(".kfit-values summary").click()
    expect_screenshot(page, "viewer-plot.png")
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(100)
    expect_screenshot(page, "viewer-plot-dark.png")


def test_long_run_ticks_start_at_the_first_epoch(page: Page, view: MetricsView
                                                 ) -> None:
    _keras_run(view, epochs=100, validation_freq=1)
    open_page(page, view, "http")
    page.wait_for_function("() => window.kfit.polling === false")
    splits = page.evaluate("() => window.kfit.charts.loss.u.axes[0]._splits")
    step = splits[2] - splits[1]
    assert splits[0] == 1 and step in (10, 20, 25)
    assert splits[1:] == list(range(step, 101, step))
    expect_screenshot(page, "viewer-plot-100.png")


def test_a_metrics_js_read_cut_short_is_no_page_error(
    page: Page, view: MetricsView
) -> None:
    """kfit replaces metrics.js whole (`os.replace`), but a `file://` load that
    races it can read the new file only as long as the old one (Chromium's
    loader: a page error "Unexpected end of input" once in a fresh clone's
    run). Such a cut read is no error of the page's: it says nothing (the
    `page` fixture fails on any page or console error), keeps polling, and
    shows the next whole file."""
    open_page(page, view, "file")
    view.begin(epochs=3, initial_epoch=1)
    view.add_epoch(1, {"loss": 0.5})
    wait_seq(page, view)
    script = view.run_dir / "metrics.js"
    whole = script.read_bytes()
    script.write_bytes(whole[: len(whole) // 2])  # what a cut read returns
    polls = page.evaluate("() => window.kfit.polls")
    page.wait_for_function(f"() => window.kfit.polls >= {polls + 3}")
    view.add_epoch(2, {"loss": 0.25})
    wait_seq(page, view)
    assert status_text(page) == "epoch 2 of 3"
