"""`kfit.fit()` on in-memory arrays: R semantics, checked with real numbers.

Most tests train a "frozen" model (SGD with learning rate 0): its weights
never change, so every loss Keras logs can be computed by hand from
`model.predict()` - which rows were trained on, in which order, with which
weights. Callbacks count batches and record the epoch indices Keras uses.
"""

from __future__ import annotations

import sys
import threading
import webbrowser

import keras
import numpy as np
import pytest

import kfit
from kfit.errors import (
    KfitArgumentError,
    KfitCallbackError,
    KfitError,
    KfitTypeError,
    KfitValueError,
)
from kfit.history import TrainingHistory
from kfit.rformat import format_r_number
from kfit.words import R

pytestmark = pytest.mark.trains  # see conftest.py

HEADER = "\nFinal epoch (plot to see history):\n"
N = 200


# ---- helpers ----------------------------------------------------------------


def frozen_classifier(*, loss: str = "sparse_categorical_crossentropy",
                      metrics: tuple[str, ...] = (), n_in: int = 4, n_out: int = 3,
                      seed: int = 1) -> keras.Model:
    """A compiled softmax classifier whose weights never change (SGD, lr 0)."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((n_in,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(n_out, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss=loss,
                  metrics=list(metrics))
    return model


def cross_entropy(model: keras.Model, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-row cross-entropy of `model` (integer or one-hot targets)."""
    p = model.predict(x, verbose=0).astype("float64")
    labels = np.argmax(y, axis=-1) if np.ndim(y) == 2 else y
    return -np.log(p[np.arange(len(labels)), labels])


class Recorder(keras.callbacks.Callback):
    """What Keras tells callbacks: epoch indices, batches, running losses."""

    def __init__(self) -> None:
        super().__init__()
        self.epoch_begin: list[int] = []
        self.epoch_end: list[int] = []
        self.train_batches: list[int] = []  # per epoch
        self.batch_losses: list[list[float]] = []  # per epoch, running means
        self.test_batches: list[int] = []  # per validation run

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_begin.append(epoch)
        self.train_batches.append(0)
        self.batch_losses.append([])

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_end.append(epoch)

    def on_train_batch_end(self, batch, logs=None):
        self.train_batches[-1] += 1
        self.batch_losses[-1].append(float(logs["loss"]))

    def on_test_begin(self, logs=None):
        self.test_batches.append(0)

    def on_test_batch_end(self, batch, logs=None):
        self.test_batches[-1] += 1


def snapshot(model: keras.Model) -> list[np.ndarray]:
    return [w.copy() for w in model.get_weights()]


def assert_nothing_trained(model: keras.Model, before: list[np.ndarray]) -> None:
    after = model.get_weights()
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        np.testing.assert_array_equal(old, new)
    if getattr(model, "optimizer", None) is not None:
        assert int(model.optimizer.iterations.numpy()) == 0


def learning_classifier(seed: int = 1) -> keras.Model:
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((4,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.05),
                  loss="sparse_categorical_crossentropy")
    return model


@pytest.fixture
def no_rstudio(monkeypatch):
    monkeypatch.delenv("RSTUDIO", raising=False)
    monkeypatch.delenv("TF_CONFIG", raising=False)
    return monkeypatch


# ---- 1. initial_epoch is 1-based, epochs is the last epoch ------------------


def test_initial_epoch_6_epochs_10_trains_epochs_6_to_10(data, capfd, no_rstudio):
    x, y = data
    model = frozen_classifier()
    recorder = Recorder()
    history = kfit.fit(model, x, y, initial_epoch=6, epochs=10, verbose=2,
                       callbacks=[recorder])
    out = capfd.readouterr().out
    epoch_lines = [line for line in out.splitlines() if line.startswith("Epoch ")]
    assert epoch_lines == [f"Epoch {e}/10" for e in range(6, 11)]
    assert history.epochs == [6, 7, 8, 9, 10]
    assert history.params["initial_epoch"] == 6
    assert history.params["epochs"] == 10
    assert len(history.metrics["loss"]) == 5
    # Keras callbacks see Keras' own 0-based epoch index.
    assert recorder.epoch_begin == [5, 6, 7, 8, 9]
    assert recorder.epoch_end == [5, 6, 7, 8, 9]
    assert history.as_data_frame()["epoch"] == [6, 7, 8, 9, 10]


def test_initial_epoch_0_is_taken_as_1(data):
    x, y = data
    recorder = Recorder()
    history = kfit.fit(frozen_classifier(), x, y, initial_epoch=0, epochs=2,
                       verbose=0, callbacks=[recorder])
    assert history.epochs == [1, 2]
    assert history.params["initial_epoch"] == 1
    assert recorder.epoch_begin == [0, 1]


