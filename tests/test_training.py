"""kfit.training.train: one `model.fit` on the calling thread, from a Run
already resolved: Keras' 0-based epochs from kfit's 1-based ones, the
history on real epoch numbers, and a failing user callback named with the
place it failed, the epochs before it kept."""

from __future__ import annotations

import numpy as np
import pytest

from kfit.arguments import resolve_epochs
from kfit.data.base import Feed
from kfit.errors import KfitCallbackError
from kfit.history import TrainingHistory
from kfit.training import Run, train

pytestmark = pytest.mark.trains  # see conftest.py


def _run(model, callbacks=(), epochs=(3, 2)) -> Run:
    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    y = (np.arange(32) % 3).astype("int32")
    return Run(model=model, train=Feed(x, y, batch_size=8), validation=None,
               epochs=resolve_epochs(*epochs), verbose=0, validation_freq=1,
               callbacks=list(callbacks), history=TrainingHistory())


def test_epochs_are_keras_0_based_and_the_history_real_1_based(make_model,
                                                               counter) -> None:
    counted = counter()
    history = train(_run(make_model(), [counted]))
    assert counted.epochs == [1, 2]  # Keras' indices for epochs 2 and 3
    assert counted.per_epoch == [4, 4]
    assert history.epochs == [2, 3] and len(history.metrics["loss"]) == 2


def test_a_failing_callback_is_named_with_its_place_and_keeps_the_history(
        make_model, keras) -> None:
    class Fails(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 2:  # Keras' index of epoch 3
                raise ValueError("no disk")

    with pytest.raises(KfitCallbackError, match="at epoch 3") as info:
        train(_run(make_model(), [keras.callbacks.History(), Fails()],
                   epochs=(4, 2)))
    assert info.value.history.epochs == [2]  # the epoch that finished
    assert isinstance(info.value.__cause__, ValueError)
