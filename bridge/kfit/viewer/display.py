"""Where a live view is shown: RStudio's viewer, a browser, or nowhere.

Called on the main thread before training starts.
- Under knitr nothing is live: nothing is opened; the R package leaves the
  final chart in the document.
- With R as host: RStudio's `getOption("viewer")` with the page's path in
  R's tempdir() (RStudio serves it), else (no RStudio, or a page kept in a
  folder of the user's: `view_metrics = "runs/iris"`) `utils::browseURL()`
  on the file:// URL (the page polls a script file there). Both are R functions
  the R package handed over for the run (`environment.r_context`).
- From Python (also when Python runs R through rpy2): `webbrowser`, on a
  local http server on 127.0.0.1.
"""

from __future__ import annotations

import os
import uuid

from kfit import environment
from kfit.viewer.view import MetricsView

_shown: list[MetricsView] = []


def close_views() -> None:
    """Stop serving the views `show()` opened (their files stay)."""
    while _shown:
        _shown.pop().close()


def show(view: MetricsView) -> str | None:
    """Open `view` where the user can see it; return the URL, or None.

    The view shown before it stops being served: one page is live at a time.
    """
    close_views()
    _shown.append(view)
    if environment.in_knitr():
        return None
    ctx = environment.context()
    if ctx is None:
        return view.open_in_browser()
    viewer = ctx.get("viewer")
    if viewer is not None and _inside(view.path, ctx.get("tempdir")):
        path = str(view.path)
        viewer(path)
        return path
    ctx["browse"](view.file_url)
    return view.file_url


def _inside(path: os.PathLike[str], folder: object) -> bool:
    """Whether `path` is in `folder`: RStudio's viewer shows only pages in
    the session's tempdir(); a page kept elsewhere opens in the browser."""
    if not folder:
        return False
    root = os.path.realpath(str(folder))
    return os.path.commonpath([os.path.realpath(path), root]) == root


def run_dir_for_host() -> str | None:
    """Where a view's files go: in R's tempdir() when R hosts Python.

    RStudio's viewer shows files from the R session's temporary folder (over
    its own http server). A Python server thread would not do: while R code
    runs, reticulate 1.28 holds the GIL and the thread could not answer.
    """
    ctx = environment.context()
    if ctx is None or not ctx.get("tempdir"):
        return None
    return os.path.join(str(ctx["tempdir"]), f"kfit-view-{uuid.uuid4().hex[:8]}")
