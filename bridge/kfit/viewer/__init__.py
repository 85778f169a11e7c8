"""The live metrics view: a self-updating chart of a run's metrics.

`MetricsView` writes a run folder (page + data files) that a browser shows
from `file://` or from a local http server; `make_view_callback` feeds it from
Keras; `static_snapshot_html` renders the final chart for documents.
Importing this package does not import TensorFlow or Keras.
"""

from kfit.viewer.assets import ViewerAssetsMissingError
from kfit.viewer.callback import make_view_callback
from kfit.viewer.snapshot import static_snapshot_html
from kfit.viewer.view import MetricsView

__all__ = [
    "MetricsView",
    "ViewerAssetsMissingError",
    "make_view_callback",
    "static_snapshot_html",
]