def test_whole_floats_from_r_are_accepted(data):
    x, y = data
    recorder = Recorder()
    history = kfit.fit(frozen_classifier(), x, y, epochs=3.0, initial_epoch=2.0,
                       batch_size=50.0, verbose=0.0, callbacks=[recorder])
    assert history.epochs == [2, 3]
    assert history.params["epochs"] == 3 and type(history.params["epochs"]) is int
    assert history.params["steps"] == 4
    assert recorder.train_batches == [4, 4]


@pytest.mark.parametrize(("initial_epoch", "error"), [
    (-1, KfitValueError), (2.5, KfitTypeError), (11, KfitValueError)])
def test_bad_initial_epoch_is_an_error_naming_it(data, initial_epoch, error):
    x, y = data
    model = frozen_classifier()
    before = snapshot(model)
    with pytest.raises(error) as info:
        kfit.fit(model, x, y, initial_epoch=initial_epoch, epochs=10, verbose=0)
    assert info.value.argument == "initial_epoch"
    assert "`initial_epoch`" in str(info.value)
    assert f"Received: initial_epoch={initial_epoch}" in str(info.value)
    assert_nothing_trained(model, before)


# ---- 2. batch_size defaults to 32 -------------------------------------------


def test_batch_size_defaults_to_32_for_arrays(data):
    x, y = data
    recorder = Recorder()
    history = kfit.fit(frozen_classifier(), x, y, epochs=2, verbose=0,
                       callbacks=[recorder])
    assert history.params["steps"] == 7  # ceiling(200 / 32)
    assert history.params["batch_size"] == 32
    assert history.params["samples"] == N
    assert recorder.train_batches == [7, 7]


# ---- 3. validation_split: the last rows, taken before shuffling -------------


def distinctive_tail(data):
    """The data with a distinctive last 20%: class 2 only, shifted inputs."""
    x, y = (a.copy() for a in data)
    x[160:] += 3.0
    y[160:] = 2
    return x, y


def test_validation_split_holds_out_the_last_rows_before_shuffling(data):
    x, y = distinctive_tail(data)
    model = frozen_classifier()
    ce = cross_entropy(model, x, y)
    history = kfit.fit(model, x, y, validation_split=0.2, shuffle=True, epochs=2,
                       verbose=0)
    assert history.params["validation_samples"] == 40
    assert history.params["samples"] == 160
    assert history.params["steps"] == 5
    # Training saw exactly the first 160 rows, validation the last 40,
    # in both epochs, although the training rows are shuffled.
    assert history.metrics["loss"] == pytest.approx([ce[:160].mean()] * 2, rel=1e-5)
    assert history.metrics["val_loss"] == pytest.approx([ce[160:].mean()] * 2,
                                                        rel=1e-5)
    # ... and the check can tell: any other 40 rows give another loss.
    assert abs(ce[160:].mean() - ce[:40].mean()) > 0.1
    assert abs(ce[160:].mean() - ce.mean()) > 0.1


def test_validation_split_val_loss_is_evaluate_on_the_last_rows(data):
    x, y = distinctive_tail(data)
    model = learning_classifier()
    history = kfit.fit(model, x, y, validation_split=0.2, epochs=2, verbose=0)
    on_tail = model.evaluate(x[160:], y[160:], verbose=0)
    on_head = model.evaluate(x[:40], y[:40], verbose=0)
    assert history.metrics["val_loss"][-1] == pytest.approx(on_tail, rel=1e-5)
    assert abs(on_tail - on_head) > 0.05
    assert history.metrics["loss"][0] != history.metrics["loss"][1]  # it learned


@pytest.mark.parametrize(("split", "shown"), [(1.5, "1.5"), (-0.1, "-0.1"),
                                              (1.0, "1")])
def test_validation_split_out_of_range_is_an_error(data, split, shown):
    x, y = data
    model = frozen_classifier()
    before = snapshot(model)
    with pytest.raises(KfitValueError) as info:
        kfit.fit(model, x, y, validation_split=split, verbose=0)
    assert info.value.argument == "validation_split"
    assert f"Received: validation_split={shown}\n" in str(info.value)
    assert "Hint: " in str(info.value)
    assert_nothing_trained(model, before)


def test_validation_data_overrides_validation_split(data):
    x, y = data
    model = frozen_classifier()
    ce = cross_entropy(model, x, y)
    history = kfit.fit(model, x, y, validation_split=0.2,
                       validation_data=(x[:50], y[:50]), verbose=0)
    assert history.params["samples"] == N
    assert history.params["validation_samples"] == 50
    assert history.metrics["loss"] == pytest.approx([ce.mean()], rel=1e-5)
    assert history.metrics["val_loss"] == pytest.approx([ce[:50].mean()], rel=1e-5)


# ---- 4. validation_data forms -------------------------------------------------


