"""kfit.viewer.callback: the Keras callback feeds the view with the epochs
people count (1-based)."""

from __future__ import annotations

import json

import pytest

from kfit.viewer import (
    MetricsView,
    make_view_callback,
)


@pytest.mark.trains
def test_keras_callback_numbers_epochs_for_people(view: MetricsView) -> None:
    import keras
    import numpy as np

    class StopAt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            if epoch == 4:  # Keras' 0-based index: the 5th epoch
                self.model.stop_training = True

    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    callback = make_view_callback(view, initial_epoch=1, epochs=8)
    history = model.fit(
        x,
        y,
        epochs=8,
        initial_epoch=1,
        validation_data=(x, y),
        validation_freq=2,
        callbacks=[callback, StopAt()],
        verbose=0,
    )
    assert isinstance(callback, keras.callbacks.Callback)
    data = json.loads(view.payload_json())
    assert data["initialEpoch"] == 2 and data["epochs"] == 8
    assert data["epoch"] == [2, 3, 4, 5]
    assert data["status"] == "done" and data["stoppedEarly"] is True
    assert data["metrics"]["loss"] == history.history["loss"]
    assert data["metrics"]["val_loss"] == [
        history.history["val_loss"][0],
        None,
        history.history["val_loss"][1],
        None,
    ]
