"""A Python generator or iterator, advanced on one background thread."""

from __future__ import annotations

import warnings
from typing import Any

from kfit.data.base import Feed, FeedOptions
from kfit.data.stream import END
from kfit.data.streamed import stream_feed
from kfit.errors import KfitWarning


def is_python_iterator(value: Any) -> bool:
    return hasattr(value, "__next__") and hasattr(value, "__iter__")


class PythonGeneratorSource:
    kind = "Python generator"
    levels = None

    def __init__(self, iterator: Any) -> None:
        self.iterator = iterator

    def pull(self) -> Any:
        try:
            return next(self.iterator)
        except StopIteration:
            return END

    def feed(self, options: FeedOptions) -> Feed:
        if options.workers > 1:
            warnings.warn(KfitWarning(
                f"workers = {options.workers}: a Python generator yields one "
                "batch at a time, so it runs on one background thread. Use a "
                "keras.utils.PyDataset to load batches in parallel."), stacklevel=4)
        return stream_feed(self.pull, options,
                           label=f"The generator `{options.argument}`",
                           on_main_thread=False)
