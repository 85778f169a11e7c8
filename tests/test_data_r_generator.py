"""R functions as generators (kfit.data.r_generator), from Python over rpy2.

Each call of the R function returns list(inputs, targets) or
list(inputs, targets, sample_weights); NULL means the data ended. The
function is shipped to an R worker process (workers = 1, the default) or
called in this process between steps (workers = 0).
"""

from __future__ import annotations

import threading
import time
import warnings

import numpy as np
import pytest
import rpy2.rinterface as ri
import rpy2.robjects as ro

import kfit
from kfit.errors import (
    KfitDataError,
    KfitDeprecationWarning,
    KfitTrainingError,
    KfitValueError,
    KfitWarning,
)
from kfit.r.convert import r_to_numpy

from support import (
    assert_same_weights,
    assert_threads_back,
    fit,
    fit_generator,
    weights_of,
)

pytestmark = pytest.mark.trains  # see conftest.py

# -- helpers -------------------------------------------------------------------


def r_function(code: str):
    """An R closure from R source (an rpy2 SexpClosure)."""
    function = ro.r(code)
    assert isinstance(function, ri.SexpClosure)
    return function


def r_batches(n: int, size: int = 16, *, last: int | None = None, seed: int = 1,
              n_in: int = 4) -> None:
    """Define `batches` in R: n fixed list(x, y); x[, 1] holds the batch number."""
    ro.r(f"""batches <- local({{
        set.seed({seed})
        lapply(seq_len({n}), function(k) {{
            rows <- if (k == {n} && {last or 0} > 0) {last or 0} else {size}
            x <- matrix(rnorm(rows * {n_in}), rows, {n_in})
            x[, 1] <- k
            list(x, sample(0:2, rows, TRUE))
        }})
    }})""")


def cycling_generator(variable: str = "batches"):
    """An R generator cycling through the list `variable` forever."""
    return r_function(f"""local({{
        data <- {variable}; i <- 0
        function() {{ i <<- i %% length(data) + 1; data[[i]] }}
    }})""")


def batches_in_python(variable: str = "batches") -> list[tuple[np.ndarray, ...]]:
    """The same R batches converted (as kfit converts them) for comparisons."""
    return [tuple(r_to_numpy(part).value for part in batch)
            for batch in ro.globalenv[variable]]


RANDOM_GENERATOR = """local({ i <- 0; function() { i <<- i + 1
    list(matrix(rnorm(16 * 4), 16, 4), sample(0:2, 16, TRUE)) } })"""


# -- training from an R generator ---------------------------------------------------


def test_r_generator_trains(make_model, counter):
    callback = counter()
    model = make_model()
    history = fit(model, r_function(RANDOM_GENERATOR), steps_per_epoch=4, epochs=2,
                  verbose=0, callbacks=[callback])
    assert history.epochs == [1, 2]
    assert history.params["steps"] == 4
    assert callback.per_epoch == [4, 4]
    assert int(model.optimizer.iterations.numpy()) == 8
    assert all(np.isfinite(history.metrics["loss"]))


def test_r_batches_train_in_order_with_r_indexing(recording_model):
    """x[, 1] (R's first column) is the marker: it arrives as feature 0, the
    peeked first batch is trained once and first, the short last one too."""
    r_batches(4, 16, last=5)
    model, seen = recording_model()
    fit(model, cycling_generator(), steps_per_epoch=4, epochs=2, verbose=0)
    assert seen == [(1, 16), (2, 16), (3, 16), (4, 5)] * 2


def test_r_generator_epochs_end_at_null(make_model, counter):
    """NULL after 7 batches, then it starts over: every epoch has 7 steps."""
    generator = r_function("""local({ i <- 0; function() {
        i <<- i + 1
        if (i == 8) { i <<- 0; return(NULL) }
        rows <- if (i == 7) 5 else 16
        list(matrix(rnorm(rows * 4), rows, 4), sample(0:2, rows, TRUE)) } })""")
    callback = counter()
    history = fit(make_model(), generator, epochs=3, verbose=0, callbacks=[callback])
    assert callback.per_epoch == [7, 7, 7]
    assert history.epochs == [1, 2, 3]
    assert history.params["steps"] is None


