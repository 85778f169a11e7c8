"""The cases of the batch-ID matrix: each source kind kfit streams, and what
single-device TensorFlow trains from it (`EXPECTED`).

Batches are made by one formula (`batch_probe.batch`, and `R_BATCH` in R), so
a batch number names the same data in Python and in R: histories of one case
agree across backends, distributions and hosts.
"""

from __future__ import annotations

import itertools
import traceback
from collections.abc import Callable
from typing import Any

import batch_probe
import numpy as np

import kfit

STEPS, EPOCHS, VAL_STEPS = 6, 3, 2

# R's copy of batch_probe.batch (rows 8, FEATURES 3), 1-based in R.
R_BATCH = """kfit_probe_batch <- function(number, rows = 8L) {
  r <- rep(seq_len(rows) - 1, 4); f <- rep(0:3, each = rows)
  x <- matrix(sin(number * 0.7 + r * 0.3 + f * 1.1), rows, 4)
  x[, 4] <- number
  list(x, (number + seq_len(rows) - 1) %% 3)
}"""


def _expected_stream(numbers: list[int]) -> list[list[float]]:
    return [[n, float(step)] for step, n in enumerate(numbers)]


def _indexed(epochs: int, steps: int) -> list[list[float]]:
    """An index dataset: batch i trained in every epoch (mean step)."""
    return [[i, float(i - 1 + steps * (epochs - 1) / 2)] for i in range(1, steps + 1)]


SEQUENTIAL = _expected_stream(list(range(1, STEPS * EPOCHS + 1)))
EXPECTED: dict[str, dict[str, Any]] = {
    "python_finite": {"train": SEQUENTIAL, "epochs": EPOCHS},
    "python_endless": {"train": SEQUENTIAL, "epochs": EPOCHS},
    "python_until_end": {"train": _expected_stream(list(range(1, STEPS + 1))),
                         "epochs": 1},
    "pydataset": {"train": _expected_stream(
        [100 * e + i for e in range(EPOCHS) for i in range(1, STEPS + 1)]),
        "epochs": EPOCHS},
    "validation_generator": {
        "train": SEQUENTIAL, "epochs": EPOCHS,
        "val": [[1000 + 2 * e + i, float(STEPS * (e + 1))]
                for e in range(EPOCHS) for i in (1, 2)]},
    "small_queue": {"train": SEQUENTIAL, "epochs": EPOCHS},
    "failing_generator": {"train": _expected_stream([1, 2, 3, 4]), "epochs": 0,
                          "error": "failed at epoch 1, step 5"},
    "arrays_class_weight": {"train": _indexed(2, 8), "epochs": 2, "times": 2},
    "r_generator": {"train": SEQUENTIAL, "epochs": EPOCHS},
    "r_generator_null": {"train": SEQUENTIAL, "epochs": EPOCHS},
    "r_index_dataset": {"train": _indexed(EPOCHS, STEPS), "epochs": EPOCHS,
                        "times": EPOCHS},
    "r_validation_generator": {"train": SEQUENTIAL, "epochs": EPOCHS},
    "r_in_session": {"train": SEQUENTIAL, "epochs": EPOCHS},
    "r_failing_generator": {"train": _expected_stream([1, 2, 3, 4]), "epochs": 0,
                            "error": "failed at epoch 1, step 5"},
}

# The R sources, as R code (`fit()` arguments in R syntax after the model):
# Python-hosted runs them over rpy2, R-hosted in a child Rscript.
R_FITS = {
    "r_generator": (
        "local({ n <- 0; function() { n <<- n + 1; kfit_probe_batch(n) } })",
        f"steps_per_epoch = {STEPS}, epochs = {EPOCHS}, workers = 1"),
    "r_generator_null": (
        f"local({{ n <- 0; k <- 0; function() {{ k <<- k + 1\n"
        f"  if (k > {STEPS}) {{ k <<- 0; return(NULL) }}\n"
        f"  n <<- n + 1; kfit_probe_batch(n) }} }})",
        f"epochs = {EPOCHS}, workers = 1"),
    "r_index_dataset": (
        "function(i) kfit_probe_batch(i)",
        f"steps_per_epoch = {STEPS}, epochs = {EPOCHS}, workers = 2"),
    "r_validation_generator": (
        "local({ n <- 0; function() { n <<- n + 1; kfit_probe_batch(n) } })",
        f"steps_per_epoch = {STEPS}, epochs = {EPOCHS}, validation_data = "
        "local({ n <- 1000; function() { n <<- n + 1; kfit_probe_batch(n) } }), "
        f"validation_steps = {VAL_STEPS}"),
    # workers = 0: both generators in the session, between steps
    "r_in_session": (
        "local({ n <- 0; function() { n <<- n + 1; kfit_probe_batch(n) } })",
        f"steps_per_epoch = {STEPS}, epochs = {EPOCHS}, validation_data = "
        "local({ n <- 1000; function() { n <<- n + 1; kfit_probe_batch(n) } }), "
        f"validation_steps = {VAL_STEPS}, workers = 0"),
    "r_failing_generator": (
        "local({ n <- 0; function() { n <<- n + 1\n"
        "  if (n == 5) stop(\"batch 5 is broken\"); kfit_probe_batch(n) } })",
        "steps_per_epoch = 8, epochs = 2"),
}


