"""Bad-input table, groups "generator-batches", "pydataset", "tf.data" and
"validation-stream".

"generator-batches": every batch of a generator is checked (numeric arrays
of one length, at least one row, no NaN/Inf) and a model with a loss needs
targets. A bad first batch fails before training (`SourceError`, naming the
argument, at epoch 1, step 1); a bad later batch stops training where it
stands (`KfitTrainingError` with its epoch and step, the batches before it
trained): those cases catch the error and check it (error=None).
"pydataset": a `keras.utils.PyDataset` without batches (`__len__()` is 0,
which hung before: child cases), or one that yields fewer batches than its
length says. "tf.data": unbatched datasets and datasets of inputs only.
"validation-stream": `validation_steps` for validation streams of unknown
length (required by `fit_generator()`, a warning in `fit()`).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import keras
import numpy as np
import tensorflow as tf

import kfit
from bad_input import Case, Data
from kfit.data.producer import SourceError
from kfit.errors import KfitTrainingError, KfitValueError, KfitWarning

# -- helpers ---------------------------------------------------------------------

Batches = list[tuple[Any, ...]]


def batches(d: Data, n: int = 4, size: int = 16, *, y: Any = None,
            w: Any = None) -> Batches:
    """`n` batches of `size` rows of `d.x` (and `y`, default `d.y`)."""
    y = d.y if y is None else y
    out = []
    for i in range(n):
        rows = slice(i * size, (i + 1) * size)
        batch = (d.x[rows], y[rows]) if w is None else (d.x[rows], y[rows], w[rows])
        out.append(batch)
    return out


def endless(items: Batches) -> Iterator[Any]:
    while True:
        yield from items


def once(items: Batches) -> Iterator[Any]:
    yield from items


def failing() -> Iterator[Any]:
    """A generator whose first `next()` raises."""
    raise ValueError("no data here")
    yield


def with_nan(d: Data, value: float = np.nan, at: tuple[int, int] = (2, 1)) -> Any:
    x = d.x.copy()
    x[at] = value
    return x


def replaced(items: Batches, index: int, batch: Any) -> Batches:
    return [*items[:index], batch, *items[index + 1:]]


def fit(make: Callable[[Data], Any], **kwargs: Any) -> Callable[[Any, Data], Any]:
    """A call of `kfit.fit(model, make(d), **kwargs)`, quiet, in order (a
    PyDataset is not shuffled)."""
    def call(model: Any, d: Data) -> Any:
        given = {"verbose": 0, "view_metrics": False, "shuffle": False, **kwargs}
        return kfit.fit(model, make(d), **given)
    return call


def fit_generator(make: Callable[[Data], Any], *,
                  val: Callable[[Data], Any] | None = None,
                  **kwargs: Any) -> Callable[[Any, Data], Any]:
    """A call of `kfit.fit_generator()` (4 steps), validating on `val(d)`."""
    def call(model: Any, d: Data) -> Any:
        given = {"verbose": 0, "view_metrics": False, "steps_per_epoch": 4, **kwargs}
        if val is not None:
            given["validation_data"] = val(d)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # the deprecation
            return kfit.fit_generator(model, make(d), **given)
    return call


def validation(make_val: Callable[[Data], Any], **kwargs: Any
               ) -> Callable[[Any, Data], Any]:
    """`fit()` on 4 clean batches a epoch, validating on `make_val(d)`."""
    def call(model: Any, d: Data) -> Any:
        given = {"verbose": 0, "view_metrics": False, "steps_per_epoch": 4,
                 "validation_data": make_val(d), **kwargs}
        return kfit.fit(model, endless(batches(d)), **given)
    return call


def caught(call: Callable[[Any, Data], Any]) -> Callable[[Any, Data], Any]:
    """The error a run raises after training started (weights changed)."""
    def run(model: Any, d: Data) -> Any:
        try:
            call(model, d)
        except Exception as error:  # the check inspects it
            return error
        raise AssertionError("the run did not fail")
    return run


def recorded(call: Callable[[Any, Data], Any]) -> Callable[[Any, Data], Any]:
    """(history, kfit warnings) of a run."""
    def run(model: Any, d: Data) -> Any:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            history = call(model, d)
        notes = [str(w.message) for w in seen if issubclass(w.category, KfitWarning)]
        return history, notes
    return run


def stopped_at(epoch: int, step: int, fragment: str, *, epochs_done: list[int]
               ) -> Callable[[Any, Any], None]:
    """Check a `caught` error: training stopped at (epoch, step), after the
    batches before it trained."""
    def check(error: Any, model: Any) -> None:
        assert isinstance(error, KfitTrainingError), repr(error)
        assert (error.epoch, error.step) == (epoch, step), str(error)
        assert fragment in str(error), str(error)
        assert error.history.epochs == epochs_done
        assert int(model.optimizer.iterations.numpy()) > 0
    return check


def trained(epochs: list[int], *, steps: int | None = None
            ) -> Callable[[Any, Any], None]:
    def check(history: Any, model: Any) -> None:
        assert history.epochs == epochs, history.epochs
        assert all(np.isfinite(v) for v in history.metrics["loss"])
        if steps is not None:
            assert int(model.optimizer.iterations.numpy()) == steps
    return check


def warned(fragment: str | None, *, epochs: list[int]) -> Callable[[Any, Any], None]:
    """Check `recorded`: one kfit warning holding `fragment` (None: none)."""
    def check(result: Any, model: Any) -> None:
        history, notes = result
        assert history.epochs == epochs
        about = [n for n in notes if "validation_steps" in n]
        if fragment is None:
            assert about == [], about
        else:
            assert len(about) == 1 and fragment in about[0], notes
        assert all(v is not None for v in history.metrics["val_loss"])
    return check


class Dataset(keras.utils.PyDataset):
    """Batches by index; `length` may lie; `broken` indices raise IndexError
    (or return None, with `none=True`)."""

    def __init__(self, items: Batches, *, length: int | None = None,
                 broken: tuple[int, ...] = (), none: bool = False,
                 workers: int = 1) -> None:
        super().__init__(workers=workers)
        self.items = items
        self.length = len(items) if length is None else length
        self.broken = broken
        self.none = none
        self.calls: list[int] = []
        self.threads: set[str] = set()

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> Any:
        self.calls.append(index)
        self.threads.add(threading.current_thread().name)
        if index in self.broken:
            if self.none:
                return None
            raise IndexError(f"index {index} is out of range")
        return self.items[index]


def slices(d: Data) -> Any:
    return tf.data.Dataset.from_tensor_slices((d.x, d.y))


def two_input_slices(d: Data) -> Any:
    return tf.data.Dataset.from_tensor_slices(({"a": d.xa, "b": d.xb}, d.y_reg))


def pydataset_in_order(dataset_of: dict[str, Dataset]) -> Callable[[Data], Any]:
    def make(d: Data) -> Any:
        dataset_of["last"] = Dataset(batches(d), workers=2)
        return dataset_of["last"]
    return make


_SEEN: dict[str, Dataset] = {}


def _workers_trained(history: Any, model: Any) -> None:
    assert history.epochs == [1, 2]
    dataset = _SEEN["last"]
    assert dataset.calls[:8].count(0) == 2 and set(dataset.calls) == {0, 1, 2, 3}
    assert any(name.startswith("kfit-pydataset") for name in dataset.threads)


# -- generator-batches ------------------------------------------------------------

GB = "generator-batches"
NAN_HINT = "Keras cannot train on NaN or Inf"

CASES: list[Case] = [
    Case("streams-nan-inputs-first-batch", GB,
         fit(lambda d: endless(replaced(batches(d), 0, (with_nan(d)[:16], d.y[:16]))),
             steps_per_epoch=4),
         SourceError, "x", "returned nan in the inputs at index [2, 1]",
         attributes={"epoch": 1, "step": 1}),
    Case("streams-inf-inputs", GB,
         fit(lambda d: once([(with_nan(d, np.inf, (0, 0))[:16], d.y[:16])])),
         SourceError, "x", "returned inf in the inputs at index [0, 0]"),
    Case("streams-minus-inf-inputs", GB,
         fit(lambda d: once([(with_nan(d, -np.inf, (15, 9))[:16], d.y[:16])])),
         SourceError, "x", "returned -inf in the inputs at index [15, 9]"),
    Case("streams-nan-hint", GB,
         fit(lambda d: once([(with_nan(d)[:16], d.y[:16])])),
         SourceError, "x", NAN_HINT),
    Case("streams-nan-targets", GB,
         fit(lambda d: once([(d.x[:16], np.where(np.arange(16) == 3, np.nan,
                                                 d.y_reg[:16]))])),
         SourceError, "x", "returned nan in the targets at index [3]",
         model="regression"),
    Case("streams-nan-sample-weights", GB,
         fit(lambda d: once([(d.x[:16], d.y[:16],
                              np.where(np.arange(16) == 5, np.nan, 1.0))])),
         SourceError, "x", "returned nan in the sample weights at index [5]"),
    Case("streams-nan-named-input", GB,
         fit(lambda d: once([({"a": d.xa[:16], "b": np.full((16, 5), np.nan)},
                              d.y_reg[:16])])),
         SourceError, "x", "returned nan in `inputs['b']` at index [0, 0]",
         model="two_inputs"),
    Case("streams-zero-rows-first", GB,
         fit(lambda d: once([(d.x[:0], d.y[:0]), *batches(d)])),
         SourceError, "x", "returned a batch of 0 rows (the inputs (0, 10)"),
    Case("streams-inputs-only-tuple", GB,
         fit(lambda d: endless([(d.x[:16],)]), steps_per_epoch=2),
         SourceError, "x", "inputs only (at epoch 1, step 1); training needs targets"),
    Case("streams-inputs-with-none-targets", GB,
         fit(lambda d: endless([(d.x[:16], None)]), steps_per_epoch=2),
         SourceError, "x", "a tuple of 1 item (<ndarray shape=(16, 10)"),
    Case("streams-inputs-only-list", GB,
         fit(lambda d: endless([[d.x[:16]]]), steps_per_epoch=2),
         SourceError, "x", "training needs targets, as the model was compiled"),
    Case("streams-a-string", GB, fit(lambda d: once(["not a batch"])),
         SourceError, "x", "returned a str; a batch must be a tuple of 1, 2 or 3"),
    Case("streams-four-items", GB,
         fit(lambda d: once([(d.x[:16], d.y[:16], d.y[:16], d.y[:16])])),
         SourceError, "x", "returned a tuple of 4 items (<ndarray shape=(16, 10)"),
    Case("streams-empty-tuple", GB, fit(lambda d: once([()])),
         SourceError, "x", "returned an empty tuple"),
    Case("streams-bare-array", GB, fit(lambda d: once([d.x[:16]])),
         SourceError, "x", "returned <ndarray shape=(16, 10) dtype=float32>"),
    Case("streams-inputs-missing", GB, fit(lambda d: once([(None, d.y[:16])])),
         SourceError, "x", "the inputs are missing"),
    Case("streams-character-inputs", GB,
         fit(lambda d: once([(np.full((16, 10), "a"), d.y[:16])])),
         SourceError, "x", "returned inputs holding <ndarray shape=(16, 10) "
         "dtype=<U1>; arrays must be numeric"),
    Case("streams-different-lengths", GB,
         fit(lambda d: once([(d.x[:16], d.y[:15])])),
         SourceError, "x", "different lengths (the inputs (16, 10), the targets "
         "(15,))"),
    Case("streams-generator-raises", GB,
         fit(lambda d: failing()),
         SourceError, "x", "failed at epoch 1, step 1: ValueError: no data here"),
    Case("streams-yields-nothing", GB, fit(lambda d: once([])),
         SourceError, "x", "yielded no batch"),
    Case("streams-fit-generator-nan", GB,
         fit_generator(lambda d: endless([(with_nan(d)[:16], d.y[:16])])),
         SourceError, "generator", "The generator `generator` returned nan"),
    Case("streams-nan-later-batch", GB,
         caught(fit(lambda d: endless(replaced(
                    batches(d), 2, (with_nan(d, at=(34, 1))[32:48], d.y[32:48]))),
                    steps_per_epoch=4, epochs=2)),
         check=stopped_at(1, 3, "returned nan in the inputs at index [2, 1] (at "
                          "epoch 1, step 3)", epochs_done=[])),
    Case("streams-zero-rows-later", GB,
         caught(fit(lambda d: endless([*batches(d), (d.x[:0], d.y[:0])]),
                    steps_per_epoch=4, epochs=3)),
         check=stopped_at(2, 1, "returned a batch of 0 rows", epochs_done=[1])),
    Case("streams-targets-missing-later", GB,
         caught(fit(lambda d: endless([*batches(d, 2), (d.x[:16],)]),
                    steps_per_epoch=3, epochs=2)),
         check=stopped_at(1, 3, "the targets are missing, unlike in the first batch",
                          epochs_done=[])),
    Case("streams-lists-instead-of-tuples", GB,
         fit(lambda d: endless([list(b) for b in batches(d)]), steps_per_epoch=4,
             epochs=2),
         check=trained([1, 2], steps=8)),
    Case("streams-finite-without-steps", GB,
         fit(lambda d: once(batches(d, 3))), check=trained([1])),
    Case("streams-integer-batches", GB,
         fit(lambda d: endless([(np.rint(b[0] * 10).astype("int32"), b[1])
                                for b in batches(d)]), steps_per_epoch=4),
         check=trained([1], steps=4)),
    Case("streams-float64-and-weights", GB,
         fit(lambda d: endless(batches(d, w=np.linspace(0, 1, 64))),
             steps_per_epoch=4),
         check=trained([1], steps=4)),
    Case("streams-batches-of-other-sizes", GB,
         fit(lambda d: once([(d.x[:10], d.y[:10]), (d.x[10:11], d.y[10:11]),
                             (d.x[11:64], d.y[11:64])])),
         check=trained([1])),
]

# -- pydataset ------------------------------------------------------------------------

PD = "pydataset"

CASES += [
    Case("streams-pydataset-len-0", PD, fit(lambda d: Dataset([], length=0)),
         KfitValueError, "x", "is a PyDataset with no batches: its `__len__()` "
         "returned 0 (class Dataset)", child=True, timeout=90),
    Case("streams-pydataset-len-0-with-steps", PD,
         fit(lambda d: Dataset([], length=0), steps_per_epoch=3),
         KfitValueError, "x", "with no batches", child=True, timeout=90),
    Case("streams-pydataset-len-0-fit-generator", PD,
         fit_generator(lambda d: Dataset([], length=0)),
         KfitValueError, "generator", "with no batches", child=True, timeout=90),
    Case("streams-pydataset-len-0-validation", PD,
         validation(lambda d: Dataset([], length=0)),
         KfitValueError, "validation_data", "`validation_data` is a PyDataset with no "
         "batches", child=True, timeout=90),
    Case("streams-pydataset-index-error-first", PD,
         fit(lambda d: Dataset(batches(d), length=6, broken=(0, 1, 2, 3, 4, 5))),
         SourceError, "x", "The PyDataset `x` raised IndexError for index 0 "
         "(`__getitem__(0)`: index 0 is out of range), but its length says it has "
         "6 batches", attributes={"epoch": 1, "step": 1}),
    Case("streams-pydataset-none-first", PD,
         fit(lambda d: Dataset(batches(d), broken=(0,), none=True)),
         SourceError, "x", "returned None for index 0 (`__getitem__(0)`), but its "
         "length says it has 4 batches"),
    Case("streams-pydataset-index-error-workers", PD,
         fit(lambda d: Dataset(batches(d), length=6, broken=(0,), workers=2)),
         SourceError, "x", "raised IndexError for index 0"),
    Case("streams-pydataset-promises-more", PD,
         caught(fit(lambda d: Dataset(batches(d), length=6, broken=(4, 5)),
                    epochs=2)),
         check=stopped_at(1, 5, "raised IndexError for index 4", epochs_done=[])),
    Case("streams-pydataset-none-later", PD,
         caught(fit(lambda d: Dataset(batches(d), broken=(2,), none=True))),
         check=stopped_at(1, 3, "returned None for index 2", epochs_done=[])),
    Case("streams-pydataset-nan", PD,
         fit(lambda d: Dataset(replaced(batches(d), 0, (with_nan(d)[:16],
                                                        d.y[:16])))),
         SourceError, "x", "The PyDataset `x` returned nan in the inputs at index "
         "[2, 1]"),
    Case("streams-pydataset-inputs-only", PD,
         fit(lambda d: Dataset([(b[0],) for b in batches(d)])),
         SourceError, "x", "The PyDataset `x` returned a tuple of 1 item"),
    Case("streams-pydataset-with-workers", PD,
         fit(pydataset_in_order(_SEEN), epochs=2), check=_workers_trained),
    Case("streams-pydataset-fewer-steps", PD,
         fit(lambda d: Dataset(batches(d)), steps_per_epoch=2, epochs=2),
         check=trained([1, 2], steps=4)),
]

# -- tf.data --------------------------------------------------------------------------

TF = "tf.data"

CASES += [
    Case("streams-tf-unbatched", TF, fit(slices),
         KfitValueError, "x", "yields single samples, not batches: its elements "
         "have shape (10,) and the model's input `features` takes batches of shape "
         "(None, 10)"),
    Case("streams-tf-unbatched-hint", TF, fit(slices),
         KfitValueError, "x", "Hint: Batch the dataset first: dataset.batch(32)."),
    Case("streams-tf-unbatched-fit-generator", TF, fit_generator(slices),
         KfitValueError, "generator", "yields single samples"),
    Case("streams-tf-unbatched-validation", TF,
         validation(slices), KfitValueError, "validation_data",
         "Argument `validation_data` yields single samples"),
    Case("streams-tf-unbatched-named-inputs", TF, fit(two_input_slices),
         KfitValueError, "x", "shape (3,) and the model's input `a`",
         model="two_inputs"),
    Case("streams-tf-inputs-only", TF,
         fit(lambda d: tf.data.Dataset.from_tensor_slices(d.x).batch(16)),
         KfitValueError, "x", "whose elements are inputs only (shapes (None, 10)), "
         "but training needs targets"),
    Case("streams-tf-inputs-only-tuple", TF,
         fit(lambda d: tf.data.Dataset.from_tensor_slices((d.x,)).batch(16)),
         KfitValueError, "x", "inputs only"),
    Case("streams-tf-inputs-only-validation", TF,
         validation(lambda d: tf.data.Dataset.from_tensor_slices(d.x).batch(16)),
         KfitValueError, "validation_data", "but validation needs targets"),
    Case("streams-tf-batched-trains", TF, fit(lambda d: slices(d).batch(16),
                                              epochs=2),
         check=trained([1, 2], steps=8)),
    Case("streams-tf-fixed-batch-trains", TF,
         fit(lambda d: slices(d).batch(16, drop_remainder=True)),
         check=trained([1], steps=4)),
]

# -- validation-stream ---------------------------------------------------------------

VS = "validation-stream"

CASES += [
    Case("streams-fit-generator-needs-validation-steps", VS,
         fit_generator(lambda d: endless(batches(d)),
                       val=lambda d: endless(batches(d, 2))),
         KfitValueError, "validation_steps", "is required by `fit_generator()` when "
         "`validation_data` is a generator"),
    Case("streams-fit-generator-infinite-tf-validation", VS,
         fit_generator(lambda d: endless(batches(d)),
                       val=lambda d: slices(d).batch(16).repeat()),
         KfitValueError, "validation_steps", "infinite tf.data.Dataset"),
    Case("streams-fit-generator-validation-steps-given", VS,
         fit_generator(lambda d: endless(batches(d)), epochs=2,
                       val=lambda d: endless(batches(d, 2)), validation_steps=2),
         check=trained([1, 2], steps=8)),
    Case("streams-fit-infinite-tf-validation", VS,
         validation(lambda d: slices(d).batch(16).repeat()),
         KfitValueError, "validation_steps", "so validation would never end"),
    Case("streams-fit-validation-generator-warns", VS,
         recorded(validation(lambda d: once(batches(d, 2)))),
         check=warned("reads it until it stops (StopIteration)", epochs=[1])),
    Case("streams-fit-validation-steps-no-warning", VS,
         recorded(validation(lambda d: endless(batches(d, 2)), validation_steps=2,
                             epochs=2)),
         check=warned(None, epochs=[1, 2])),
    Case("streams-fit-pydataset-validation-no-warning", VS,
         recorded(validation(lambda d: Dataset(batches(d, 2)), epochs=2)),
         check=warned(None, epochs=[1, 2])),
    Case("streams-fit-finite-tf-validation-no-warning", VS,
         recorded(validation(lambda d: slices(d).batch(32), epochs=2)),
         check=warned(None, epochs=[1, 2])),
    Case("streams-fit-generator-pydataset-validation", VS,
         recorded(fit_generator(lambda d: endless(batches(d)), epochs=2,
                                val=lambda d: Dataset(batches(d, 2)))),
         check=warned(None, epochs=[1, 2])),
    Case("streams-validation-nan-first", VS,
         validation(lambda d: endless([(with_nan(d)[:16], d.y[:16])]),
                    validation_steps=1),
         SourceError, "validation_data", "The generator `validation_data` returned "
         "nan in the inputs"),
    Case("streams-validation-inputs-only", VS,
         validation(lambda d: endless([(d.x[:16],)]), validation_steps=1),
         SourceError, "validation_data", "inputs only (at epoch 1, step 1); "
         "validation needs targets"),
    Case("streams-validation-zero-rows", VS,
         validation(lambda d: endless([(d.x[:0], d.y[:0])]), validation_steps=1),
         SourceError, "validation_data", "returned a batch of 0 rows"),
]