@pytest.mark.parametrize("form", ["tuple", "list", "with_weights"])
def test_validation_data_tuple_list_and_weights(data, form):
    x, y = data
    model = frozen_classifier()
    ce = cross_entropy(model, x, y)
    xv, yv = x[:50], y[:50]
    weights = np.where(np.arange(50) < 25, 0.0, 2.0).astype("float32")
    validation_data = {"tuple": (xv, yv), "list": [xv, yv],
                       "with_weights": (xv, yv, weights)}[form]
    history = kfit.fit(model, x[50:], y[50:], validation_data=validation_data,
                       verbose=0)
    expected = (weights * ce[:50]).mean() if form == "with_weights" else ce[:50].mean()
    assert history.metrics["val_loss"] == pytest.approx([expected], rel=1e-5)
    assert history.metrics["loss"] == pytest.approx([ce[50:].mean()], rel=1e-5)
    assert history.params["validation_samples"] == 50


@pytest.mark.parametrize(("case", "where", "error"), [
    ("one item", "validation_data", KfitValueError),
    ("four items", "validation_data", KfitValueError),
    ("not arrays", "validation_data[0]", KfitTypeError),
    ("mismatched lengths", "validation_data[1]", KfitValueError),
    ("mismatched weights", "validation_data[2]", KfitValueError)])
def test_bad_validation_data_is_an_error_naming_it(data, case, where, error):
    x, y = data
    validation_data = {
        "one item": (x[:50],),
        "four items": (x[:50], y[:50], np.ones(50), np.ones(50)),
        "not arrays": ("x", "y"),
        "mismatched lengths": (x[:50], y[:40]),
        "mismatched weights": (x[:50], y[:50], np.ones(30)),
    }[case]
    model = frozen_classifier()
    before = snapshot(model)
    with pytest.raises(error) as info:
        kfit.fit(model, x, y, validation_data=validation_data, verbose=0)
    assert info.value.argument == "validation_data"
    assert str(info.value).startswith(f"Argument `{where}` ")
    assert "Received: " in str(info.value) and "Hint: " in str(info.value)
    assert_nothing_trained(model, before)


@pytest.mark.parametrize("activation, loss", [
    ("softmax", "sparse_categorical_crossentropy"), ("sigmoid", "binary_crossentropy"),
    (None, "mse")])
def test_the_compile_hint_suggests_a_loss_for_the_models_output(activation, loss):
    model = keras.Sequential([keras.Input((4,)),
                              keras.layers.Dense(3, activation=activation)])
    with pytest.raises(KfitValueError) as info:
        kfit.fit(model, np.zeros((4, 4)), np.zeros(4), verbose=0)
    assert f'model.compile(optimizer="adam", loss="{loss}")' in str(info.value)
    in_r = info.value.render(R)
    assert f'compile(model, optimizer = "adam", loss = "{loss}") with keras3' in in_r


# ---- 5. validation_freq -------------------------------------------------------


@pytest.mark.parametrize(("freq", "initial_epoch", "epochs", "validated"), [
    (2, 1, 4, [2, 4]),
    ([1, 3], 1, 4, [1, 3]),
    (2, 3, 6, [4, 6]),
    ([4], 3, 5, [4]),
])
def test_validation_freq_validates_on_real_epoch_numbers(data, freq, initial_epoch,
                                                         epochs, validated):
    x, y = data
    model = frozen_classifier(metrics=("accuracy",))
    ce = cross_entropy(model, x, y)
    recorder = Recorder()
    history = kfit.fit(model, x, y, validation_split=0.2, validation_freq=freq,
                       initial_epoch=initial_epoch, epochs=epochs, verbose=0,
                       callbacks=[recorder])
    real_epochs = list(range(initial_epoch, epochs + 1))
    assert history.epochs == real_epochs
    assert len(recorder.test_batches) == len(validated)  # validation really ran
    val_loss = history.metrics["val_loss"]
    assert [e for e, v in zip(real_epochs, val_loss, strict=True)
            if v is not None] == validated
    for epoch, value in zip(real_epochs, val_loss, strict=True):
        if epoch in validated:
            assert value == pytest.approx(ce[160:].mean(), rel=1e-5)
    assert [e for e, v in zip(real_epochs, history.metrics["val_accuracy"],
                              strict=True) if v is not None] == validated
    assert all(v is not None for v in history.metrics["loss"])
    # The long format has the same holes, on the real epoch numbers.
    frame = history.as_data_frame()
    assert {len(column) for column in frame.values()} == {4 * len(real_epochs)}
    rows = [(e, v) for e, v, m, d in zip(*frame.values(), strict=True)
            if m == "loss" and d == "validation"]
    assert [e for e, _ in rows] == real_epochs
    assert [e for e, v in rows if v is not None] == validated