def test_r_generator_that_ends_for_good_stops_with_a_warning(make_model, counter):
    generator = r_function("""local({ i <- 0; function() { i <<- i + 1
        if (i > 4) return(NULL)
        list(matrix(rnorm(64), 16, 4), sample(0:2, 16, TRUE)) } })""")
    callback = counter()
    with pytest.warns(KfitWarning, match="no data left after epoch 1"):
        history = fit(make_model(), generator, epochs=3, verbose=0,
                      callbacks=[callback])
    assert history.epochs == [1]
    assert callback.per_epoch == [4]


def test_r_generator_running_dry_with_steps_per_epoch(make_model, counter):
    generator = r_function("""local({ i <- 0; function() { i <<- i + 1
        if (i > 5) return(NULL)
        list(matrix(rnorm(64), 16, 4), sample(0:2, 16, TRUE)) } })""")
    callback = counter()
    with pytest.warns(KfitWarning, match="ran out"):
        history = fit(make_model(), generator, steps_per_epoch=3, epochs=3, verbose=0,
                      callbacks=[callback])
    assert callback.per_epoch == [3, 2]
    assert history.epochs == [1, 2]


def test_r_batch_with_sample_weights_matches_python(frozen_model):
    ro.r("""wbatches <- local({ set.seed(11); lapply(1:3, function(k)
        list(matrix(rnorm(64), 16, 4), sample(0:2, 16, TRUE), runif(16))) })""")
    from_r = fit(frozen_model(), cycling_generator("wbatches"), steps_per_epoch=3,
                 verbose=0)
    python = batches_in_python("wbatches")
    from_py = fit(frozen_model(), iter(python), steps_per_epoch=3, verbose=0)
    unweighted = fit(frozen_model(), iter([b[:2] for b in python]), steps_per_epoch=3,
                     verbose=0)
    assert from_r.metrics["loss"][0] == pytest.approx(from_py.metrics["loss"][0],
                                                      rel=1e-6)
    assert abs(from_r.metrics["loss"][0] - unweighted.metrics["loss"][0]) > 1e-4


def _two_input_model(keras, named: bool):
    keras.utils.set_random_seed(0)
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    out = keras.layers.Dense(1)(keras.layers.Concatenate()([a, b]))
    model = keras.Model({"a": a, "b": b} if named else [a, b], out)
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_r_generator_multi_input_named_list(keras):
    named = r_function("""function() list(list(a = matrix(rnorm(24), 8, 3),
        b = matrix(rnorm(16), 8, 2)), rnorm(8))""")
    model = _two_input_model(keras, named=True)
    assert fit(model, named, steps_per_epoch=2, verbose=0).epochs == [1]


def test_r_generator_multi_input_unnamed_list(keras):
    model_list = _two_input_model(keras, named=False)
    unnamed = r_function("""function() list(list(matrix(rnorm(24), 8, 3),
        matrix(rnorm(16), 8, 2)), rnorm(8))""")
    assert fit(model_list, unnamed, steps_per_epoch=2, verbose=0).epochs == [1]


def test_r_generator_factor_targets(make_model):
    generator = r_function("""function() list(matrix(rnorm(64), 16, 4),
        factor(sample(c("a", "b", "c"), 16, TRUE), levels = c("a", "b", "c")))""")
    history = fit(make_model(), generator, steps_per_epoch=2, verbose=0)
    assert history.epochs == [1]


def test_r_generator_na_targets_are_an_error_before_training(keras):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    before = weights_of(model)
    generator = r_function("""function() { y <- rnorm(16); y[3] <- NA
        list(matrix(rnorm(64), 16, 4), y) }""")
    with pytest.raises(KfitDataError) as info:
        fit(model, generator, steps_per_epoch=3, epochs=2, verbose=0)
    assert "returned nan in the targets at index [2]" in str(info.value)
    assert "(at epoch 1, step 1)" in str(info.value)
    assert_same_weights(weights_of(model), before)


# -- a bad first batch fails before training; a later one names where -------------

BAD_FIRST = {
    "list of 4 items": ("list(matrix(rnorm(64), 16, 4), 0:15, runif(16), 1)",
                        "returned a list of length 4; a batch must be list("),
    "a string": ('"abc"', "a character vector of length 1, not a list"),
    "a data frame": ("data.frame(a = 1:3)", "not a list"),
    "mismatched lengths": ("list(matrix(rnorm(64), 16, 4), 0:14)",
                           "different lengths"),
    "inputs missing": ("list(NULL, 0:15)", "inputs are missing"),
    "character inputs": ('list(matrix("a", 16, 4), 0:15)', "must be numeric"),
    "R error": ('stop("no data here")', "no data here"),
}


