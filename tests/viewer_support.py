"""Helpers of the live view's tests (tests/test_viewer_*.py): the headless
Chromium they open pages in, and what they wait for and read there. The
fixtures (`browser`, `page`, `view`) are in conftest.py."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import numpy as np
from PIL import Image
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

# Reference screenshots, committed: compared as the R plots' SVGs are
# (vdiffr). KFIT_UPDATE_SNAPSHOTS=1 writes them anew (look at them first).
SNAPSHOTS = Path(__file__).parent / "snapshots" / "viewer"

# A pixel differs when a channel moves by more than this (anti-aliasing
# noise stays below); a screenshot matches when at most 0.02 % of its pixels
# (~170 of 1100x760) differ. The same Chromium draws the same pixels: runs
# on this machine differ by none; points 1 px smaller are 0.03 % (8
# points) to 0.5 % (200 points) of the page.
PIXEL_TOLERANCE = 24
DIFFERING_PIXELS = 0.0002

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


def expect_screenshot(page: Page, name: str) -> None:
    """The whole page, as `tests/snapshots/viewer/<name>` shows it.

    The header's elapsed time is masked. The new screenshot is left in
    tests/artifacts/ to look at.
    """
    png = page.screenshot(full_page=True, animations="disabled",
                          mask=[page.locator(".kfit-detail")])
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_bytes(png)
    reference = SNAPSHOTS / name
    if os.environ.get("KFIT_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        reference.write_bytes(png)
    assert reference.is_file(), (
        f"no reference screenshot {reference}: look at {ARTIFACTS / name} and "
        "run again with KFIT_UPDATE_SNAPSHOTS=1 to keep it")
    new = _pixels(png)
    old = _pixels(reference.read_bytes())
    assert new.shape == old.shape, (
        f"{name}: the page is {new.shape[1]}x{new.shape[0]} px, the reference "
        f"{old.shape[1]}x{old.shape[0]}; see {ARTIFACTS / name}")
    differ = float((np.abs(new - old).max(axis=2) > PIXEL_TOLERANCE).mean())
    assert differ <= DIFFERING_PIXELS, (
        f"{name}: {differ:.2%} of the pixels differ from {reference}; see "
        f"{ARTIFACTS / name}")


def _pixels(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)
