"""Helpers of the live view's tests (tests/test_viewer_*.py): the headless
Chromium they open pages in, and what they wait for and read there. The
fixtures (`browser`, `page`, `view`) are in conftest.py."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page

from kfit.viewer import MetricsView

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
