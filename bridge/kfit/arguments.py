"""Argument rules of `fit()` and `fit_generator()`, decided once, here.

Each function takes what the user passed (from Python, or from R through
reticulate, where whole numbers arrive as floats) and returns the value in
the form Keras wants, or raises a `KfitArgumentError` naming the argument.
"""

from __future__ import annotations

import difflib
import numbers
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kfit import environment
from kfit.errors import KfitTypeError, KfitValueError
from kfit.words import Either, Say

AUTO = "auto"
TRUE_FALSE = Either("True or False", "TRUE or FALSE")
TRUE_COMMA_FALSE = Either("True, False", "TRUE, FALSE")
NULL = Either("None", "NULL")
VIEW_PROBLEM = Say('must be {flags}, "auto" or a folder to keep the page in.',
                   flags=TRUE_COMMA_FALSE)
VIEW_HINT = ('"auto" shows the live chart in RStudio\'s viewer for more than one '
             'epoch; a folder (e.g. "runs/iris") shows it and keeps it there after '
             'the session ends.')



def scalar(value: Any) -> Any:
    """NumPy scalars and 0-d arrays or tensors as the Python scalar they hold
    (`np.int64(3)` -> 3, `np.bool_(False)` -> False); anything else as is."""
    if isinstance(value, np.generic):
        return value.item()
    if getattr(value, "shape", None) == () and hasattr(value, "__array__") and \
            not isinstance(value, (str, bytes)):
        return np.asarray(value).item()
    return value


def is_whole_number(value: Any) -> bool:
    """True for ints and integral floats (R's 10 arrives as 10.0), not bools;
    NumPy scalars count as the numbers they hold."""
    value = scalar(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    return float(value).is_integer()


def whole_number(name: str, value: Any, *, minimum: int | None = None,
                 hint: Any = None, optional: bool = False) -> int:
    """`value` as an int, or an error naming argument `name` (the default
    hint says what to give; `optional`: that the default is also fine)."""
    if hint is None:
        least = "" if minimum is None else f" >= {minimum}"
        hint = Say("give a whole number{least}{default}.", least=least,
                   default=Say(", or {null} for the default", null=NULL)
                   if optional else "")
    value = scalar(value)
    if not is_whole_number(value):
        raise KfitTypeError(name, "must be a whole number.", value, hint)
    number = int(value)
    if minimum is not None and number < minimum:
        raise KfitValueError(name, f"must be >= {minimum}.", value, hint)
    return number


def flag(name: str, value: Any) -> bool:
    """`value` as a bool: Python and NumPy booleans (R's TRUE/FALSE), nothing
    else (`shuffle = 2` is a mistake, not "true")."""
    value = scalar(value)
    if isinstance(value, bool):
        return bool(value)
    raise KfitTypeError(name, Say("must be {flags}.", flags=TRUE_FALSE), value,
                        Say("give {flags}.", flags=TRUE_FALSE))


def optional_whole_number(name: str, value: Any, *, minimum: int = 1) -> int | None:
    """Like `whole_number`, but None passes through."""
    return None if value is None else whole_number(name, value, minimum=minimum,
                                                   optional=True)


def check_known_arguments(function: str, extra: Mapping[str, Any],
                          known: Iterable[str]) -> None:
    """Reject unknown keyword arguments, suggesting the closest known one."""
    if not extra:
        return
    name = next(iter(extra))
    close = difflib.get_close_matches(name, list(known), n=1)
    hint = (f"did you mean `{close[0]}`?" if close
            else f"see help({function}) for the arguments it takes.")
    raise KfitTypeError(name, f"is not an argument of `{function}()`.",
                        extra[name], hint)


@dataclass(frozen=True)
class EpochRange:
    """The epochs a run trains, 1-based and inclusive: first..last."""

    first: int
    last: int

    @property
    def keras_initial_epoch(self) -> int:
        return self.first - 1

    @property
    def count(self) -> int:
        return self.last - self.first + 1


def resolve_epochs(epochs: Any, initial_epoch: Any, *, zero_based: bool = False
                   ) -> EpochRange:
    """Resolve `epochs` (the final epoch) and `initial_epoch`.

    Args:
        epochs: the number of the last epoch to train.
        initial_epoch: 1-based first epoch (0 is taken as 1, as keras3
            does); with `zero_based=True` the legacy `fit_generator` meaning:
            the number of epochs already done, so training starts at
            `initial_epoch + 1`.
        zero_based: use the legacy meaning of `initial_epoch`.
    """
    last = whole_number("epochs", epochs, minimum=1,
                        hint="`epochs` is the number of the last epoch to train.")
    start = whole_number("initial_epoch", initial_epoch, minimum=0,
                         hint="epochs are numbered from 1.")
    first = start + 1 if zero_based else max(start, 1)
    if first > last:
        detail = (f"trains epochs {first}..{last}: nothing to train"
                  if zero_based else "must not be greater than `epochs`.")
        hint = ("`epochs` is the number of the last epoch, not a count: "
                f"initial_epoch = {start}, epochs = {first + 4} trains epochs "
                f"{first} to {first + 4}.")
        problem = f"({start}) {detail}" if zero_based else detail
        raise KfitValueError("initial_epoch", problem, start, hint)
    return EpochRange(first, last)


def queue_size(value: Any) -> int | None:
    """`max_queue_size`: a whole number >= 1, or None for "auto" (sized by
    the first batch: `kfit.data.stream.auto_queue_size`)."""
    value = scalar(value)
    if isinstance(value, str) and value == AUTO:
        return None
    hint = ('give the most batches to make ahead of training (a whole number '
            '>= 1), or "auto": as many as fit in 64 MiB, from 10 to 1000.')
    if isinstance(value, str):
        raise KfitValueError("max_queue_size", 'must be a whole number or "auto".',
                             value, hint)
    return whole_number("max_queue_size", value, minimum=1, hint=hint)


def resolve_verbose(verbose: Any) -> int:
    """0, 1 or 2; "auto" is 1, or 2 under knitr or a distributed server."""
    verbose = scalar(verbose)
    if isinstance(verbose, str):
        if verbose != AUTO:
            raise KfitValueError("verbose", 'must be 0, 1, 2 or "auto".', verbose,
                                 "0 = silent, 1 = progress bar, 2 = one line per "
                                 "epoch.")
        if environment.in_distributed_worker() or environment.in_knitr():
            return 2
        return 1
    if not is_whole_number(verbose) or int(verbose) not in (0, 1, 2):
        raise KfitValueError("verbose", 'must be 0, 1, 2 or "auto".', verbose,
                             "0 = silent, 1 = progress bar, 2 = one line per epoch.")
    return int(verbose)


def resolve_view_metrics(view_metrics: Any, *, verbose: int, epochs: EpochRange
                         ) -> bool | str:
    """True/False, or the absolute path of a folder to write the live view to
    (shown as with True, and kept: its `index.html` opens after the session
    ends); "auto" is on only in RStudio with a viewer, for >1 epoch."""
    view_metrics = scalar(view_metrics)
    if isinstance(view_metrics, str):
        if view_metrics == AUTO:
            return (epochs.count > 1 and verbose > 0 and environment.in_rstudio()
                    and environment.has_viewer())
        return _view_folder(view_metrics)
    if isinstance(view_metrics, bool):
        return view_metrics
    if is_whole_number(view_metrics) and int(view_metrics) in (0, 1):
        return bool(view_metrics)
    raise KfitTypeError("view_metrics", VIEW_PROBLEM, view_metrics, VIEW_HINT)


_FLAG_WORDS = frozenset({"true", "false", "t", "f", "yes", "no", "on", "off"})


def _view_folder(value: str) -> str:
    """`view_metrics` as a folder: absolute, and a folder or creatable as one."""
    if not value.strip():
        raise KfitValueError("view_metrics", VIEW_PROBLEM, value, VIEW_HINT)
    if value.strip().lower() in _FLAG_WORDS:  # a flag in quotes, not a folder
        raise KfitValueError("view_metrics", VIEW_PROBLEM, value,
                             Say("Write {flags} without quotes; a folder's name "
                                 "cannot be a yes or a no.", flags=TRUE_FALSE))
    path = os.path.abspath(os.path.expanduser(value))
    if os.path.exists(path) and not os.path.isdir(path):
        raise KfitValueError("view_metrics", "names a file, not a folder.", value,
                             "Give a folder for the page (created if needed), "
                             "e.g. \"runs/iris\".")
    parent = path
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent) or not os.access(parent, os.W_OK | os.X_OK):
        raise KfitValueError("view_metrics", Say("is a folder that cannot be made: "
                                                 "{parent} is not a writable "
                                                 "folder.", parent=parent),
                             value, "Give a folder you can write to.")
    return path