def validation_passes(case: str) -> list[list[int]]:
    """The batch numbers of each validation pass, pass by pass."""
    if case not in ("validation_generator", "r_validation_generator",
                    "r_in_session", "small_queue"):
        return []
    return [[1000 + 2 * e + 1, 1000 + 2 * e + 2] for e in range(EPOCHS)]


def _numbers(start: int = 1, stop: int | None = None):
    for n in itertools.count(start) if stop is None else range(start, stop + 1):
        yield batch_probe.batch(n)


def _failing():
    yield from _numbers(1, 4)
    raise RuntimeError("batch 5 is broken")


def _py_dataset(keras: Any) -> Any:
    class Numbered(keras.utils.PyDataset):
        def __init__(self) -> None:
            super().__init__()
            self.epoch = 0

        def __len__(self) -> int:
            return STEPS

        def __getitem__(self, i: int) -> Any:
            return batch_probe.batch(100 * self.epoch + i + 1)

        def on_epoch_end(self) -> None:
            self.epoch += 1

    return Numbered()


def _arrays() -> tuple[np.ndarray, np.ndarray]:
    parts = [batch_probe.batch(n) for n in range(1, 9)]
    return (np.concatenate([p[0] for p in parts]),
            np.concatenate([p[1] for p in parts]))


def _r_fit(code: str, arguments: str) -> Callable[[Any], Any]:
    """kfit.fit(model, <R function>, <arguments>) with R values over rpy2."""
    def fit(model: Any) -> Any:
        import rpy2.robjects as ro

        ro.r(R_BATCH)
        ro.globalenv["kfit_matrix_x"] = ro.r(code)
        values = ro.r(f"list(x = kfit_matrix_x, {arguments}, verbose = 0)")
        given = {name: _python(value) for name, value in zip(values.names, values,
                                                            strict=True)}
        return kfit.fit(model, **given)

    return fit


def _python(value: Any) -> Any:
    """An rpy2 argument as kfit.fit() takes it: functions stay R functions."""
    import rpy2.rinterface as ri

    if isinstance(value, ri.SexpClosure):
        return value
    return value[0]


def _cases(keras: Any) -> dict[str, Callable[[Any], Any]]:
    fit = kfit.fit
    common = {"epochs": EPOCHS, "verbose": 0}
    return {
        "python_finite": lambda m: fit(m, _numbers(1, STEPS * EPOCHS),
                                       steps_per_epoch=STEPS, **common),
        "python_endless": lambda m: fit(m, _numbers(), steps_per_epoch=STEPS,
                                        **common),
        "python_until_end": lambda m: fit(m, _numbers(1, STEPS), epochs=1,
                                          verbose=0),
        "pydataset": lambda m: fit(m, _py_dataset(keras), shuffle=False, **common),
        "validation_generator": lambda m: fit(
            m, _numbers(), steps_per_epoch=STEPS, validation_data=_numbers(1001),
            validation_steps=VAL_STEPS, **common),
        # max_queue_size = 1: Keras' read-ahead must not wait on the producer
        "small_queue": lambda m: fit(
            m, _numbers(), steps_per_epoch=STEPS, validation_data=_numbers(1001),
            validation_steps=VAL_STEPS, max_queue_size=1, **common),
        "failing_generator": lambda m: fit(m, _failing(), steps_per_epoch=8,
                                           epochs=2, verbose=0),
        "arrays_class_weight": lambda m: fit(
            m, *_arrays(), batch_size=8, shuffle=False, epochs=2, verbose=0,
            class_weight={0: 1.0, 1: 2.0, 2: 0.5}),
        **{name: _r_fit(code, arguments) for name, (code, arguments)
           in R_FITS.items()},
    }


CASES = list(EXPECTED)


def run(name: str, keras: Any, replicas: int = 1) -> dict[str, Any]:
    """Train a fresh probe model on case `name`; what it saw, and the history."""
    model = batch_probe.make_model(keras, replicas=replicas)
    error = None
    history = None
    try:
        history = _cases(keras)[name](model)
    except Exception as caught:  # the failing case, or a bug to report
        error = f"{type(caught).__name__}: {caught}"
        history = getattr(caught, "history", None)
        if "broken" not in str(caught):
            error += "\n" + traceback.format_exc()
    out = batch_probe.record(model)
    out["error"] = error
    out["history"] = {} if history is None else {
        name: [None if v is None else float(v) for v in values]
        for name, values in history.metrics.items()}
    out["epochs"] = [] if history is None else list(history.epochs)
    return out
