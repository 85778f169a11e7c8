"""An R function that makes batches: a generator or an index dataset.

- `function()`: each call returns `list(inputs, targets)` or
  `list(inputs, targets, sample_weights)`; `NULL` means the data has ended
  (the next call starts over).
- `function(i)`: returns batch `i` (1-based) of `steps_per_epoch`, like a
  Keras `PyDataset`; batches reach Keras in index order.

`workers` says where it runs: `0`, in this session between training steps
(no overlap; side effects stay in the session); `1` (the default), in one R
worker process; `N > 1`, in N worker processes (index datasets only). R work
in workers overlaps training because it runs in another process.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from kfit.data.base import Feed, FeedOptions
from kfit.data.batch import BATCH_FORM, PARTS, BatchError
from kfit.data.batch_layout import Layout, normalize_laid_out
from kfit.data.stream import END, BatchStream
from kfit.data.streamed import stream_feed
from kfit.errors import KfitArgumentError, KfitValueError, KfitWarning
from kfit.r.codec import RList
from kfit.r.convert import r_to_numpy
from kfit.r.function import RFunction
from kfit.r.rpy2_host import is_rpy2_function, r_function
from kfit.words import Arg, Kind, R, Say, Value
from kfit.workers import WorkerPool, WorkerReader


def is_r_function(value: Any) -> bool:
    if isinstance(value, RFunction):
        return True
    return is_rpy2_function(value)


def as_r_function(value: Any, argument: str) -> RFunction:
    if isinstance(value, RFunction):
        return value
    return r_function(value, f"R generator `{argument}`")


class RGeneratorSource:
    kind = "R generator"
    levels = None

    def __init__(self, function: Any, argument: str = "x") -> None:
        self.function = as_r_function(function, argument)
        self.argument = argument
        self._batches = 0  # batches converted so far
        self._layout: Layout | None = None  # of the last batch converted whole
        self._pools: list[Any] = []

    @property
    def index_dataset(self) -> bool:
        return self.function.arity == 1

    def close(self, clean: bool = True) -> None:
        """Hand back (the fit ended `clean`) or stop the workers, and release
        the R function (main thread)."""
        while self._pools:
            self._pools.pop().close(clean)
        self.function.release()

    def convert(self, value: Any, same_layout: bool = False) -> Any:
        """A decoded R batch -> (inputs, targets[, sample_weights]) or END.
        `same_layout`: a worker's frame with the header of the one before; a
        `LaidOut` batch when the one before had the short path's layout (see
        `kfit.data.batch_layout`).

        Raises:
            BatchError: not a list of 1 to 3 items, or parts that are not
                numbers (described in R's words).
        """
        if value is None:
            return END
        if same_layout and self._layout is not None:
            parts = self._layout.parts(value)
            if parts is not None:
                self._batches += 1
                return parts
        self._layout = None
        if not isinstance(value, RList) or "data.frame" in value.classes:
            raise BatchError(
                Say("returned {got}, not a list", got=R.kind(value)),
                f"Return {BATCH_FORM.r}, or NULL when the data has ended")
        if not 1 <= len(value.items) <= 3:
            raise BatchError(
                Say("returned {got}; a batch must be {form}", got=R.kind(value),
                    form=BATCH_FORM.r))
        parts = [self._part(item, name) for item, name in
                 zip(value.items, PARTS, strict=False)]
        self._batches += 1
        self._layout = Layout.of(value)
        return tuple(parts)

    def _part(self, item: Any, name: str) -> Any:
        """One part of an R batch as numpy; what is no numbers is a BatchError."""
        try:
            return r_to_numpy(item, argument=Arg(name.replace(" ", "_"))).value
        except KfitArgumentError as error:
            got = error.received
            if not isinstance(got, (Kind, Value)):
                got = Value(got)
            part: Any = name if not error.where.path else error.where
            raise BatchError(
                Say("returned {part} holding {got}; arrays must be numeric",
                    part=part, got=got),
                Say("To fix it, {hint}", hint=error.hint)) from error

    def _check(self, options: FeedOptions) -> int | None:
        """The steps of an index dataset (None for a generator); bad use raises."""
        arity = self.function.arity
        steps_argument = ("steps_per_epoch" if options.role == "training"
                          else "validation_steps")
        if arity is not None and arity > 1:
            raise KfitValueError(
                options.argument, f"is an R function of {arity} arguments.",
                None, "give a generator function() or an index dataset "
                "function(i) returning batch i.", show_received=False)
        if arity == 1:
            if options.steps is None:
                raise KfitValueError(
                    steps_argument, f"is needed when `{options.argument}` is an "
                    "index dataset function(i).", None,
                    f"give the number of batches: i runs 1..{steps_argument} "
                    "each epoch.", show_received=False)
            return options.steps
        if options.workers > 1:
            raise KfitValueError(
                "workers", f"must be 0 or 1 when `{options.argument}` is a generator "
                "function() (a generator's calls depend on each other).",
                options.workers, "write it as an index dataset function(i) that "
                "returns batch i (1-based): then workers = N makes batches in "
                "N R processes, in index order.")
        return None

    def feed(self, options: FeedOptions) -> Feed:
        steps = self._check(options)
        label = f"The R generator `{options.argument}`"
        if options.workers == 0:
            return stream_feed(self._checked(self._in_session_pull(steps)), options,
                               label=label, on_main_thread=True)
        return self._worker_feed(options, steps, label)

    def _checked(self, pull: Callable[[], Any]) -> Callable[[], Any]:
        """`pull`, where NULL before any batch is an error (not "no data")."""
        def checked() -> Any:
            raw = pull()
            if raw is END and not self._batches:
                raise BatchError(
                    "returned NULL at its first call: NULL ends the data, so "
                    "there is no batch to train on",
                    f"Return {BATCH_FORM.r} for each batch, and NULL only after "
                    "the last one")
            return raw

        return checked

    def _in_session_pull(self, steps: int | None) -> Any:
        index = [0]

        def pull() -> Any:
            if steps is None:
                return self.convert(self.function.call_encoded())
            index[0] = index[0] % steps + 1
            return self.convert(self.function.call_encoded(index[0]))

        return pull

    def _worker_feed(self, options: FeedOptions, steps: int | None,
                     label: str) -> Feed:
        plan = self.function.prepare_workers(options.workers, options.worker_globals,
                                             options.worker_packages)
        if plan.python_packages:
            names = ", ".join(plan.python_packages)
            warnings.warn(KfitWarning(
                f"{label} uses {names}: each of its {options.workers} worker "
                f"process{'es' if options.workers > 1 else ''} loads it, and "
                "with it Python and Keras (about 5 s per worker process). "
                "Do that work before fit() (e.g. one-hot encode the labels "
                "once), or pass `workers = 0` to run the function in this "
                "session."), stacklevel=6)
        pool = WorkerPool(plan, options.workers, label=label)
        self._pools.append(pool)
        pool.start()
        holder: dict[str, BatchStream] = {}
        reader = WorkerReader(pool, steps=steps, stream=lambda: holder["stream"],
                              convert=self.convert)
        return stream_feed(self._checked(reader.pull), options, label=label,
                           on_main_thread=False, normalize=normalize_laid_out,
                           bind=lambda stream: holder.__setitem__("stream", stream),
                           on_stop=pool.interrupt)
