"""kfit.callbacks: kfit's own Keras callbacks, called as Keras calls them
(nothing trains): the history in real epoch numbers, and the markers that
tell which of the user's callbacks failed, and where."""

from __future__ import annotations

import keras
import pytest

from kfit.callbacks import (
    HistoryRecorder,
    HookMarker,
    HookPosition,
    hook_place,
    overrides,
    with_markers,
)
from kfit.history import TrainingHistory


def test_the_history_records_keras_epochs_one_based() -> None:
    history = TrainingHistory()
    recorder = HistoryRecorder(history)
    recorder.on_epoch_end(2, {"loss": 0.5})
    assert history.epochs == [3] and history.metrics == {"loss": [0.5]}


@pytest.mark.parametrize("hook, epoch, batch, said", [
    ("on_train_begin", None, None, " at the start of training"),
    ("on_epoch_end", 2, None, " at epoch 2"),
    ("on_train_batch_end", 2, 5, " at epoch 2, batch 5"),
    ("on_test_batch_begin", 3, 1, " at epoch 3, validation batch 1"),
    ("on_test_end", 3, None, " at epoch 3 (validation)"),
    ("on_predict_batch_end", None, 4, " at batch 4"),
])
def test_hook_places_are_said_one_based(hook, epoch, batch, said) -> None:
    assert hook_place(hook, epoch, batch) == said


def test_markers_note_which_users_callback_runs_each_hook() -> None:
    class Mine(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            pass

    position = HookPosition()
    history = HistoryRecorder(TrainingHistory())  # kfit's own: nobody's index
    wrapped = with_markers([Mine(), history], position)
    assert [type(c).__name__ for c in wrapped] == [
        "HookMarker", "Mine", "HookMarker", "HistoryRecorder", "HookMarker"]
    assert overrides(wrapped[1], "on_train_batch_end")
    assert not overrides(history, "on_train_batch_end")
    wrapped[0].on_epoch_begin(0)
    wrapped[0].on_train_batch_end(6)
    assert (position.hook, position.index, position.epoch, position.batch) == \
        ("on_train_batch_end", 0, 1, 7)
    wrapped[2].on_epoch_end(0)
    assert (position.hook, position.index) == ("on_epoch_end", None)


def test_a_marker_leaves_batch_ends_it_does_not_watch_to_keras() -> None:
    marker = HookMarker(HookPosition(), 0, batch_ends=set())
    # Keras' default hook: keeps Keras' asynchronous batch-end dispatch
    assert not overrides(marker, "on_train_batch_end")
    assert overrides(HookMarker(HookPosition(), 0, {"on_train_batch_end"}),
                     "on_train_batch_end")