@pytest.mark.parametrize("freq", [0, "a", [0], [], 2.5])
def test_bad_validation_freq_is_an_error_naming_it(data, freq):
    x, y = data
    model = frozen_classifier()
    before = snapshot(model)
    with pytest.raises(KfitValueError) as info:
        kfit.fit(model, x, y, validation_split=0.2, validation_freq=freq, verbose=0)
    assert info.value.argument == "validation_freq"
    assert "Received: validation_freq=" in str(info.value)
    assert_nothing_trained(model, before)


# ---- 6. class_weight ----------------------------------------------------------


@pytest.mark.parametrize(("class_weight", "table"), [
    ({0: 1, 1: 5}, [1, 5, 1]),
    ({"0": 1, "1": 5}, [1, 5, 1]),  # an R named list
    ([1, 2, 3], [1, 2, 3]),  # unnamed: classes 0..2
    ({2: 4.0}, [1, 1, 4]),  # missing classes get 1
    ({1.0: 0.5, 0.0: 2.0}, [2, 0.5, 1]),  # R doubles as keys
])
def test_class_weight_weights_the_loss_of_each_class(data, class_weight, table):
    x, y = data
    model = frozen_classifier()
    ce = cross_entropy(model, x, y)
    history = kfit.fit(model, x, y, class_weight=class_weight, verbose=0,
                       shuffle=False)
    weights = np.asarray(table, dtype="float64")[y]
    assert history.metrics["loss"] == pytest.approx([(weights * ce).mean()],
                                                    rel=1e-5)
    assert abs(history.metrics["loss"][0] - ce.mean()) > 0.05  # it made a difference


def test_class_weight_equals_sample_weight_built_by_hand_and_keras_own(data):
    x, y = data
    weights = np.where(y == 1, 5.0, 1.0).astype("float32")
    by_class = kfit.fit(frozen_classifier(), x, y, class_weight={"0": 1, "1": 5},
                        shuffle=False, verbose=0).metrics["loss"][0]
    by_int_keys = kfit.fit(frozen_classifier(), x, y, class_weight={0: 1, 1: 5},
                           shuffle=False, verbose=0).metrics["loss"][0]
    by_sample = kfit.fit(frozen_classifier(), x, y, sample_weight=weights,
                         shuffle=False, verbose=0).metrics["loss"][0]
    by_keras = frozen_classifier().fit(x, y, class_weight={0: 1, 1: 5},
                                       shuffle=False, verbose=0).history["loss"][0]
    assert by_class == pytest.approx(by_int_keys, rel=1e-6)
    assert by_class == pytest.approx(by_sample, rel=1e-6)
    assert by_class == pytest.approx(by_keras, rel=1e-6)


def test_class_weight_times_sample_weight_multiply(data):
    x, y = data
    model = frozen_classifier()
    ce = cross_entropy(model, x, y)
    sample_weight = np.random.default_rng(3).uniform(0, 2, N).astype("float32")
    history = kfit.fit(model, x, y, class_weight={0: 3, 2: 0.5},
                       sample_weight=sample_weight, verbose=0, shuffle=False)
    weights = np.array([3.0, 1.0, 0.5])[y] * sample_weight
    assert history.metrics["loss"] == pytest.approx([(weights * ce).mean()],
                                                    rel=1e-5)


def test_class_weight_with_one_hot_targets(data):
    x, y = data
    one_hot = np.eye(3, dtype="float32")[y]
    model = frozen_classifier(loss="categorical_crossentropy")
    ce = cross_entropy(model, x, one_hot)
    history = kfit.fit(model, x, one_hot, class_weight={0: 1, 1: 5}, verbose=0)
    weights = np.where(y == 1, 5.0, 1.0)
    assert history.metrics["loss"] == pytest.approx([(weights * ce).mean()],
                                                    rel=1e-5)


def test_class_weight_weights_only_the_training_rows_of_a_split(data):
    x, y = data
    model = frozen_classifier()
    ce = cross_entropy(model, x, y)
    history = kfit.fit(model, x, y, class_weight={1: 5}, validation_split=0.2,
                       verbose=0)
    weights = np.where(y[:160] == 1, 5.0, 1.0)
    assert history.metrics["loss"] == pytest.approx([(weights * ce[:160]).mean()],
                                                    rel=1e-5)
    # Keras does not weight validation by class.
    assert history.metrics["val_loss"] == pytest.approx([ce[160:].mean()], rel=1e-5)


def test_class_weight_with_targets_that_are_not_labels_is_an_error(data):
    x, _ = data
    soft = np.tile(np.array([[0.2, 0.3, 0.5]], dtype="float32"), (N, 1))
    model = frozen_classifier(loss="categorical_crossentropy")
    before = snapshot(model)
    with pytest.raises(ValueError, match="class_weight") as info:
        kfit.fit(model, x, soft, class_weight={0: 1, 1: 5}, verbose=0)
    assert isinstance(info.value, KfitError)
    assert "(200, 3)" in str(info.value) and "one-hot" in str(info.value)
    assert_nothing_trained(model, before)


