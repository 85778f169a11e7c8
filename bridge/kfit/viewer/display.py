"""Where a live view is shown: RStudio's viewer, a browser, or nowhere.

Called on the main thread before training starts (it may call R).
- Under knitr nothing is live: nothing is opened; the R package leaves the
  final chart in the document.
- With R as host: RStudio's `getOption("viewer")` with the page's path in
  R's tempdir() (RStudio serves it), else `utils::browseURL()` on the
  file:// URL (the page polls a script file there).
- From Python: `webbrowser`, on a local http server on 127.0.0.1.
"""

from __future__ import annotations

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
    if not environment.r_is_running() or not environment.r_hosts_python():
        return view.open_in_browser()
    from kfit.r.session import call_r, get_option, robjects

    viewer = get_option("viewer")
    if viewer is not None:
        path = str(view.path)
        call_r(viewer, path)
        return path
    call_r(robjects().r["browseURL"], view.file_url)
    return view.file_url


def run_dir_for_host() -> str | None:
    """Where a view's files go: in R's tempdir() when R hosts Python.

    RStudio's viewer shows files from the R session's temporary folder (over
    its own http server). A Python server thread would not do: while R code
    runs, reticulate holds the GIL and the thread could not answer.
    """
    if not (environment.r_is_running() and environment.r_hosts_python()):
        return None
    import os
    import uuid

    from kfit.r.session import call_r, robjects

    temp = str(call_r(robjects().r["tempdir"])[0])
    return os.path.join(temp, f"kfit-view-{uuid.uuid4().hex[:8]}")
