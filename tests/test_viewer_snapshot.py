"""kfit.viewer.snapshot: the final chart as one self-contained page, for
documents."""

from __future__ import annotations

from playwright.sync_api import Page
from viewer_support import CHARTS_JS, POLL_MS, expect_screenshot, status_text

from kfit.viewer import (
    MetricsView,
    static_snapshot_html,
)


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
    expect_screenshot(page, "viewer-snapshot.png")
