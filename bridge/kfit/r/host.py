"""Entry point for the R package, called through reticulate.

Nothing here uses rpy2: inside an R session every R value arrives over
reticulate, which holds the GIL while R runs (safe with every reticulate).
R encodes its argument values (`kfit:::encode_for_core`: a JSON header and
raw bytes, no NumPy); R functions arrive as reticulate callables (wrapped
in R so that an R error comes back as a record); Python objects (the
model, Keras callbacks, tf.data) come as they are. The history and any
error go back as plain records that R turns into its own objects.
"""

from __future__ import annotations

import contextlib
import gc
import re
import traceback
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

from kfit import argument_table, environment, words
from kfit.console import routed_to_r
from kfit.errors import KfitArgumentError, KfitError, r_classes
from kfit.fit import fit, fit_generator
from kfit.r.arguments import check_unique_names
from kfit.r.callback import RCallback
from kfit.r.codec import RList
from kfit.r.function import RFunction, decode_record
from kfit.r.values import r_value
from kfit.workers.warm import WARM, stop_idle

# R asks for these (`core$DATA_ARGUMENTS`): the data arguments whose R
# functions it sends apart.
DATA_ARGUMENTS = argument_table.DATA_ARGUMENTS


def _r_function(spec: Mapping[str, Any]) -> RFunction:
    arity = spec.get("arity")
    return RFunction(call_encoded=spec["call_encoded"], prepare=spec["prepare"],
                     arity=None if arity is None or arity < 0 else int(arity),
                     label=str(spec.get("label") or "R function"))


def _arguments(encoded: Mapping[str, Any]) -> dict[str, Any]:
    """R's argument list, decoded: data stays R values, the rest plain Python."""
    value = decode_record({"ok": True, **encoded}) if "header" in encoded else None
    args = value.value if value is not None else None
    out: dict[str, Any] = {}
    if not isinstance(args, RList) or args.names is None:
        return out
    for name, item in zip(args.names, args.items, strict=True):
        if item is None:
            continue
        if name not in DATA_ARGUMENTS:
            check_unique_names(name, item)
        out[name] = item if name in DATA_ARGUMENTS else r_value(item)
    return out


def _callbacks(specs: Any) -> tuple[list[Any], list[RCallback]]:
    """The user's callbacks in order: R ones become `RCallback`s."""
    out: list[Any] = []
    made: list[RCallback] = []
    for spec in specs or []:
        if isinstance(spec, Mapping) and "hooks" in spec:
            callback = keras_callback(spec)
            made.append(callback)
            out.append(callback)
        else:
            out.append(spec)
    return out, made


def keras_callback(spec: Mapping[str, Any]) -> RCallback:
    """An R `callback_lambda()` as a Keras callback for anyone's `model.fit`
    (keras3's own `fit()` gets it through reticulate's `r_to_py()`)."""
    hooks = {name: _r_function(hook) for name, hook in spec["hooks"].items()}
    return RCallback(hooks, label=str(spec.get("label") or "callback_lambda"))


