"""The files the page is made of: the template and the vendored chart library.

The chart library (uPlot) is an npm dependency pinned in `package.json`;
`npm ci` installs it and `npm run vendor` copies its built files, licence and
provenance into `static/`, which is checked in and ships in the wheel and the
sdist (`make viewer-vendor` regenerates it). Nothing is fetched at run time.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from kfit.errors import KfitError

VIEWER_DIR = Path(__file__).resolve().parent
STATIC_DIR = VIEWER_DIR / "static"
TEMPLATE_PATH = VIEWER_DIR / "template.html"
CHART_JS = "uPlot.iife.min.js"
CHART_CSS = "uPlot.min.css"
BUILD_COMMAND = (
    "npm --prefix bridge/kfit/viewer ci && npm --prefix bridge/kfit/viewer run vendor"
)


class ViewerAssetsMissingError(KfitError, FileNotFoundError):
    """The vendored chart library has not been built into `static/`."""


@dataclass(frozen=True)
class Assets:
    """The text of the template and of the chart library.

    Attributes:
        template: The page template (`template.html`).
        chart_js: The chart library, a browser script defining `uPlot`.
        chart_css: The chart library's stylesheet.
    """

    template: str
    chart_js: str
    chart_css: str


@functools.lru_cache(maxsize=1)
def load_assets() -> Assets:
    """Reads the template and the chart library (once per process).

    Returns:
        The page's building blocks.

    Raises:
        ViewerAssetsMissingError: If `static/` lacks the chart library.
    """
    missing = [
        name for name in (CHART_JS, CHART_CSS) if not (STATIC_DIR / name).is_file()
    ]
    if missing:
        raise ViewerAssetsMissingError(
            f"The metrics view needs the chart library in {STATIC_DIR}, which lacks "
            f"{', '.join(missing)}. Build it with `make` (it runs "
            f"`{BUILD_COMMAND}` from the repository root)."
        )
    return Assets(
        template=TEMPLATE_PATH.read_text(encoding="utf-8"),
        chart_js=(STATIC_DIR / CHART_JS).read_text(encoding="utf-8"),
        chart_css=(STATIC_DIR / CHART_CSS).read_text(encoding="utf-8"),
    )