@pytest.mark.parametrize(("class_weight", "shown"), [
    ({"a": 1}, "'a'"), ({-1: 1}, "-1"), ({True: 2}, "True"),
    ({0: 1, 1: "x"}, "class 1"), ({0: float("nan")}, "class 0")])
def test_bad_class_weight_is_an_error_naming_the_key(data, class_weight, shown):
    x, y = data
    model = frozen_classifier()
    before = snapshot(model)
    with pytest.raises(KfitValueError) as info:
        kfit.fit(model, x, y, class_weight=class_weight, verbose=0)
    assert info.value.argument == "class_weight"
    assert shown in str(info.value)
    assert "Received: class_weight=" in str(info.value)
    assert_nothing_trained(model, before)


# ---- 7. sample_weight ---------------------------------------------------------


def test_sample_weight_1d_zero_rows_do_not_count(data):
    x, y = data
    model = frozen_classifier()
    ce = cross_entropy(model, x, y)
    weights = np.ones(N, dtype="float32")
    weights[100:] = 0.0
    weighted = kfit.fit(model, x, y, sample_weight=weights, verbose=0)
    ones = kfit.fit(model, x, y, sample_weight=np.ones(N, "float32"), verbose=0)
    assert weighted.metrics["loss"] == pytest.approx([(weights * ce).mean()],
                                                     rel=1e-5)
    assert ones.metrics["loss"] == pytest.approx([ce.mean()], rel=1e-5)
    assert abs(weighted.metrics["loss"][0] - ones.metrics["loss"][0]) > 0.1


def test_sample_weight_2d_per_timestep_with_a_sequence_model():
    rng = np.random.default_rng(5)
    n, steps = 64, 5
    x = rng.normal(size=(n, steps, 3)).astype("float32")
    y = rng.normal(size=(n, steps, 1)).astype("float32")
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((steps, 3)),
                              keras.layers.TimeDistributed(keras.layers.Dense(1))])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    squared = ((model.predict(x, verbose=0) - y) ** 2)[..., 0].astype("float64")
    weights = np.ones((n, steps), dtype="float32")
    weights[:, :2] = 0.0  # the first two timesteps do not count
    weighted = kfit.fit(model, x, y, sample_weight=weights, verbose=0)
    ones = kfit.fit(model, x, y, sample_weight=np.ones((n, steps), "float32"),
                    verbose=0)
    assert weighted.metrics["loss"] == pytest.approx([(weights * squared).mean()],
                                                     rel=1e-5)
    assert ones.metrics["loss"] == pytest.approx([squared.mean()], rel=1e-5)
    assert abs(weighted.metrics["loss"][0] - ones.metrics["loss"][0]) > 0.1


# ---- 8. shuffle, steps_per_epoch, validation_steps, validation_batch_size ----


def test_shuffle_false_keeps_the_row_order(data):
    x, y = data
    model = frozen_classifier()
    ce = cross_entropy(model, x, y)
    recorder = Recorder()
    kfit.fit(model, x, y, batch_size=50, epochs=2, shuffle=False, verbose=0,
             callbacks=[recorder])
    # After batch k the running loss is the mean over the first k*50 rows.
    in_order = [ce[: 50 * k].mean() for k in (1, 2, 3, 4)]
    assert recorder.batch_losses[0] == pytest.approx(in_order, rel=1e-5)
    assert recorder.batch_losses[1] == pytest.approx(in_order, rel=1e-5)


def test_shuffle_true_changes_the_row_order(data):
    x, y = data
    model = frozen_classifier()
    ce = cross_entropy(model, x, y)
    recorder = Recorder()
    history = kfit.fit(model, x, y, batch_size=50, epochs=2, shuffle=True,
                       verbose=0, callbacks=[recorder])
    first_batches = [losses[0] for losses in recorder.batch_losses]
    assert any(abs(first - ce[:50].mean()) > 1e-4 for first in first_batches)
    # Every row is still seen once per epoch.
    assert history.metrics["loss"] == pytest.approx([ce.mean()] * 2, rel=1e-5)


def test_steps_per_epoch_limits_the_batches_of_each_epoch(data):
    x, y = data
    model = frozen_classifier()
    ce = cross_entropy(model, x, y)
    recorder = Recorder()
    history = kfit.fit(model, x, y, batch_size=10, steps_per_epoch=2, epochs=3,
                       shuffle=False, verbose=0, callbacks=[recorder])
    assert recorder.train_batches == [2, 2, 2]
    assert history.params["steps"] == 2
    assert history.epochs == [1, 2, 3]
    assert history.metrics["loss"][0] == pytest.approx(ce[:20].mean(), rel=1e-5)