def fit_from_r(model: Any, encoded: Mapping[str, Any], functions: Mapping[str, Any],
               callbacks: Any, legacy: bool = False,
               context: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Run `kfit.fit` (or `fit_generator` when `legacy`) for the R package.

    Args:
        model: the Keras model.
        encoded: R's argument values, from `kfit:::encode_for_core()`.
        functions: data arguments that are R functions (specs from R).
        callbacks: the user's callbacks in order (R specs or Keras callbacks).
        legacy: `fit_generator()` semantics.
        context: what R knows of where it runs (see `environment.r_context`).

    Returns:
        A record: `ok`, `interrupted`, `history` (or None), `warnings`, and on
        failure `error_class`, `message`, `argument`, `epoch`, `step`, ...
    """
    global _last_record
    _last_record = None
    arguments: dict[str, Any] = {}
    made: list[Any] = []
    record: dict[str, Any] = {"ok": True, "interrupted": False, "warnings": []}
    history = None
    failed = False
    caught: list[warnings.WarningMessage] = []
    try:
        try:  # mistakes found while reading R's arguments are records too
            arguments = _arguments(encoded)
            for name, spec in (functions or {}).items():
                arguments[name] = _r_function(spec)
                made.append(arguments[name])
            arguments["callbacks"], r_callbacks = _callbacks(callbacks)
            made += r_callbacks
        except Exception as error:
            failed = True
            return {**record, **_error_record(error), "warnings": [], "history": None}
        with warnings.catch_warnings(record=True) as caught, \
                environment.r_context(context or {}), _r_console(context or {}):
            warnings.simplefilter("always")
            try:
                function = fit_generator if legacy else fit
                history = function(model, **arguments)
            except KeyboardInterrupt as interrupt:
                failed = True
                history = getattr(interrupt, "history", None)
                record.update(interrupted=True)
            except Exception as error:  # every error goes back to R as a record
                failed = True
                history = getattr(error, "history", None)
                record.update(_error_record(error))
    finally:
        arguments.clear()
        for item in made:  # R functions are released here, on R's thread
            item.release()
        if failed:
            # An exception's traceback may hold, in a reference cycle, views
            # of R's memory (large leaves, see `encode_for_core`): collect
            # them here, on R's thread (reticulate 1.28 would free them on
            # whatever thread the garbage collector ran).
            gc.collect()
    record["warnings"] = _warning_records(caught)
    record["history"] = None if history is None else history.to_record()
    _last_record = record
    return record


_last_record: dict[str, Any] | None = None


def stop_workers() -> int:
    """Stop the session's idle R workers (R: `kfit_stop_workers()`)."""
    return stop_idle()


def worker_pids() -> list[int]:
    """The process ids of the session's idle R workers."""
    return WARM.pids()


def last_record() -> dict[str, Any] | None:
    """The record `fit_from_r()` returned last, once (None after that, or
    when the run did not get that far): for a Ctrl-C that reached R as the
    record was on its way."""
    global _last_record
    record, _last_record = _last_record, None
    return record


def _error_record(error: BaseException) -> dict[str, Any]:
    """An error for R, in R's words (`kfit.words.R`): its parts, class, fields
    and the Python traceback (kept apart from the message)."""
    out: dict[str, Any] = {
        "ok": False, "error_class": type(error).__name__,
        "classes": r_classes(type(error)),
        "kfit": isinstance(error, KfitError),
        "traceback": "".join(traceback.format_exception(error))}
    if isinstance(error, KfitArgumentError):
        out.update(error.parts(words.R))
        out["where"] = words.R.argument(error.where.name, error.where.path)
    elif isinstance(error, KfitError):
        out.update(error.parts(words.R))
    else:
        out["main"] = foreign_message(error)
    out["message"] = "\n".join(out[k] for k in ("main", "received", "hint") if k in out)
    for field in ("argument", "epoch", "step", "worker", "exit"):
        value = getattr(error, field, None)
        if value is not None:
            out[field] = value
    return out


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def foreign_message(error: BaseException) -> str:
    """The message of an error from Keras, TensorFlow or Python, without
    terminal colours and without the graph stack TensorFlow appends."""
    text = _ANSI.sub("", str(error)).strip()
    for marker in ("\nGraph execution error:", "\nTraceback (most recent call last)",
                   "\nStack trace for op definition", "\n\nDetected at node"):
        head, _, _ = text.partition(marker)
        text = head.strip() or text
    lines = text.splitlines()
    if len(lines) > 12:
        lines = [*lines[:12], "..."]
    return "\n".join(lines) or type(error).__name__


@contextlib.contextmanager
def _r_console(context: Mapping[str, Any]) -> Iterator[None]:
    write = context.get("write")
    if write is None:
        yield
        return
    with routed_to_r(write):
        yield


def _warning_records(caught: list[warnings.WarningMessage]) -> list[dict[str, str]]:
    seen: set[str] = set()
    out = []
    for item in caught:
        text = str(item.message)
        if text in seen or issubclass(item.category, DeprecationWarning):
            continue
        seen.add(text)
        out.append({"class": item.category.__name__, "message": text})
    return out
