"""The final chart as one HTML string, for knitted documents."""

from __future__ import annotations

from kfit.viewer.view import MetricsView


def static_snapshot_html(view: MetricsView) -> str:
    """Renders `view`'s chart as it stands, as a self-contained HTML page.

    The page inlines the chart library and the data and never polls. It is a
    whole document: embed it in another page through an `<iframe srcdoc=...>`
    (or write it to a file and include that).

    Args:
        view: The view to render, usually after `end()`.

    Returns:
        The HTML document.
    """
    return view.snapshot_html()
