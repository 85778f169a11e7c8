"""An R function handed to the core: a generator, an index dataset, a hook.

Whichever host delivered it (R over reticulate, or rpy2 in a Python
process), the core sees the same operations, each run on the main thread,
where R lives:

- `call_encoded(*args)`: call it in this session and decode what it
  returned (a batch); an R error becomes `RError`.
- `call(*args)`: the same, as plain Python values (a callback hook).
- `prepare_workers(...)`: serialize it, with its environments and globals,
  for R worker processes (`kfit.workers`).

The host's callables are kept in `kfit.r.registry` and released on the main
thread, so no R object is ever freed on another thread.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kfit import interrupt
from kfit.errors import KfitValueError, KfitWorkerCaptureError, RError
from kfit.r import registry
from kfit.r.codec import Frame, decode
from kfit.r.values import r_value


@dataclass(frozen=True)
class WorkerPlan:
    """What R worker processes need to start (from `worker_prepare()`)."""

    payload: str  # the serialized function and its globals (one fit's)
    main: str  # the file a worker process starts from
    rscript: str
    libpaths: list[str]
    tmpdir: str  # the session's R tempdir(): workers' temporary files go there
    globals: list[str]
    packages: list[str]
    python_packages: list[str]  # of `packages`, those that start Python
    reuse: bool = True  # R option kfit.worker_reuse
    idle: float = 300.0  # R option kfit.worker_idle_timeout (seconds)


def capture_error(label: str, captured: list[str]) -> KfitWorkerCaptureError:
    """What `worker_prepare()` found that a worker process cannot use:
    [name, where, what], e.g. ["con", "in its environment", "a connection"]."""
    name, where, what = captured
    if what.startswith("a connection"):
        why = "there it is a number that names another connection, or none"
        make = "open the connection inside the function (at its first call)"
    elif what.startswith("a Python object"):
        why = "there it points into this session's Python and does not work"
        make = ("import the module or make the object inside the function (a "
                "worker that uses Python starts its own, which takes seconds)")
    else:
        why = "there it points into this session's memory and does not work"
        make = "make it inside the function (at its first call)"
    return KfitWorkerCaptureError(
        f"The {label} captures `{name}` ({where}): {what}. A worker process gets "
        f"a copy of the function and what it uses, and {why}. Hint: {make}, or "
        "pass `workers = 0` to run the function in this session.",
        worker=None, exit="not started")


def decode_record(record: Any) -> Frame:
    """A `call_encoded()` record from R (a dict) -> a decoded frame.

    Raises:
        RError: the R function raised an error.
        KeyboardInterrupt: Ctrl-C interrupted it (see `interrupt.host_code`).
    """
    if record.get("interrupted"):
        interrupt.interrupted()
    if not record.get("ok"):
        raise RError(str(record.get("message", "")).strip(),
                     call=str(record.get("call") or ""))
    leaves = record.get("leaves") or []
    if not isinstance(leaves, (list, tuple)):
        leaves = [leaves]
    python = record.get("python") or []
    if not isinstance(python, (list, tuple)):
        python = [python]
    return decode(record["header"], leaves, python)


def _single(value: Any) -> Any:
    if isinstance(value, (list, tuple)) and len(value) == 1:
        return value[0]
    return value


def _reuse_option(value: Any) -> bool:
    value = _single(value)
    if isinstance(value, bool):
        return value
    raise KfitValueError(
        "kfit.worker_reuse", "(an R option) must be TRUE or FALSE.", value,
        "options(kfit.worker_reuse = FALSE) starts new R workers for each fit; "
        "TRUE (the default) reuses them.")


def _idle_option(value: Any) -> float:
    value = _single(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) \
            and math.isfinite(value) and value >= 0:
        return float(value)
    raise KfitValueError(
        "kfit.worker_idle_timeout", "(an R option) must be a number of seconds, "
        "0 or more.", value, "idle R workers end after this many seconds without "
        "a fit (300 by default); 0 ends them with each fit.")


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


class RFunction:
    """An R function, known to the core by what a host lets it do with it.

    Args:
        call_encoded: host callable: `(*args) -> record` (see `decode_record`);
            the arguments are plain Python values (ints, floats, dicts).
        prepare: host callable: `(workers, globals, packages) -> dict` with
            `path`, `main`, `rscript`, `libpaths`, `tmpdir`, `reuse`, `idle`,
            `globals`, `packages`, `python_packages` (or `captured`).
        arity: the number of arguments the function takes (None for `...`).
        label: names it in messages.
    """

    def __init__(self, *, call_encoded: Callable[..., Any],
                 prepare: Callable[..., Any], arity: int | None,
                 label: str = "R function") -> None:
        self.arity = arity
        self.label = label
        self._refs = {name: registry.register(fn, f"{label} ({name})")
                      for name, fn in (("call_encoded", call_encoded),
                                       ("prepare", prepare))}

    def call_encoded(self, *args: Any) -> Any:
        """The decoded value the function returns (None for NULL)."""
        with interrupt.host_code():
            record = registry.resolve(self._refs["call_encoded"])(*args)
        return decode_record(record).value

    def call(self, *args: Any) -> Any:
        """What the function returns, as plain Python (see `r_value`)."""
        return r_value(self.call_encoded(*args))

    def prepare_workers(self, workers: int, globals: Any = None,
                        packages: Sequence[str] | None = None) -> WorkerPlan:
        plan = registry.resolve(self._refs["prepare"])(workers, globals, packages)
        if plan.get("captured"):
            raise capture_error(self.label, _as_list(plan["captured"]))
        return WorkerPlan(payload=str(plan["path"]), main=str(plan["main"]),
                          rscript=str(plan["rscript"]),
                          libpaths=_as_list(plan["libpaths"]),
                          tmpdir=str(plan["tmpdir"]),
                          globals=_as_list(plan.get("globals")),
                          packages=_as_list(plan.get("packages")),
                          python_packages=_as_list(plan.get("python_packages")),
                          reuse=_reuse_option(plan.get("reuse")),
                          idle=_idle_option(plan.get("idle")))

    def release(self) -> None:
        """Let go of the R function (on the main thread)."""
        registry.release(*self._refs.values())
        self._refs = {}