def test_validation_batch_size_sets_the_validation_batches(data):
    x, y = data
    model = frozen_classifier()
    ce = cross_entropy(model, x, y)
    recorder = Recorder()
    history = kfit.fit(model, x, y, validation_split=0.2, validation_batch_size=8,
                       epochs=2, verbose=0, callbacks=[recorder])
    assert recorder.test_batches == [5, 5]  # 40 rows / 8
    assert history.metrics["val_loss"] == pytest.approx([ce[160:].mean()] * 2,
                                                        rel=1e-5)


def test_validation_batch_size_defaults_to_batch_size(data):
    x, y = data
    recorder = Recorder()
    kfit.fit(frozen_classifier(), x, y, validation_split=0.2, batch_size=10,
             verbose=0, callbacks=[recorder])
    assert recorder.train_batches == [16]
    assert recorder.test_batches == [4]


def test_validation_steps_limits_the_validation_batches(data):
    x, y = data
    model = frozen_classifier()
    ce = cross_entropy(model, x, y)
    recorder = Recorder()
    history = kfit.fit(model, x, y, validation_split=0.2, validation_batch_size=8,
                       validation_steps=2, epochs=2, verbose=0, callbacks=[recorder])
    assert recorder.test_batches == [2, 2]
    # The first two validation batches: rows 160..175, in order.
    assert history.metrics["val_loss"][0] == pytest.approx(ce[160:176].mean(),
                                                           rel=1e-5)


# ---- 9. Keras callbacks pass through ------------------------------------------


def test_early_stopping_ends_the_run_on_real_epoch_numbers(data):
    x, y = data
    model = frozen_classifier()
    ce = cross_entropy(model, x, y)
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=0)
    history = kfit.fit(model, x, y, initial_epoch=6, epochs=10, shuffle=False,
                       verbose=0, callbacks=[stop])
    assert history.epochs == [6, 7]
    assert history.params["epochs"] == 10
    assert stop.stopped_epoch == 6  # Keras' 0-based index of epoch 7
    assert history.metrics["loss"] == pytest.approx([ce.mean()] * 2, rel=1e-5)
    assert str(history) == HEADER + f"loss: {format_r_number(ce.mean())}"
    assert history.as_data_frame() == {
        "epoch": [6, 7], "value": history.metrics["loss"],
        "metric": ["loss", "loss"], "data": ["training", "training"]}


# ---- 10. verbose ----------------------------------------------------------------


def test_verbose_0_prints_nothing(data, capfd):
    x, y = data
    model = frozen_classifier()
    kfit.fit(model, x, y, verbose=0)  # anything a first run prints aside
    capfd.readouterr()
    history = kfit.fit(model, x, y, epochs=2, validation_split=0.2, verbose=0)
    captured = capfd.readouterr()
    assert captured.out == ""
    assert captured.err == ""
    assert history.params["verbose"] == 0


def test_verbose_1_shows_a_progress_bar(data, capfd):
    x, y = data
    history = kfit.fit(frozen_classifier(), x, y, epochs=2, verbose=1)
    out = capfd.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert out.index("Epoch 1/2") < out.index("Epoch 2/2")
    assert "7/7" in out and "━" in out
    assert " - loss: " in out
    assert history.params["verbose"] == 1


def test_verbose_2_prints_one_line_per_epoch(data, capfd):
    x, y = data
    history = kfit.fit(frozen_classifier(), x, y, epochs=2, verbose=2)
    lines = [line for line in capfd.readouterr().out.splitlines() if line.strip()]
    assert len(lines) == 4
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    for line, loss in zip(lines[1::2], history.metrics["loss"], strict=True):
        assert line.startswith("7/7 - ")
        assert line.endswith(f" - loss: {loss:.4f}")
    assert history.params["verbose"] == 2


def test_verbose_auto_is_1(data, capfd, no_rstudio):
    x, y = data
    history = kfit.fit(frozen_classifier(), x, y, epochs=2)
    assert history.params["verbose"] == 1
    assert "━" in capfd.readouterr().out


def test_verbose_auto_is_2_on_a_distributed_worker(data, capfd, no_rstudio):
    no_rstudio.setenv("TF_CONFIG", '{"task": {"type": "worker", "index": 0}}')
    x, y = data
    history = kfit.fit(frozen_classifier(), x, y, epochs=2, verbose="auto")
    assert history.params["verbose"] == 2
    out = capfd.readouterr().out
    assert "Epoch 2/2" in out and " - loss: " in out and "━" not in out


@pytest.mark.parametrize("verbose", [3, -1, 1.5, "yes", None])
def test_bad_verbose_is_an_error_naming_it(data, verbose):
    x, y = data
    model = frozen_classifier()
    before = snapshot(model)
    with pytest.raises(KfitValueError) as info:
        kfit.fit(model, x, y, verbose=verbose)
    assert info.value.argument == "verbose"
    assert f"Received: verbose={verbose!r}" in str(info.value)
    assert_nothing_trained(model, before)


