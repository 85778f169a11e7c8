"""Error classes of kfit.

Every error kfit raises for bad input names the argument, what was received
and a hint, so the R package can show it as it is.
"""

from __future__ import annotations

from typing import Any


class KfitError(Exception):
    """Base class of every error kfit raises on purpose."""


class KfitArgumentError(KfitError):
    """An argument of `fit()`/`fit_generator()` is invalid.

    Attributes:
        argument: the name of the argument at fault.
    """

    def __init__(self, argument: str, problem: str, received: Any = None,
                 hint: str | None = None, *, show_received: bool = True) -> None:
        self.argument = argument
        self.problem = problem
        self.hint = hint
        parts = [f"Argument `{argument}` {problem}"]
        if isinstance(received, Described):
            parts.append(f"Received: {received}")
        elif show_received:
            parts.append(f"Received: {argument}={_short_repr(received)}")
        if hint:
            parts.append(f"Hint: {hint[0].upper()}{hint[1:]}")
        super().__init__("\n".join(parts))


class KfitValueError(KfitArgumentError, ValueError):
    """An argument has the right type but a wrong value."""


class KfitTypeError(KfitArgumentError, TypeError):
    """An argument has a type kfit cannot use."""


class RError(KfitError, RuntimeError):
    """R code called by kfit (a generator, a callback) signalled an error.

    Attributes:
        call: the R call that signalled it (deparsed), or "".
    """

    def __init__(self, message: str, *, call: str = "") -> None:
        super().__init__(message)
        self.call = call

    def __str__(self) -> str:
        return f"R error: {super().__str__()}"


class KfitDataError(KfitError, ValueError):
    """A batch produced by a generator or data source is malformed."""


class KfitTrainingError(KfitError, RuntimeError):
    """Training stopped because of an error in the data, a callback or R.

    Attributes:
        history: the `TrainingHistory` of the epochs that finished.
        epoch: the 1-based epoch in which the error happened, if known.
        step: the 1-based step within that epoch, if known.
    """

    def __init__(self, message: str, *, history: Any = None,
                 epoch: int | None = None, step: int | None = None) -> None:
        super().__init__(message)
        self.history = history
        self.epoch = epoch
        self.step = step


class KfitWorkerError(KfitTrainingError):
    """An R worker process died or could not start.

    Attributes:
        worker: the worker's number (1-based).
        exit: how it ended, e.g. "killed by signal 9 (SIGKILL)".
    """

    def __init__(self, message: str, *, worker: int | None = None,
                 exit: str | None = None, **fields: Any) -> None:
        super().__init__(message, **fields)
        self.worker = worker
        self.exit = exit


class KfitDeprecationWarning(FutureWarning):
    """A legacy API is used (shown to users, unlike DeprecationWarning)."""


class KfitWarning(UserWarning):
    """Something the user should know about, training goes on."""


class Described(str):
    """A received value already described in words (shown without quotes)."""

    def __repr__(self) -> str:
        return str(self)


def _short_repr(value: Any, limit: int = 120) -> str:
    """A one-line repr, shortened; arrays are shown by shape and dtype."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # R's 3 arrives as 3.0
    shape = getattr(value, "shape", None)
    dtype = getattr(value, "dtype", None)
    if shape is not None and dtype is not None:
        return f"<{type(value).__name__} shape={tuple(shape)} dtype={dtype}>"
    if isinstance(value, (list, tuple)) and any(hasattr(v, "shape") for v in value):
        inner = ", ".join(_short_repr(v, limit) for v in value)
        text = f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
        return text if len(text) <= limit else text[: limit - 3] + "..."
    text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