@pytest.mark.parametrize("case", list(BAD_FIRST))
def test_bad_first_r_batch_fails_before_training(case, make_model, counter):
    body, expected = BAD_FIRST[case]
    generator = r_function(f"function() {body}")
    model = make_model()
    before = weights_of(model)
    callback = counter()
    with pytest.raises(KfitDataError) as info:
        fit(model, generator, steps_per_epoch=2, verbose=0, callbacks=[callback])
    message = str(info.value)
    assert not isinstance(info.value, KfitTrainingError)
    assert "The R generator `x`" in message
    assert expected in message
    assert "epoch 1, step 1" in message
    assert callback.total == 0
    assert int(model.optimizer.iterations.numpy()) == 0
    assert_same_weights(weights_of(model), before)
    assert ro.r("1 + 1")[0] == 2


def test_r_generator_returning_null_first(make_model):
    with pytest.raises(KfitDataError, match="returned NULL at its first call"):
        fit(make_model(), r_function("function() NULL"), verbose=0)


@pytest.mark.parametrize("body, expected", [
    ("list(matrix(rnorm(64), 16, 4), 0:12)", "different lengths"),
    ("list(matrix(rnorm(48), 16, 3), 0:15)", "unlike the first batch"),
    ('"oops"', "a character vector of length 1, not a list")])
def test_bad_later_r_batch_names_epoch_and_step(body, expected, make_model, counter):
    generator = r_function(f"""local({{ i <- 0; function() {{ i <<- i + 1
        if (i == 8) return({body})
        list(matrix(rnorm(64), 16, 4), sample(0:2, 16, TRUE)) }} }})""")
    callback = counter()
    with pytest.raises(KfitTrainingError) as info:
        fit(make_model(), generator, steps_per_epoch=3, epochs=5, verbose=0,
            callbacks=[callback])
    error = info.value
    assert "epoch 3, step 2" in str(error)  # batch 8 with 3 steps per epoch
    assert expected in str(error)
    assert (error.epoch, error.step) == (3, 2)
    assert error.history.epochs == [1, 2]
    assert callback.total == 7  # every batch before the bad one was trained


@pytest.mark.parametrize("bad, expected", [
    ("x[15, 4] <- NA", "nan in the inputs at index [14, 3]"),
    ("y[16] <- Inf", "inf in the targets at index [15]")])
def test_a_later_batch_laid_out_like_the_last_is_checked_as_well(
        bad, expected, make_model, counter, monkeypatch):
    # Batches of doubles with one header: after the first, each takes the
    # short path (kfit.data.batch_layout), which must still find NA and Inf.
    from kfit.data import batch_layout

    short: list[int] = []
    parts = batch_layout.Layout.parts
    monkeypatch.setattr(batch_layout.Layout, "parts",
                        lambda self, value: short.append(1) or parts(self, value))
    generator = r_function(f"""local({{ i <- 0; function() {{ i <<- i + 1
        x <- matrix(rnorm(64), 16, 4); y <- as.numeric(sample(0:2, 16, TRUE))
        if (i == 8) {bad}
        list(x, y) }} }})""")
    callback = counter()
    with pytest.raises(KfitTrainingError) as info:
        fit(make_model(), generator, steps_per_epoch=3, epochs=5, verbose=0,
            callbacks=[callback])
    assert len(short) == 7  # batches 2 to 8
    assert expected in str(info.value)
    assert (info.value.epoch, info.value.step) == (3, 2)
    assert callback.total == 7


@pytest.mark.parametrize("argument, value", [
    ("batch_size", 8), ("validation_split", 0.2), ("sample_weight", np.ones(16)),
    ("y", np.zeros(16))])
def test_array_only_arguments_rejected_with_r_generator(argument, value, make_model):
    with pytest.raises(KfitValueError) as info:
        fit(make_model(), r_function(RANDOM_GENERATOR), steps_per_epoch=2, verbose=0,
            **{argument: value})
    assert info.value.argument == argument
    assert "R generator" in str(info.value)


# -- validation from an R generator ----------------------------------------------------