# ---- 11. view_metrics ------------------------------------------------------------


@pytest.fixture
def no_browser(monkeypatch):
    """Whatever a view would open stays closed in tests."""
    monkeypatch.setattr(webbrowser, "open", lambda *a, **k: True)
    return monkeypatch


def test_view_metrics_auto_is_false_outside_rstudio(data, no_rstudio, no_browser):
    x, y = data
    history = kfit.fit(frozen_classifier(), x, y, epochs=2, verbose=1)
    assert history.params["view_metrics"] is False


def test_view_metrics_auto_is_false_in_rstudio_without_an_r_viewer(
        data, no_rstudio, no_browser):
    no_rstudio.setenv("RSTUDIO", "1")
    x, y = data
    history = kfit.fit(frozen_classifier(), x, y, epochs=2, verbose=1)
    assert history.params["view_metrics"] is False


@pytest.mark.parametrize("view", [True, False])
def test_view_metrics_true_false_are_kept(data, no_browser, view):
    x, y = data
    history = kfit.fit(frozen_classifier(), x, y, verbose=0, view_metrics=view)
    assert history.params["view_metrics"] is view


@pytest.mark.parametrize(("view", "error"), [("yes", KfitValueError),
                                             (2, KfitTypeError)])
def test_bad_view_metrics_is_an_error_naming_it(data, view, error):
    x, y = data
    model = frozen_classifier()
    before = snapshot(model)
    with pytest.raises(error) as info:
        kfit.fit(model, x, y, view_metrics=view)
    assert info.value.argument == "view_metrics"
    assert_nothing_trained(model, before)


# ---- 12. the history of a real run ------------------------------------------


def test_history_of_a_real_run_prints_and_reshapes(data):
    x, y = data
    model = frozen_classifier(metrics=("accuracy",))
    history = kfit.fit(model, x, y, epochs=3, validation_split=0.2,
                       validation_freq=2, verbose=0)
    assert isinstance(history, TrainingHistory)
    names = list(history.metrics)
    assert sorted(names) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    frame = history.as_data_frame()
    # metric-major, in the order Keras logged the metrics
    assert frame["metric"] == [n.removeprefix("val_") for n in names for _ in range(3)]
    assert frame["data"] == ["validation" if n.startswith("val_") else "training"
                             for n in names for _ in range(3)]
    assert frame["epoch"] == [1, 2, 3] * 4
    assert frame["value"] == [v for n in names for v in history.metrics[n]]
    # val_* ran at epoch 2 only: print shows that value, not NA.
    last = history.last_values()
    assert last["val_loss"] == history.metrics["val_loss"][1]
    width = max(map(len, names))
    assert str(history) == HEADER + "\n".join(
        f"{n:>{width}}: {format_r_number(last[n])}" for n in names)
    assert history.metrics["val_loss"][2] is None


# ---- 13. bad input: classed errors, nothing trained -------------------------


