"""An R function of no arguments, called on the main thread over rpy2.

Each call returns `list(inputs, targets)` or `list(inputs, targets,
sample_weights)`; `NULL` means the data has ended. The pump calls it up to
`max_queue_size` batches ahead while Keras trains on the worker thread.
"""

from __future__ import annotations

import warnings
from typing import Any

from kfit.data.base import Feed, FeedOptions
from kfit.data.stream import END
from kfit.data.streamed import stream_feed
from kfit.errors import KfitDataError, KfitWarning
from kfit.r import registry
from kfit.r.convert import class_attribute, is_r_object, r_to_numpy
from kfit.r.session import call_r_function


def is_r_function(value: Any) -> bool:
    if not is_r_object(value):
        return False
    import rpy2.rinterface as ri

    return isinstance(value, ri.SexpClosure)


class RGeneratorSource:
    kind = "R generator"
    levels = None

    def __init__(self, function: Any, argument: str = "x") -> None:
        self.ref = registry.register(function, f"R generator `{argument}`")
        self.argument = argument
        self._warned_na = False

    def close(self) -> None:
        """Release the R function (on the main thread, after the run)."""
        registry.release(self.ref)

    def pull(self) -> Any:
        import rpy2.rinterface as ri

        value = call_r_function(registry.resolve(self.ref))
        if value is ri.NULL or isinstance(value, ri.NULLType):
            return END
        if value.typeof != ri.RTYPES.VECSXP or "data.frame" in class_attribute(value):
            raise KfitDataError(
                f"returned an R {'/'.join(value.rclass)}, not a list: it must "
                "return list(inputs, targets) or list(inputs, targets, "
                "sample_weights), or NULL when the data has ended")
        parts = [r_to_numpy(item, argument=self.argument) for item in value]
        if len(parts) >= 2 and parts[1].na_count and not self._warned_na:
            self._warned_na = True
            warnings.warn(KfitWarning(
                f"The R generator `{self.argument}` returned targets with "
                f"{parts[1].na_count} NA value(s); they are NaN for Keras."),
                stacklevel=2)
        return tuple(p.value for p in parts)

    def feed(self, options: FeedOptions, wake: Any = None) -> Feed:
        return stream_feed(self.pull, options,
                           label=f"The R generator `{options.argument}`",
                           on_main_thread=True, wake=wake)
