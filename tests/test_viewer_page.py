"""kfit.viewer.page: the live page in a real headless Chromium, opened from the
local http server (RStudio's viewer) and from a `file://` URL, updated epoch by
epoch without a reload, stopped when training ends. Screenshots go to
tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from viewer_support import (
    ARTIFACTS,
    CHARTS_JS,
    LEGEND_JS,
    POLL_MS,
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
