"""Entry points for the R package, called through reticulate.

R hands its own objects (data, generators, R callbacks, argument values)
over rpy2, through a stash in the R package's namespace; Python objects (the
model, tf.data datasets, Keras callbacks) come through reticulate. The
history goes back as an R `keras_training_history` put into the stash;
errors and warnings come back as plain records that R re-raises with cli.
"""

from __future__ import annotations

import traceback
import warnings
from typing import Any

from kfit.errors import KfitError
from kfit.r import callback as r_callback
from kfit.r import registry
from kfit.r.arguments import r_value
from kfit.r.session import call_r, robjects

DATA_ARGUMENTS = {"x", "y", "sample_weight", "validation_data", "generator"}


def _stash(name: str) -> Any:
    return robjects().r(f"kfit:::{name}")


def _history_to_r(history: Any) -> Any:
    ro = robjects()
    metrics = ro.ListVector({
        name: ro.FloatVector([ro.NA_Real if v is None else v for v in values])
        for name, values in history.metrics.items()})
    params = ro.ListVector({
        name: (ro.IntVector([value]) if isinstance(value, int)
               and not isinstance(value, bool) else
               ro.BoolVector([value]) if isinstance(value, bool) else
               ro.StrVector([str(value)]))
        for name, value in history.params.items() if value is not None})
    return call_r(_stash("new_keras_training_history"), params, metrics)


def _arguments(key: str) -> tuple[dict[str, Any], list[registry.RRef]]:
    """The R arguments, as Python values, numpy data and R references.

    R data and generators go to `kfit.fit` as rpy2 objects, which converts
    or registers them on the main thread; R callbacks are registered here.
    Everything is released on the main thread when the run ends.
    """
    ro = robjects()
    r_args = call_r(_stash("stash_get"), key)
    out: dict[str, Any] = {}
    refs: list[registry.RRef] = []
    for name, value in zip(r_args.names, r_args, strict=True):
        if value is ro.NULL:
            continue
        if name in DATA_ARGUMENTS:
            out[name] = value
        elif name == "callbacks":
            out[name] = []
            for spec in value:
                hooks = {hook: registry.register(fn, f"R callback {hook}")
                         for hook, fn in zip(spec.names, spec, strict=True)
                         if fn is not ro.NULL}
                refs += hooks.values()
                out[name].append(r_callback.RCallback(hooks))
        else:
            out[name] = r_value(value)
    return out, refs


def prepare_r_session() -> None:
    """Start rpy2 inside the running R session (once; keeps Ctrl-C)."""
    robjects()


def fit_from_r(model: Any, key: str, python_arguments: dict[str, Any],
               legacy: bool = False) -> dict[str, Any]:
    """Run `kfit.fit` (or `fit_generator` when `legacy`) for the R package.

    Returns:
        A record: `ok`, and on failure `error_class`, `message`, `argument`;
        `warnings` (messages); the history is stored in the stash under
        `key`.
    """
    import kfit

    arguments, refs = _arguments(key)
    for name, value in (python_arguments or {}).items():
        if name == "callbacks":
            arguments.setdefault("callbacks", []).extend(value)
        else:
            arguments[name] = value
    record: dict[str, Any] = {"ok": True, "warnings": []}
    history = None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                function = kfit.fit_generator if legacy else kfit.fit
                history = function(model, **arguments)
            except Exception as error:  # every error goes back to R as a record
                history = getattr(error, "history", None)
                record.update(ok=False, error_class=type(error).__name__,
                              message=str(error).strip(),
                              argument=getattr(error, "argument", None),
                              kfit=isinstance(error, KfitError),
                              traceback="".join(traceback.format_exception(error)))
    finally:
        arguments.clear()  # R data and functions are released here, on R's thread
        registry.release(*refs)
    record["warnings"] = _warning_records(caught)
    if history is not None:
        call_r(_stash("stash_set"), key, _history_to_r(history))
    return record


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
