"""A `keras.utils.PyDataset`: batches by index, fetched by up to `workers`
threads in order, epoch after epoch (shuffled when asked)."""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from kfit.data.base import Feed, FeedOptions
from kfit.data.streamed import stream_feed
from kfit.errors import KfitValueError


def is_py_dataset(value: Any) -> bool:
    keras = sys.modules.get("keras")
    return keras is not None and isinstance(value, keras.utils.PyDataset)


class PyDatasetSource:
    kind = "PyDataset"
    levels = None

    def __init__(self, dataset: Any) -> None:
        self.dataset = dataset
        self._pool: ThreadPoolExecutor | None = None
        self._pending: deque[Future[Any]] = deque()
        self._indices: Iterator[int | None] = iter(())
        self._workers = 1

    def _index_stream(self, shuffle: bool) -> Iterator[int | None]:
        """Batch indices epoch after epoch; None marks an epoch's end."""
        n = self.dataset.num_batches
        rng = np.random.default_rng()
        while True:
            order = rng.permutation(n) if shuffle else range(n)
            yield from (int(i) for i in order)
            yield None

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
                future.set_result(self.dataset[index])
            else:
                future = self._pool.submit(self.dataset.__getitem__, index)
            self._pending.append(future)
        return self._pending.popleft().result()

    def feed(self, options: FeedOptions) -> Feed:
        n = self.dataset.num_batches
        steps = options.steps or n
        if steps is None:
            raise KfitValueError(
                "steps_per_epoch" if options.role == "training" else "validation_steps",
                "is needed: this PyDataset has no length.", None,
                "give the number of batches per epoch.", show_received=False)
        self._workers = max(1, options.workers)
        if self._workers > 1:
            self._pool = ThreadPoolExecutor(self._workers,
                                            thread_name_prefix="kfit-pydataset")
        self._indices = self._index_stream(options.shuffle and n is not None)
        return stream_feed(self.pull, options,
                           label=f"The PyDataset `{options.argument}`",
                           on_main_thread=False, steps=steps)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
