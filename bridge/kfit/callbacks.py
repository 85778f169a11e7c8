"""kfit's own Keras callbacks: stream guard (first) and history (last)."""

from __future__ import annotations

from typing import Any

import keras

from kfit.data.stream import END, BatchStream, Failure
from kfit.errors import KfitDataError
from kfit.history import TrainingHistory


class TrainingCancelled(Exception):
    """Raised inside the worker when the run is cancelled (e.g. Ctrl-C)."""


class StreamGuard(keras.callbacks.Callback):
    """Watches the streams Keras reads, before Keras reads them.

    - A failure queued next is raised here, as a clean Python exception,
      after every batch before it was trained.
    - A stream that runs dry (with a step count) stops training after the
      epoch; a finite generator without one stops training when the next
      epoch would have no data.
    - A cancelled run raises `TrainingCancelled` at the next batch.
    """

    def __init__(self, train: BatchStream | None, validation: BatchStream | None,
                 last_epoch: int) -> None:
        super().__init__()
        self.train = train
        self.validation = validation
        self.last_epoch = last_epoch  # 1-based
        self.cancelled = False
        self.notes: list[str] = []

    def _check(self, stream: BatchStream | None) -> None:
        if self.cancelled:
            raise TrainingCancelled()
        if stream is not None:
            head = stream.peek()
            if isinstance(head, Failure):
                stream.failure = head
                raise head.error

    def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._check(self.train)

    def on_test_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._check(self.validation)
        if batch == 0 and self.validation is not None and self.validation.peek() is END:
            raise KfitDataError(
                "The generator `validation_data` had no batch left for validation. "
                "Hint: give `validation_steps`, or make the generator start over "
                "after it returns NULL / stops.")

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        if self.cancelled:
            raise TrainingCancelled()

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        if self.cancelled:
            raise TrainingCancelled()
        real_epoch = epoch + 1
        stream = self.train
        if stream is None:
            return
        if stream.continuous and stream.ran_dry:
            self.notes.append(
                f"The training data ran out in epoch {real_epoch}; training stopped "
                "after it. Make sure the generator can yield `steps_per_epoch` x "
                "epochs batches.")
            self.model.stop_training = True
        elif (not stream.continuous and real_epoch < self.last_epoch
              and stream.peek() is END):
            self.notes.append(
                f"The training generator had no data left after epoch {real_epoch}; "
                "training stopped. Make sure it starts over after it ends (an R "
                "generator is called again after returning NULL).")
            self.model.stop_training = True


class HistoryRecorder(keras.callbacks.Callback):
    """Records each finished epoch (real 1-based number) into a history."""

    def __init__(self, history: TrainingHistory) -> None:
        super().__init__()
        self.history = history

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        self.history.record(epoch + 1, logs)
