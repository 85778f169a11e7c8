"""kfit's own Keras callbacks: stream guard (first) and history (last)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

from kfit.data.stream import END, BatchStream, Failure
from kfit.errors import KfitDataError
from kfit.history import TrainingHistory


class StreamGuard(keras.callbacks.Callback):
    """Watches the streams Keras reads, before Keras reads them.

    - A failure queued next is raised here, as a clean Python exception,
      after every batch before it was trained.
    - A stream that runs dry (with a step count) stops training after the
      epoch; a finite generator without one stops training when the next
      epoch would have no data.
    - Producers that run in this session (R generators with `workers = 0`)
      make the next batch here, on the main thread, between steps.
    """

    def __init__(self, train: BatchStream | None, validation: BatchStream | None,
                 last_epoch: int, producers: Sequence[Any] = ()) -> None:
        super().__init__()
        self.train = train
        self.validation = validation
        self.last_epoch = last_epoch  # 1-based
        self.notes: list[str] = []
        self._in_session = {id(p.stream): p for p in producers if p.on_main_thread}

    def _fill(self, stream: BatchStream) -> None:
        producer = self._in_session.get(id(stream))
        if producer is None:
            return
        wanted = max(1, int(getattr(self.model, "steps_per_execution", 1) or 1))
        while stream.queued() < wanted and producer.produce_one():
            pass

    def _check(self, stream: BatchStream | None) -> None:
        if stream is not None:
            self._fill(stream)
            head = stream.peek()
            if isinstance(head, Failure):
                stream.failure = head
                raise head.error

    def _next_is_end(self, stream: BatchStream) -> bool:
        self._fill(stream)
        return stream.peek() is END

    def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._check(self.train)

    def on_test_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._check(self.validation)
        if batch == 0 and self.validation is not None and \
                self._next_is_end(self.validation):
            raise KfitDataError(
                "The generator `validation_data` had no batch left for validation. "
                "Hint: give `validation_steps`, or make the generator start over "
                "after it returns NULL / stops.")

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
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
              and self._next_is_end(stream)):
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
