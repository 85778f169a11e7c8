"""Python hosts R through rpy2: R values and functions from a Python process.

Python users (and pytest) hand kfit rpy2 objects. They reach the core the
way R-hosted values do: R encodes them with the R package's codec
(`kfit:::encode_for_core`), and R functions become `RFunction`s whose calls
go through `kfit:::call_encoded`. So the rules are the same in both hosts,
and the R package `kfit` must be installed in the R that rpy2 runs.

Never used when R hosts Python: there rpy2 would release the GIL while R
runs, which reticulate < 1.31 does not survive (DESIGN.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kfit.errors import KfitError
from kfit.r.codec import decode
from kfit.r.function import RFunction
from kfit.r.session import check_main_thread, robjects


class RPackageMissing(KfitError, RuntimeError):
    """The R package kfit is not installed in the R that rpy2 runs."""


_functions: dict[str, Any] = {}


def _kfit(name: str) -> Any:
    """`kfit:::name` at the rinterface level (no conversion cost)."""
    check_main_thread("rpy2")
    if name not in _functions:
        robjects()
        import rpy2.rinterface as ri

        try:
            _functions[name] = ri.evalr(f"kfit:::{name}")
        except ri.embedded.RRuntimeError as error:
            raise RPackageMissing(
                "R values and functions from rpy2 need the R package kfit in the R "
                "that rpy2 runs. Hint: install it (`R CMD INSTALL r_pkg`, or `make` "
                "in the kfit project) or set R_LIBS_USER to the library that holds "
                f"it. R said: {str(error).strip()}") from error
    return _functions[name]


def is_rpy2_function(value: Any) -> bool:
    module = type(value).__module__ or ""
    if not module.startswith("rpy2."):
        return False
    import rpy2.rinterface as ri

    return isinstance(value, ri.SexpClosure)


def _record(value: Any) -> dict[str, Any]:
    """An R record list (from call_encoded / encode_for_core) -> a dict."""
    import numpy as np
    import rpy2.rinterface as ri

    out: dict[str, Any] = {}
    for name, item in zip(value.names, value, strict=True):
        if name == "leaves":
            out[name] = [bytes(np.asarray(leaf)) for leaf in item]
        elif name == "python":
            out[name] = []
        elif item is ri.NULL:
            out[name] = None
        elif item.typeof == ri.RTYPES.LGLSXP:
            out[name] = bool(item[0])
        elif item.typeof == ri.RTYPES.STRSXP and name != "class":
            out[name] = str(item[0]) if len(item) else ""
        else:
            out[name] = [str(v) for v in item]
    return out


def decode_rpy2(value: Any) -> Any:
    """An rpy2 R value, decoded (see `kfit.r.codec`)."""
    record = _record(_kfit("encode_for_core")(value))
    return decode(record["header"], record["leaves"]).value


def to_r(value: Any) -> Any:
    """Plain Python (None, bool, int, float, str, dicts/lists of them) -> R."""
    import rpy2.rinterface as ri

    ro = robjects()
    if value is None:
        return ri.NULL
    if type(value).__module__.startswith("rpy2."):
        return value
    if isinstance(value, bool):
        return ro.BoolVector([value])
    if isinstance(value, int):
        return ro.IntVector([value])
    if isinstance(value, float):
        return ro.FloatVector([value])
    if isinstance(value, str):
        return ro.StrVector([value])
    if isinstance(value, Mapping):
        return ro.ListVector({str(k): to_r(v) for k, v in value.items()})
    if isinstance(value, Sequence):
        return ro.r["list"](*[to_r(v) for v in value])
    return ro.FloatVector([float(value)])


def r_function(function: Any, label: str = "R function") -> RFunction:
    """An rpy2 closure as an `RFunction` (calls and worker preparation in R)."""
    check_main_thread("rpy2")
    import rpy2.rinterface as ri

    formals = ri.baseenv["formals"](function)
    names = [] if formals is ri.NULL else [str(n) for n in formals.names]
    arity = None if "..." in names else len(names)

    def call_encoded(*args: Any) -> dict[str, Any]:
        return _record(_kfit("call_encoded")(function, *[to_r(a) for a in args]))

    def prepare(workers: int, globals: Any = None,
                packages: Sequence[str] | None = None) -> dict[str, Any]:
        ro = robjects()
        if isinstance(globals, Mapping):
            r_globals = ro.ListVector(dict(globals))
        elif globals is None:
            r_globals = ri.NULL
        else:
            r_globals = ro.StrVector([str(g) for g in globals])
        r_packages = ri.NULL if not packages else ro.StrVector(list(packages))
        plan = _kfit("worker_prepare")(function, ro.IntVector([workers]), r_globals,
                                       r_packages)
        out: dict[str, Any] = {}
        for name, item in zip(plan.names, plan, strict=True):
            if name in ("libpaths", "globals", "packages", "captured",
                        "python_packages"):
                out[name] = [str(v) for v in item]
            elif name in ("reuse", "idle"):  # R options, checked by the core
                out[name] = list(item)
            else:
                out[name] = str(item[0])
        return out

    return RFunction(call_encoded=call_encoded, prepare=prepare, arity=arity,
                     label=label)


def history_to_r(history: Any) -> Any:
    """A `TrainingHistory` as an R `keras_training_history` (the R package's
    own constructor, from the record R-hosted runs return)."""
    return _kfit("history_from_record")(to_r(history.to_record()))
