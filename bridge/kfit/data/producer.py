"""Drives a source's `pull` into a `BatchStream`.

`pull()` returns one raw batch, or `END` when the data has ended. The
producer checks each batch (the first one before training: peek, then
restore), adds class weights, notes the epoch/step of every batch, and turns
an exception into a `Failure` placed where it happened in the stream, so the
batches before it are still trained.

It runs either on the main thread, one batch per call of `produce_one()`
between training steps (R generators with `workers = 0`: R is
single-threaded), or on one background thread (Python sources, and the
reader of R worker processes).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from kfit.class_weight import ClassWeight
from kfit.data.batch import Batch, batch_spec, check_like, normalize_batch, what
from kfit.data.stream import END, BatchStream, Failure, MakingTime, Position
from kfit.errors import KfitDataError, KfitWorkerError, RError
from kfit.words import Say


class SourceError(KfitDataError):
    """A generator failed or returned a bad batch, at a known epoch/step.

    `message` may be a `kfit.words.Say`: each language renders it.
    `argument` names the argument the source came from ("x", ...).
    """

    def __init__(self, message: Any, epoch: int | None, step: int | None,
                 original: BaseException | None = None, *,
                 argument: str | None = None, received: Any = None,
                 hint: Any = None) -> None:
        super().__init__(message, received=received, hint=hint)
        self.argument = argument
        self.epoch = epoch
        self.step = step
        # Kept apart from __cause__: Keras re-raises errors "from None".
        self.original = original


def as_worker_error(error: BaseException) -> KfitWorkerError | None:
    """A source failure that was a worker's death, as the `KfitWorkerError`
    every worker death is (at the first batch as later); else None."""
    original = getattr(error, "original", None)
    if not isinstance(error, SourceError) or not isinstance(original, KfitWorkerError):
        return None
    wrapped = KfitWorkerError(error.text, history=original.history, epoch=error.epoch,
                              step=error.step, worker=original.worker,
                              exit=original.exit)
    wrapped.__cause__ = original
    return wrapped


class StreamProducer:
    """Produces batches from `pull` into `stream`.

    Args:
        pull: returns the next raw batch, or `END`.
        stream: where batches go.
        label: names the source in messages, e.g. "The R generator `x`".
        position: epoch/step bookkeeping.
        class_weight: normalised class weights, applied to every batch.
        on_main_thread: produce between steps (R) instead of on a thread.
        normalize: raw batch -> checked batch (default `normalize_batch`).
        on_stop: unblocks a `pull` that waits (e.g. on a worker's socket).
        argument: the argument the source came from, for errors.
    """

    def __init__(self, pull: Callable[[], Any], stream: BatchStream, *, label: str,
                 position: Position, class_weight: ClassWeight | None = None,
                 on_main_thread: bool = False,
                 normalize: Callable[..., Batch] | None = None,
                 on_stop: Callable[[], None] | None = None,
                 argument: str | None = None) -> None:
        self.pull = pull
        self.argument = argument
        self.stream = stream
        self.label = label
        self.position = position
        self.class_weight = class_weight
        self.on_main_thread = on_main_thread
        self._normalize = normalize or normalize_batch
        self._on_stop = on_stop
        self.finished = False
        self.first: Batch | None = None
        self.first_at: tuple[int, int] | None = None  # (epoch, step) of `first`
        self._first_spec: Any = None  # batch_spec(first), for check_like
        self._check_each: Callable[[Batch], None] | None = None
        self._ends_in_a_row = 0
        self._thread: threading.Thread | None = None

    # -- before training -----------------------------------------------------
    def peek_first(self) -> Batch:
        """Pull and check the first batch now; it is restored into the stream.

        Raises:
            SourceError: the source failed, yielded nothing or a bad batch.
        """
        item = self._make_item()
        if isinstance(item, Failure):
            raise as_worker_error(item.error) or item.error
        if item is END:
            raise SourceError(Say("{label} yielded no batch: it must yield at "
                                  "least one.", label=self.label),
                              self.position.epoch, 1, argument=self.argument)
        self._put(item)
        return item

    def add_check(self, first: Callable[[Batch], None],
                  each: Callable[[Batch], None] | None = None) -> None:
        """Check the first batch (already peeked) with `first` now, and every
        later batch with `each` as it is made (e.g. against the model).

        Raises:
            SourceError: `first` raised a `KfitDataError`, at the first batch.
        """
        if self.first is not None:
            try:
                first(self.first)
            except KfitDataError as error:
                epoch, step = self.first_at or (self.position.epoch, 1)
                raise SourceError(_bad_batch(self.label, error,
                                             f"epoch {epoch}, step {step}"),
                                  epoch, step, argument=self.argument,
                                  received=what(self.first),
                                  hint=getattr(error, "hint", None)) from None
        self._check_each = each

    # -- during training -----------------------------------------------------
    def start(self) -> None:
        if not self.on_main_thread:
            self._thread = threading.Thread(target=self._run, daemon=True,
                                            name=f"kfit-{self.stream.role}-producer")
            self._thread.start()

    def produce_one(self) -> bool:
        """Main-thread mode: make one item if there is room. True if made."""
        if self.finished or self.stream.closed or not self.stream.has_room():
            return False
        self._put(self._make_item())
        return True

    def _put(self, item: Any, *, eager: bool = False) -> bool:
        put = self.stream.put(item, eager=eager)
        if self.finished:
            self.stream.finish()
        return put

    def stop(self, timeout: float = 10.0) -> None:
        self.stream.close()
        if self._on_stop is not None:
            self._on_stop()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        making = MakingTime()
        while not self.finished and not self.stream.closed:
            started = time.monotonic()
            item = self._make_item()
            making.add(time.monotonic() - started)
            if not self._put(item, eager=making.slow):
                return

    # -- one item ------------------------------------------------------------
    def _make_item(self) -> Any:
        pos = self.position
        where = f"epoch {pos.epoch}, step {pos.step}"
        try:
            raw = self.pull()
        except KfitDataError as error:  # the source returned something unusable
            self.finished = True
            return Failure(SourceError(_bad_batch(self.label, error, where),
                                       pos.epoch, pos.step, argument=self.argument,
                                       hint=getattr(error, "hint", None)),
                           pos.epoch, pos.step)
        except Exception as error:  # the user's generator failed
            self.finished = True
            message = f"{self.label} failed at {where}: {_message(error)}"
            failure = SourceError(message, pos.epoch, pos.step, original=error,
                                  argument=self.argument)
            failure.__cause__ = error
            return Failure(failure, pos.epoch, pos.step)
        if raw is END:
            self._ends_in_a_row += 1
            pos.end_of_data()
            if self.stream.continuous or self._ends_in_a_row > 1:
                self.finished = True
            return END
        self._ends_in_a_row = 0
        try:
            batch = self._normalize(raw, class_weight=self.class_weight)
            if self.first is None:
                self.first = batch
                self.first_at = (pos.epoch, pos.step)
                self._first_spec = batch_spec(batch)
            else:
                check_like(batch, self.first, self._first_spec)
                if self._check_each is not None:
                    self._check_each(batch)
        except KfitDataError as error:
            self.finished = True
            return Failure(SourceError(_bad_batch(self.label, error, where),
                                       pos.epoch, pos.step, argument=self.argument,
                                       received=what(raw),
                                       hint=getattr(error, "hint", None)),
                           pos.epoch, pos.step)
        pos.advance()
        return batch


def _bad_batch(label: str, error: KfitDataError, where: str) -> Say:
    """The main line, "<source> <problem> (at <where>).", in each language's
    words; the error's hint goes on a line of its own."""
    problem = getattr(error, "problem", error.text)
    return Say("{label} {problem} (at {where}).", label=label, problem=problem,
               where=where)


def _message(error: BaseException) -> str:
    text = str(error).strip()
    if isinstance(error, RError):
        return text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
