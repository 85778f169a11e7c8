"""A `keras.utils.PyDataset`: batches by index, fetched by up to `workers`
threads in order, epoch after epoch (shuffled when asked)."""

from __future__ import annotations

import itertools
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from kfit.data.base import Feed, FeedOptions
from kfit.data.batch import BatchError
from kfit.data.streamed import stream_feed
from kfit.errors import KfitValueError
from kfit.words import Say


def is_py_dataset(value: Any) -> bool:
    keras = sys.modules.get("keras")
    return keras is not None and isinstance(value, keras.utils.PyDataset)


class PyDatasetSource:
    kind = "PyDataset"
    levels = None

    def __init__(self, dataset: Any) -> None:
        self.dataset = dataset
        self._pool: ThreadPoolExecutor | None = None
        self._pending: deque[tuple[int, Future[Any]]] = deque()
        self._indices: Iterator[int | None] = iter(())
        self._workers = 1
        self._batches: int | None = None

    def _num_batches(self) -> int | None:
        """The dataset's length (None: infinite, or it has none)."""
        try:
            n = self.dataset.num_batches
        except NotImplementedError:  # neither __len__ nor num_batches
            return None
        return None if n is None else int(n)

    def _index_stream(self, shuffle: bool) -> Iterator[int | None]:
        """Batch indices epoch after epoch; None marks an epoch's end (never,
        for a dataset without a length)."""
        n = self._batches
        if n is None:
            yield from itertools.count()
        rng = np.random.default_rng()
        while True:
            order = rng.permutation(n) if shuffle else range(n)
            yield from (int(i) for i in order)
            yield None

    def _get(self, index: int) -> Any:
        """`dataset[index]`; an IndexError or None there is a bad batch."""
        try:
            batch = self.dataset[index]
        except IndexError as error:
            raise BatchError(
                Say("raised IndexError for index {i} (`__getitem__({i})`: {e}), "
                    "but its length says it has {n} batches", i=index, e=error,
                    n=self._length_words()),
                "Make `__len__()` return the number of batches that "
                "`__getitem__()` gives, or pass `steps_per_epoch` / "
                "`validation_steps` to read fewer") from error
        if batch is None:
            raise BatchError(
                Say("returned None for index {i} (`__getitem__({i})`), but its "
                    "length says it has {n} batches", i=index,
                    n=self._length_words()),
                "Return a batch (inputs, targets) for every index below "
                "`__len__()`")
        return batch

    def _length_words(self) -> str:
        return "no end" if self._batches is None else str(self._batches)

    def pull(self) -> Any:
        while len(self._pending) < self._workers:
            index = next(self._indices)
            if index is None:  # finish the epoch before on_epoch_end
                if self._pending:
                    break
                self.dataset.on_epoch_end()
                continue
            if self._pool is None:
                future: Future[Any] = Future()
                future.set_result(self._get(index))
            else:
                future = self._pool.submit(self._get, index)
            self._pending.append((index, future))
        return self._pending.popleft()[1].result()

    def feed(self, options: FeedOptions) -> Feed:
        """Feed the dataset's batches.

        Raises:
            KfitValueError: it has no batches (`__len__()` is 0), or no length
                and no step count was given.
        """
        n = self._batches = self._num_batches()
        steps_argument = ("steps_per_epoch" if options.role == "training"
                          else "validation_steps")
        if n == 0:
            raise KfitValueError(
                options.argument, Say("is a PyDataset with no batches: its "
                                      "`__len__()` returned 0 (class {cls}).",
                                      cls=type(self.dataset).__name__),
                None, "a PyDataset needs at least one batch: check its "
                "`__len__()` (e.g. the number of rows divided by the batch size, "
                "rounded up).", show_received=False)
        steps = options.steps or n
        if steps is None:
            raise KfitValueError(
                steps_argument, "is needed: this PyDataset has no length.", None,
                "give the number of batches per epoch.", show_received=False)
        self._workers = max(1, options.workers)
        if self._workers > 1:
            self._pool = ThreadPoolExecutor(self._workers,
                                            thread_name_prefix="kfit-pydataset")
        self._indices = self._index_stream(options.shuffle and n is not None)
        return stream_feed(self.pull, options,
                           label=f"The PyDataset `{options.argument}`",
                           on_main_thread=False, steps=steps)

    def close(self, clean: bool = True) -> None:
        """Stop the thread pool (however the fit ended: `clean` is unused)."""
        del clean
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
