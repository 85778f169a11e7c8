"""kfit's own Keras callbacks: interrupt check and stream guard (first), hook
markers around the user's callbacks, and history (last)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import keras
from keras.src.utils import is_default

from kfit import console, interrupt
from kfit.data.keras_adapter import steps_per_execution
from kfit.data.stream import END, BatchStream, Failure
from kfit.errors import KfitDataError
from kfit.history import TrainingHistory


class InterruptCheck(keras.callbacks.Callback):
    """Between steps, on the main thread: prints what R workers wrote (see
    `kfit.console`), and stops training once Ctrl-C reached the run, the
    safe point for a Ctrl-C that came while TensorFlow or Keras ran (see
    `kfit.interrupt`).

    Begin hooks and epoch ends only: Keras calls them on the main thread,
    and a batch-end hook would turn off Keras' asynchronous batch-end
    dispatch for every run."""

    def _check(self, *args: Any, **kwargs: Any) -> None:
        console.flush()
        interrupt.raise_pending()

    on_epoch_begin = on_epoch_end = _check
    on_train_batch_begin = on_test_batch_begin = _check


class _Cursor:
    """Where Keras' steps stand in one stream: `origin` is the position of the
    current epoch's (or validation pass's) first batch. `steps`: Keras' step
    count for the stream (None: each pass reads to an end-of-data marker)."""

    def __init__(self, stream: BatchStream, steps: int | None) -> None:
        self.stream = stream
        self.steps = steps
        self.origin = 0

    def next_pass(self, steps_per_execution: int) -> bool:
        """A pass ended: the next starts after its batches (or its end marker).
        True when a pass with a step count ran into the end of the data."""
        stream, start = self.stream, self.origin
        end = stream.end_after(start)
        ran_dry = False
        if self.steps is not None:
            executions = -(-self.steps // steps_per_execution)
            self.origin += executions * steps_per_execution
            ran_dry = end is not None and end <= self.origin
        elif end is not None:
            self.origin = end
        stream.commit(self.origin)
        return ran_dry


class StreamGuard(keras.callbacks.Callback):
    """Tells each stream which batches Keras' steps have used, before Keras
    reads on (see `BatchStream`): step `b` of a pass uses the batch at
    `origin + b`, whatever iterators Keras opened or read ahead with.

    - A failure at the position a step is about to use is raised here, as a
      clean Python exception, after every batch before it was trained.
    - A stream that runs dry (with a step count) stops training after the
      epoch; a finite generator without one stops training when the next
      epoch would have no data.
    - Producers that run in this session (R generators with `workers = 0`)
      make the batches the next step uses here, on the main thread.
    """

    def __init__(self, train: BatchStream | None, validation: BatchStream | None,
                 last_epoch: int, producers: Sequence[Any] = (), *,
                 train_steps: int | None = None,
                 validation_steps: int | None = None, read_ahead: int = 0) -> None:
        super().__init__()
        self.train = None if train is None else _Cursor(train, train_steps)
        self.validation = (None if validation is None
                           else _Cursor(validation, validation_steps))
        self.last_epoch = last_epoch  # 1-based
        self.notes: list[str] = []
        self._in_session = {id(p.stream): p for p in producers if p.on_main_thread}
        # Batches Keras reads past a step (`keras_adapter.read_ahead`): an
        # in-session producer makes them ahead, here on the main thread.
        self.read_ahead = read_ahead

    def prefill(self) -> None:
        """Before training: what Keras reads before the first hook."""
        for cursor in (self.train, self.validation):
            if cursor is not None:
                self._fill(cursor.stream, cursor.origin + 1 + self.read_ahead)

    def _per_execution(self) -> int:
        return steps_per_execution(self.model)

    def _fill(self, stream: BatchStream, upto: int) -> None:
        """In-session producer: make the items before position `upto`."""
        producer = self._in_session.get(id(stream))
        if producer is None:
            return
        while stream.produced < upto and producer.produce_one():
            pass

    def _step(self, cursor: _Cursor | None, batch: int) -> Any:
        """Step `batch` of the pass begins: commit what came before, make sure
        its batch exists, and raise a failure that stands there."""
        if cursor is None:
            return None
        stream, position = cursor.stream, cursor.origin + batch
        if id(stream) in self._in_session:
            stream.commit(position)  # room for what the next steps use
            self._fill(stream, position + 1 + self.read_ahead)
        item = stream.use(position)
        if isinstance(item, Failure):
            stream.failure = item
            raise item.error
        return item

    def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._step(self.train, batch)

    def on_test_batch_begin(self, batch: int, logs: Any = None) -> None:
        item = self._step(self.validation, batch)
        if batch == 0 and item is END:
            raise KfitDataError(
                "The generator `validation_data` had no batch left for validation. "
                "Hint: give `validation_steps`, or make the generator start over "
                "after it returns NULL / stops.")

    def on_test_end(self, logs: Any = None) -> None:
        cursor = self.validation
        if cursor is None:
            return
        cursor.next_pass(self._per_execution())
        if self.read_ahead:
            # Keras may read the next pass's first batches before its first
            # hook (torch; the model build under tf.distribute).
            self._fill(cursor.stream, cursor.origin + 1 + self.read_ahead)

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        real_epoch = epoch + 1
        cursor = self.train
        if cursor is None:
            return
        stream = cursor.stream
        if cursor.next_pass(self._per_execution()):
            self.notes.append(
                f"The training data ran out in epoch {real_epoch}; training stopped "
                "after it. Make sure the generator can yield `steps_per_epoch` x "
                "epochs batches.")
            self.model.stop_training = True
            return
        if real_epoch >= self.last_epoch:
            return
        self._fill(stream, cursor.origin + 1 + self.read_ahead)
        if not stream.continuous and stream.item_at(cursor.origin) is END:
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


# -- where a callback failed ---------------------------------------------------
BATCH_END_HOOKS = ("on_train_batch_end", "on_test_batch_end", "on_predict_batch_end")
_OLD_NAMES = {"on_train_batch_end": "on_batch_end"}  # keras 2's name, still called


def hook_place(hook: str, epoch: int | None, batch: int | None) -> str:
    """Where a hook ran, for messages: " at epoch 2, batch 5" (1-based)."""
    if hook == "on_train_begin":
        return " at the start of training"
    if hook == "on_train_end":
        return " at the end of training"
    at = f" at epoch {epoch}" if epoch is not None else ""
    if hook.startswith("on_test_batch"):
        what = "validation batch"
    elif hook.startswith(("on_train_batch", "on_predict_batch")):
        what = "batch"
    else:
        return f"{at} (validation)" if hook.startswith("on_test") and at else at
    if batch is None:
        return at
    return f"{at}, {what} {batch}" if at else f" at {what} {batch}"


@dataclass
class HookPosition:
    """Which hook Keras is dispatching, and to which callback (see
    `HookMarker`): enough to say which callback failed, and where."""

    hook: str = ""
    index: int | None = None  # the user's callback running the hook now
    epoch: int | None = None  # 1-based
    batch: int | None = None  # 1-based, within the epoch or the validation


def overrides(callback: Any, hook: str) -> bool:
    """True when `callback` does something in `hook` on the main thread."""
    if getattr(callback, "async_safe", False):
        return False
    names = [hook, *([_OLD_NAMES[hook]] if hook in _OLD_NAMES else [])]
    return any(not is_default(getattr(callback, n, None)) for n in names)


class HookMarker(keras.callbacks.Callback):
    """Placed before each callback of the user's list: notes each hook as Keras
    reaches that callback, so an exception tells which callback raised it.

    Batch-end hooks are only watched where the next callback overrides them:
    a marker must not turn off Keras' asynchronous batch-end dispatch.
    """

    def __init__(self, position: HookPosition, index: int | None,
                 batch_ends: Collection[str]) -> None:
        super().__init__()
        self.position = position
        self.index = index
        for hook in BATCH_END_HOOKS:
            if hook not in batch_ends:  # Keras' default: nothing to watch
                default = getattr(keras.callbacks.Callback, hook)
                setattr(self, hook, default.__get__(self))

    def _note(self, hook: str, batch: int | None = None) -> None:
        self.position.hook = hook
        self.position.index = self.index
        self.position.batch = None if batch is None else batch + 1

    def on_train_begin(self, logs: Any = None) -> None:
        self.position.epoch = None
        self._note("on_train_begin")

    def on_train_end(self, logs: Any = None) -> None:
        self._note("on_train_end")

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self.position.epoch = epoch + 1
        self._note("on_epoch_begin")

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        self.position.epoch = epoch + 1
        self._note("on_epoch_end")

    def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._note("on_train_batch_begin", batch)

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        self._note("on_train_batch_end", batch)

    def on_test_begin(self, logs: Any = None) -> None:
        self._note("on_test_begin")

    def on_test_end(self, logs: Any = None) -> None:
        self._note("on_test_end")

    def on_test_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._note("on_test_batch_begin", batch)

    def on_test_batch_end(self, batch: int, logs: Any = None) -> None:
        self._note("on_test_batch_end", batch)

    def on_predict_begin(self, logs: Any = None) -> None:
        self._note("on_predict_begin")

    def on_predict_end(self, logs: Any = None) -> None:
        self._note("on_predict_end")

    def on_predict_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._note("on_predict_batch_begin", batch)

    def on_predict_batch_end(self, batch: int, logs: Any = None) -> None:
        self._note("on_predict_batch_end", batch)


def is_users(callback: Any) -> bool:
    """A callback of the user's (kfit's own ones report their own errors)."""
    return not str(getattr(type(callback), "__module__", "")).startswith("kfit.")


def with_markers(callbacks: Sequence[Any], position: HookPosition) -> list[Any]:
    """`callbacks` with a `HookMarker` before each and one after the last (so
    that an error outside every callback is nobody's)."""
    ends = [{h for h in BATCH_END_HOOKS if overrides(c, h)} for c in callbacks]
    out: list[Any] = []
    for index, (callback, watched) in enumerate(zip(callbacks, ends, strict=True)):
        out += [HookMarker(position, index if is_users(callback) else None, watched),
                callback]
    out.append(HookMarker(position, None, set().union(*ends)))
    return out
