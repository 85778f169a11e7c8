"""The Keras callback that feeds a `MetricsView` during `fit`.

Keras is imported when the callback is made, never when `kfit.viewer` is
imported: the view itself works without TensorFlow.
"""

from __future__ import annotations

import functools
from typing import Any

from kfit.viewer.view import MetricsView


@functools.cache
def _callback_class() -> type:
    import keras

    class MetricsViewCallback(keras.callbacks.Callback):
        """Sends Keras' training events to a `MetricsView`."""

        def __init__(self, view: MetricsView, initial_epoch: int, epochs: int) -> None:
            super().__init__()
            self.view = view
            self.initial_epoch = int(initial_epoch)
            self.epochs = int(epochs)

        def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
            self.view.begin(epochs=self.epochs, initial_epoch=self.initial_epoch + 1)

        def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
            self.view.add_epoch(epoch + 1, logs or {})

        def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
            self.view.end()

    return MetricsViewCallback


def make_view_callback(view: MetricsView, initial_epoch: int, epochs: int) -> Any:
    """Makes a Keras callback that drives `view` through one `fit`.

    Epochs are numbered as people count them: Keras' 0-based epoch index
    `i` is shown as epoch `i + 1`.

    Args:
        view: The view to update.
        initial_epoch: Keras' 0-based `initial_epoch`, as passed to
            `model.fit` (5 resumes after five epochs; the view starts at 6).
        epochs: Keras' `epochs`, the number of the last epoch.

    Returns:
        A `keras.callbacks.Callback`: `begin()` on train begin, `add_epoch()`
        on every epoch end, `end()` on train end (stopping early is inferred
        from the last epoch). Keras skips `on_train_end` when `fit` raises:
        call `view.end(message=...)` in a `finally:` too (a no-op when done).
    """
    return _callback_class()(view, initial_epoch, epochs)
