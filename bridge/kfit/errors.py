"""Error classes of kfit.

Every error kfit raises for bad input names the argument, what was received
and a hint, so the R package can show it as it is.
"""

from __future__ import annotations

from typing import Any

from kfit.words import PYTHON, Arg, Value, Words, render


class KfitError(Exception):
    """Base class of every error kfit raises on purpose.

    Every kfit error has one layout: a main line, what was received (if
    anything) and a hint (if any); R shows them as cli's `!`, `x` and `i`
    bullets, Python as lines of their own ("Received: ...", "Hint: ...").

    Attributes:
        text: the main line as a `kfit.words.Say` (or plain text), so that
            each language shows it in its own words: `str()` is Python's,
            `render(kfit.words.R)` R's.
        received: what was received, in words (text or `Say`), or None.
        hint: how to fix it (text or `Say`), or None.
    """

    received: Any = None
    hint: Any = None

    def __init__(self, text: Any = "", *args: Any, received: Any = None,
                 hint: Any = None) -> None:
        self.text = text
        if received is not None:
            self.received = received
        if hint is not None:
            self.hint = hint
        super().__init__(self.render(PYTHON), *args)

    def parts(self, words: Words) -> dict[str, str]:
        """The message's parts in `words`' language: main, received, hint."""
        out = {"main": render(self.text, words)}
        if self.received is not None:
            out["received"] = render(self.received, words)
        if self.hint:
            out["hint"] = _sentence(render(self.hint, words))
        return out

    def render(self, words: Words) -> str:
        parts = self.parts(words)
        lines = [parts["main"]]
        if "received" in parts:
            lines.append(f"Received: {parts['received']}")
        if "hint" in parts:
            lines.append(f"Hint: {parts['hint']}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render(PYTHON)


def _sentence(text: str) -> str:
    """A hint as a sentence: a capital first, a full stop last."""
    text = text.strip()
    if not text:
        return text
    end = "" if text[-1] in ".!?" else "."
    return f"{text[0].upper()}{text[1:]}{end}"


class KfitArgumentError(KfitError):
    """An argument of `fit()`/`fit_generator()` is invalid.

    Args:
        argument: the argument's name, or an `Arg` for an element of it.
        problem: what is wrong, after "Argument `name` ..." (text or `Say`).
        received: the value received (rendered by each language), or a
            `Described` text.
        hint: how to fix it (text or `Say`).
        show_received: False when there is no received value to show.

    Attributes:
        argument: the name of the argument at fault (top level).
        where: the `Arg` at fault (the argument, or an element of it).
    """

    def __init__(self, argument: str | Arg, problem: Any, received: Any = None,
                 hint: Any = None, *, show_received: bool = True) -> None:
        self.where = argument if isinstance(argument, Arg) else Arg(argument)
        self.argument = self.where.name
        self.problem = problem
        self.received = received
        self.hint = hint
        self.show_received = show_received
        super().__init__(self.render(PYTHON))
        self.text = None  # rendered from the parts, per language

    def parts(self, words: Words) -> dict[str, str]:
        """The message's parts in `words`' language: main, received, hint."""
        out = {"main": f"Argument {words.field(self.where)} "
                       f"{render(self.problem, words)}"}
        if isinstance(self.received, Described):
            out["received"] = str(self.received)
        elif self.show_received:
            shown = words.field(Value(self.received))
            out["received"] = (f"{words.argument(self.where.name, self.where.path)}"
                               f"={shown}" if words is PYTHON else shown)
        if self.hint:
            out["hint"] = _sentence(render(self.hint, words))
        return out


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


class KfitUnsupportedError(KfitError, NotImplementedError):
    """What is asked cannot work in this set-up (e.g. a distribution strategy
    Keras itself fails under); nothing was trained."""


class KfitTrainingError(KfitError, RuntimeError):
    """Training stopped because of an error in the data, a callback or R.

    Attributes:
        history: the `TrainingHistory` of the epochs that finished.
        epoch: the 1-based epoch in which the error happened, if known.
        step: the 1-based step within that epoch, if known.
    """

    def __init__(self, message: Any, *, history: Any = None,
                 epoch: int | None = None, step: int | None = None,
                 received: Any = None, hint: Any = None) -> None:
        super().__init__(message, received=received, hint=hint)
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


class KfitWorkerCaptureError(KfitWorkerError):
    """An R function for the workers captures what cannot work in another
    process (a connection, a Python object, an external pointer); nothing was
    started."""


class KfitCallbackError(KfitTrainingError):
    """A callback (an R `callback_lambda()` hook or a Keras callback) failed.

    The user's error is the `__cause__`; `.history` holds the finished epochs.

    Attributes:
        callback: what failed, e.g. "callback_lambda" or the Keras callback's
            class name.
        hook: the hook that failed, e.g. "on_epoch_end".
    """

    def __init__(self, message: Any, *, callback: str = "", hook: str = "",
                 **fields: Any) -> None:
        super().__init__(message, **fields)
        self.callback = callback
        self.hook = hook


def r_classes(error_type: type[BaseException]) -> list[str]:
    """An error type's R condition classes: its kfit classes from the most
    specific to `kfit_error` (`KfitShapeError` -> kfit_shape_error,
    kfit_value_error, kfit_argument_error, kfit_error); any other error
    (Keras, TensorFlow, Python) is a kfit_python_error, never a kfit class of
    its own. The R package mirrors this table (`kfit:::error_classes`)."""
    kfit = [c for c in error_type.__mro__ if issubclass(c, KfitError)]
    if not kfit:
        return ["kfit_python_error", "kfit_error"]
    return ["kfit_" + _snake(c.__name__.removeprefix("Kfit")) for c in kfit]


def _snake(name: str) -> str:
    out = "".join("_" + ch.lower() if ch.isupper() else ch for ch in name)
    return out.lstrip("_").removesuffix("_") or "error"


def r_class_table() -> dict[str, list[str]]:
    """Every kfit error class (in the modules loaded) -> its R classes."""
    table: dict[str, list[str]] = {}
    todo: list[type[BaseException]] = [KfitError]
    while todo:
        error_type = todo.pop()
        classes = r_classes(error_type)
        table[classes[0]] = classes
        todo += error_type.__subclasses__()
    return dict(sorted(table.items()))


class KfitDeprecationWarning(FutureWarning):
    """A legacy API is used (shown to users, unlike DeprecationWarning)."""


class KfitWarning(UserWarning):
    """Something the user should know about, training goes on."""


class Described(str):
    """A received value already described in words (shown without quotes)."""

    def __repr__(self) -> str:
        return str(self)


class KfitShapeError(KfitValueError):
    """Data that does not fit the model: the inputs' number, names or shapes,
    or targets of another shape than the model's output."""


class KfitLabelError(KfitValueError):
    """Class labels the model cannot output (out of range, 1-based, not
    whole numbers, a factor with more levels than the model has classes)."""