BAD_INPUTS = {
    # case: (fit arguments, error class, argument, has Received, has Hint)
    "x and y lengths": (lambda x, y: {"x": x, "y": y[:150]}, KfitValueError, "y",
                        True, True),
    "y missing": (lambda x, y: {"x": x}, KfitValueError, "y", False, True),
    "unknown keyword": (lambda x, y: {"x": x, "y": y, "epoch": 3}, KfitTypeError,
                        "epoch", True, True),
    "batch_size 0": (lambda x, y: {"x": x, "y": y, "batch_size": 0},
                     KfitValueError, "batch_size", True, True),
    "batch_size -1": (lambda x, y: {"x": x, "y": y, "batch_size": -1},
                      KfitValueError, "batch_size", True, True),
    "class_weight key": (lambda x, y: {"x": x, "y": y, "class_weight": {"a": 1}},
                         KfitValueError, "class_weight", True, True),
    "validation_split": (lambda x, y: {"x": x, "y": y, "validation_split": 1.5},
                         KfitValueError, "validation_split", True, True),
    "validation_data": (lambda x, y: {"x": x, "y": y, "validation_data": (x,)},
                        KfitValueError, "validation_data", True, True),
    "initial_epoch": (lambda x, y: {"x": x, "y": y, "epochs": 5,
                                    "initial_epoch": 6},
                      KfitValueError, "initial_epoch", True, True),
    "sample_weight length": (lambda x, y: {"x": x, "y": y,
                                           "sample_weight": np.ones(150)},
                             KfitValueError, "sample_weight", True, True),
    "sample_weight rank": (lambda x, y: {"x": x, "y": y,
                                         "sample_weight": np.ones((200, 2, 2))},
                           KfitValueError, "sample_weight", True, False),
    "steps_per_epoch 0": (lambda x, y: {"x": x, "y": y, "steps_per_epoch": 0},
                          KfitValueError, "steps_per_epoch", True, True),
    "x of no kind": (lambda x, y: {"x": "abc", "y": y}, KfitTypeError, "x",
                     True, True),
    "callbacks": (lambda x, y: {"x": x, "y": y, "callbacks": ["not one"]},
                  KfitTypeError, "callbacks", True, True),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_a_classed_error_and_nothing_is_trained(data, case):
    make_arguments, error, argument, received, hint = BAD_INPUTS[case]
    x, y = data
    model = frozen_classifier()
    before = snapshot(model)
    with pytest.raises(error) as info:
        kfit.fit(model, verbose=0, **make_arguments(x, y))
    assert isinstance(info.value, KfitArgumentError)
    assert isinstance(info.value, (ValueError, TypeError))
    assert info.value.argument == argument
    message = str(info.value)
    assert message.startswith((f"Argument `{argument}` ", f"Argument `{argument}["))
    assert ("\nReceived: " in message) is received
    assert ("\nHint: " in message) is hint
    assert_nothing_trained(model, before)


def two_input_model() -> keras.Model:
    keras.utils.set_random_seed(1)
    a, b = keras.Input((2,), name="a"), keras.Input((2,), name="b")
    out = keras.layers.Dense(3, activation="softmax")(
        keras.layers.Concatenate()([a, b]))
    model = keras.Model({"a": a, "b": b}, out)
    model.compile(optimizer=keras.optimizers.SGD(0.0),
                  loss="sparse_categorical_crossentropy")
    return model


def test_nested_python_lists_inside_a_dict_of_inputs_are_arrays_too(data):
    # A 2-D Python list is taken as an array at the top level (x = [[...], ...]);
    # the same list as one of several named inputs must be too, and not be
    # split into 200 inputs of 2 rows ("`x` has 200 rows but `x` has 2").
    x, y = data
    model = two_input_model()
    as_arrays = kfit.fit(model, {"a": x[:, :2], "b": x[:, 2:]}, y, verbose=0,
                         shuffle=False)
    as_lists = kfit.fit(model, {"a": x[:, :2].tolist(), "b": x[:, 2:]}, y,
                        verbose=0, shuffle=False)
    assert as_lists.params["samples"] == N
    assert as_lists.metrics["loss"] == pytest.approx(as_arrays.metrics["loss"],
                                                     rel=1e-5)


def test_unknown_keyword_suggests_the_right_one(data):
    x, y = data
    with pytest.raises(KfitTypeError) as info:
        kfit.fit(frozen_classifier(), x, y, epoch=3)
    assert "is not an argument of `fit()`" in str(info.value)
    assert "`epochs`?" in str(info.value)


def test_uncompiled_model_is_an_error_and_stays_untrained(data):
    x, y = data
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    before = snapshot(model)
    with pytest.raises(KfitValueError) as info:
        kfit.fit(model, x, y, verbose=0)
    assert info.value.argument == "model"
    assert "must be compiled" in str(info.value)
    assert "Received: " in str(info.value) and "Hint: " in str(info.value)
    assert_nothing_trained(model, before)


def test_not_a_model_is_a_type_error(data):
    x, y = data
    with pytest.raises(KfitTypeError) as info:
        kfit.fit("model", x, y, verbose=0)
    assert info.value.argument == "model"


# ---- 14. a callback failing mid-run -------------------------------------------


class CallbackFailed(Exception):
    pass


class FailInEpoch3(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 2:  # Keras' index of epoch 3
            raise CallbackFailed("failed at the end of epoch 3")


def test_a_failing_callback_propagates_with_the_history_so_far(data):
    x, y = data
    model = frozen_classifier()
    stdout, stderr = sys.stdout, sys.stderr
    with pytest.raises(KfitCallbackError, match="epoch 3") as info:
        kfit.fit(model, x, y, epochs=5, verbose=0, callbacks=[FailInEpoch3()])
    assert isinstance(info.value.__cause__, CallbackFailed)
    assert str(info.value) == ("Callback `FailInEpoch3.on_epoch_end()` failed at epoch "
                               "3: CallbackFailed: failed at the end of epoch 3")
    assert (info.value.epoch, info.value.step, info.value.hook) == (3, None,
                                                                    "on_epoch_end")
    history = info.value.history
    assert isinstance(history, TrainingHistory)
    assert history.epochs == [1, 2]
    assert len(history.metrics["loss"]) == 2
    assert history.params["epochs"] == 5
    assert [t.name for t in threading.enumerate() if t.name == "kfit-train"] == []
    assert sys.stdout is stdout and sys.stderr is stderr
    # The model can train again afterwards.
    again = kfit.fit(model, x, y, epochs=1, verbose=0)
    assert again.epochs == [1]
