"""Renders the metrics page: one self-contained HTML file.

The template (`template.html`) holds the page's markup, style and script; this
module inlines the chart library and the page's configuration into it, so the
result needs no other file and no network: it works from `file://`, from the
local server, in RStudio's viewer and inside a knitted document.
"""

from __future__ import annotations

import html
import json
import re

from kfit.viewer.assets import load_assets

_MARKER = re.compile(r"/\*KFIT:(CHART_CSS|CHART_JS)\*/|\{\{KFIT:(TITLE|CONFIG)\}\}")


def render_page(
    *, title: str, live: bool, payload_json: str, poll_ms: int = 500
) -> str:
    """Builds the page's HTML.

    Args:
        title: The page title, shown in the header.
        live: `True` for the training page, which polls `metrics.json` (over
            http) or `metrics.js` (over file://) until the run is done;
            `False` for a snapshot that draws `payload_json` and never polls.
        payload_json: The run as JSON (see `MetricsView.payload_json`); the
            page draws it at once, before any poll.
        poll_ms: Milliseconds between polls of a live page.

    Returns:
        The HTML document.
    """
    assets = load_assets()
    config = (
        f'{{"title":{json.dumps(title)},"live":{json.dumps(live)},'
        f'"pollMs":{int(poll_ms)},"data":{payload_json}}}'
    )
    parts = {
        "CHART_CSS": assets.chart_css,
        "CHART_JS": assets.chart_js,
        "TITLE": html.escape(title),
        # "<" only occurs inside JSON strings, where \u003c means the same;
        # this keeps "</script>" in a title or a metric name harmless.
        "CONFIG": config.replace("<", "\\u003c"),
    }
    return _MARKER.sub(lambda m: parts[m.group(1) or m.group(2)], assets.template)