def test_r_validation_generator_matches_evaluate(make_model):
    r_batches(3, 16, seed=21)
    ro.r("train_batches <- batches")
    r_batches(3, 16, seed=22)
    model = make_model()
    history = fit(model, cycling_generator("train_batches"), steps_per_epoch=3,
                  epochs=2, verbose=0, validation_data=cycling_generator(),
                  validation_steps=3)
    val = batches_in_python()
    x = np.concatenate([b[0] for b in val])
    y = np.concatenate([b[1] for b in val])
    expected = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    assert len(history.metrics["val_loss"]) == 2
    assert history.metrics["val_loss"][-1] == pytest.approx(expected["loss"], rel=1e-5)
    assert history.metrics["val_accuracy"][-1] == pytest.approx(
        expected["accuracy"], rel=1e-5)


def test_r_validation_generator_without_steps_ends_at_null(make_model):
    """No validation_steps: each validation reads until NULL (3 batches)."""
    r_batches(3, 16, seed=23)
    generator = r_function("""local({ data <- batches; i <- 0; function() {
        i <<- i + 1
        if (i > length(data)) { i <<- 0; return(NULL) }
        data[[i]] } })""")
    model = make_model()
    with pytest.warns(KfitWarning, match="calls it until it returns NULL"):
        history = fit(model, r_function(RANDOM_GENERATOR), steps_per_epoch=2,
                      epochs=2, verbose=0, validation_data=generator)
    val = batches_in_python()
    x = np.concatenate([b[0] for b in val])
    y = np.concatenate([b[1] for b in val])
    expected = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    assert history.metrics["val_loss"][-1] == pytest.approx(expected["loss"], rel=1e-5)


def test_r_validation_generator_with_python_training(make_model):
    r_batches(2, 8, seed=24)

    def train():
        rng = np.random.default_rng(0)
        while True:
            yield (rng.normal(size=(8, 4)).astype("float32"),
                   rng.integers(0, 3, 8).astype("int32"))

    history = fit(make_model(), train(), steps_per_epoch=2, epochs=2, verbose=0,
                  validation_data=cycling_generator(), validation_steps=2)
    assert all(v is not None for v in history.metrics["val_loss"])


# -- class_weight with R generators ------------------------------------------------


def test_class_weight_with_r_generator_equals_sample_weights(frozen_model):
    ro.r("""cw_batches <- local({ set.seed(31); lapply(1:4, function(k) {
        rows <- if (k == 4) 9 else 16
        list(matrix(rnorm(rows * 4), rows, 4), sample(0:2, rows, TRUE)) }) })""")
    ro.r("""cw_weighted <- lapply(cw_batches, function(b)
        list(b[[1]], b[[2]], c(1, 3, 0.5)[b[[2]] + 1]))""")
    weighted = fit(frozen_model(), cycling_generator("cw_batches"), steps_per_epoch=4,
                   verbose=0, class_weight={"0": 1, "1": 3, "2": 0.5})
    by_hand = fit(frozen_model(), cycling_generator("cw_weighted"), steps_per_epoch=4,
                  verbose=0)
    plain = fit(frozen_model(), cycling_generator("cw_batches"), steps_per_epoch=4,
                verbose=0)
    loss = weighted.metrics["loss"][0]
    assert loss == pytest.approx(by_hand.metrics["loss"][0], rel=1e-6)
    assert abs(loss - plain.metrics["loss"][0]) > 1e-3


def test_class_weight_bad_key_with_r_generator(make_model):
    with pytest.raises(KfitValueError) as info:
        fit(make_model(), r_function(RANDOM_GENERATOR), steps_per_epoch=2, verbose=0,
            class_weight={"zero": 1.0})
    assert info.value.argument == "class_weight"


# -- fit_generator with R generators ---------------------------------------------------


def test_fit_generator_r_legacy_initial_epoch(make_model, counter):
    callback = counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = fit_generator(make_model(), r_function(RANDOM_GENERATOR),
                                steps_per_epoch=2, epochs=10, initial_epoch=5,
                                verbose=0, callbacks=[callback])
    assert len([w for w in caught
                if issubclass(w.category, KfitDeprecationWarning)]) == 1
    assert history.epochs == [6, 7, 8, 9, 10]
    assert callback.per_epoch == [2] * 5


def test_fit_generator_requires_steps_per_epoch_with_r(make_model):
    with pytest.warns(KfitDeprecationWarning), pytest.raises(KfitValueError) as info:
        kfit.fit_generator(make_model(), r_function(RANDOM_GENERATOR), epochs=2)
    assert info.value.argument == "steps_per_epoch"