def check_batch_size(name: str, value: Any) -> int | None:
    """None or a positive whole number."""
    return optional_whole_number(name, value, minimum=1)


def check_validation_split(value: Any) -> float:
    """A fraction in [0, 1)."""
    value = scalar(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise KfitTypeError("validation_split", "must be a number in [0, 1).", value)
    split = float(value)
    if not 0.0 <= split < 1.0:
        raise KfitValueError(
            "validation_split", "must be in [0, 1).", value,
            "it is the fraction of rows (the last ones) held out for validation, "
            "e.g. 0.2.")
    return split


def resolve_validation_freq(value: Any) -> int | list[int]:
    """An integer N (validate every N epochs) or a list of 1-based epochs."""
    if is_whole_number(value):
        return whole_number("validation_freq", value, minimum=1)
    if (isinstance(value, Sequence) and not isinstance(value, str)) or (
            hasattr(value, "tolist") and not isinstance(value, str)):
        items = value.tolist() if hasattr(value, "tolist") else list(value)
        items = items if isinstance(items, list) else [items]
        if items and all(is_whole_number(v) and v >= 1 for v in items):
            return sorted({int(v) for v in items})
    raise KfitValueError(
        "validation_freq",
        Say("must be a positive whole number or a {sequence} of epoch numbers.",
            sequence=Either("sequence", "vector")), value,
        Say("e.g. 2 validates every 2nd epoch; {epochs} after those epochs.",
            epochs=Either("[1, 5, 10]", "c(1, 5, 10)")))


def check_worker_packages(packages: Any) -> list[str] | None:
    """`worker_packages`: names of R packages (one name alone too), or None."""
    if packages is None:
        return None
    if isinstance(packages, str):
        packages = [packages]
    if not isinstance(packages, (list, tuple)) or not all(
            isinstance(p, str) and p for p in packages):
        raise KfitTypeError("worker_packages", "must be names of R packages.",
                            packages, 'e.g. c("data.table", "magick").')
    return list(packages)