# How far R workers run ahead of training. The generator (in its worker
# process) appends a line to a file at each call; at the begin of each
# training batch we record `calls - consumed`: calls so far minus the
# batches whose training step has finished. The reader asks a worker for a
# batch only while fewer than max_queue_size are asked for and not yet
# committed by the steps (a step commits the batches before its own as it
# begins: `BatchStream.room`), so calls - consumed <= max_queue_size;
# training slower than R fills the queue up to exactly that. "auto" makes
# room for more than 10 small batches. The fit reads 40 batches, and the
# worker is asked for no more: 40 calls in all.


@pytest.mark.parametrize("max_queue_size", [1, 3, "auto"])
def test_fit_generator_max_queue_size_bounds_r_calls(max_queue_size, keras,
                                                     make_model, tmp_path):
    log = tmp_path / "calls.txt"
    log.write_text("")
    generator = r_function(f"""function() {{
        cat("x\\n", file = "{log}", append = TRUE)
        list(matrix(rnorm(64), 16, 4), sample(0:2, 16, TRUE)) }}""")
    ahead: list[int] = []

    class Ahead(keras.callbacks.Callback):
        consumed = 0

        def on_train_batch_begin(self, batch, logs=None):
            time.sleep(0.03)  # training slower than R: the queue fills up
            ahead.append(len(log.read_text().splitlines()) - self.consumed)

        def on_train_batch_end(self, batch, logs=None):
            self.consumed += 1

    with pytest.warns(KfitDeprecationWarning):
        fit_generator(make_model(), generator, steps_per_epoch=20, epochs=2,
                      verbose=0, max_queue_size=max_queue_size, callbacks=[Ahead()])
    assert len(ahead) == 40
    if max_queue_size == "auto":  # 64 MiB of 16x4 batches: as many as asked
        assert max(ahead) > 10, ahead
    else:
        assert max(ahead) == max_queue_size, ahead  # ahead, never more
    assert len(log.read_text().splitlines()) == 40


def test_fit_generator_workers_above_one_need_an_index_dataset(make_model):
    with pytest.raises(KfitValueError) as info:
        fit_generator(make_model(), r_function(RANDOM_GENERATOR), steps_per_epoch=2,
                      epochs=2, verbose=0, workers=4)
    assert info.value.argument == "workers"
    assert "function(i)" in str(info.value)


# -- faults --------------------------------------------------------------------------


def test_r_error_mid_training(make_model, counter):
    generator = r_function("""local({ i <- 0; function() { i <<- i + 1
        if (i == 8) stop("boom from R")
        list(matrix(rnorm(64), 16, 4), sample(0:2, 16, TRUE)) } })""")
    callback = counter()
    count_before = threading.active_count()
    with pytest.raises(KfitTrainingError) as info:
        fit(make_model(), generator, steps_per_epoch=5, epochs=3, verbose=0,
            callbacks=[callback])
    error = info.value
    assert "boom from R" in str(error)
    assert "epoch 2, step 3" in str(error)
    assert (error.epoch, error.step) == (2, 3)
    assert error.history.epochs == [1]
    assert len(error.history.metrics["loss"]) == 1
    assert callback.total == 7  # the 7 batches made before the error were trained
    assert_threads_back(count_before)
    assert ro.r("1 + 1")[0] == 2
    assert list(ro.r("sum(1:10)")) == [55]


def test_r_error_in_validation_generator(make_model):
    validation = r_function("""local({ i <- 0; function() { i <<- i + 1
        if (i == 4) stop("validation boom")
        list(matrix(rnorm(64), 16, 4), sample(0:2, 16, TRUE)) } })""")
    count_before = threading.active_count()
    with pytest.raises(KfitTrainingError) as info:
        fit(make_model(), r_function(RANDOM_GENERATOR), steps_per_epoch=2, epochs=4,
            verbose=0, validation_data=validation, validation_steps=2)
    assert "validation boom" in str(info.value)
    assert "`validation_data`" in str(info.value)
    assert info.value.history.epochs == [1]
    assert_threads_back(count_before)
    assert ro.r("1 + 1")[0] == 2


def test_r_is_usable_and_fit_works_after_an_r_fault(make_model):
    failing = r_function('function() stop("first call fails")')
    with pytest.raises(KfitDataError):
        fit(make_model(), failing, steps_per_epoch=2, verbose=0)
    assert ro.r("1 + 1")[0] == 2
    history = fit(make_model(), r_function(RANDOM_GENERATOR), steps_per_epoch=2,
                  epochs=2, verbose=0)
    assert history.epochs == [1, 2]
