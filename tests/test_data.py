"""Python data sources for fit()/fit_generator(): arrays, generators, iterators,
keras.utils.PyDataset and tf.data, for training and validation.

The R generator counterparts live in test_data_r_generator.py.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

from kfit.errors import (
    KfitDataError,
    KfitDeprecationWarning,
    KfitTrainingError,
    KfitValueError,
)

from support import (
    assert_same_weights,
    cycle,
    fit,
    fit_generator,
    make_batches,
    make_py_dataset,
    once,
    weights_of,
)

pytestmark = pytest.mark.trains  # see conftest.py

# -- helpers -------------------------------------------------------------------


# -- every kind of source trains, with the right number of steps ------------------


def _source(kind: str, keras, batches):
    x = np.concatenate([b[0] for b in batches])
    y = np.concatenate([b[1] for b in batches])
    n = len(batches)
    if kind == "numpy":
        return dict(x=x, y=y, batch_size=16), n
    if kind == "python generator":
        return dict(x=cycle(batches), steps_per_epoch=n), n
    if kind == "python iterator":
        return dict(x=itertools.cycle(batches), steps_per_epoch=n), n
    if kind == "PyDataset":
        return dict(x=make_py_dataset(keras, batches)), n
    if kind == "tf.data":
        import tensorflow as tf

        return dict(x=tf.data.Dataset.from_tensor_slices((x, y)).batch(16)), n
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["numpy", "python generator", "python iterator",
                                  "PyDataset", "tf.data"])
def test_each_source_trains_with_the_right_steps(kind, keras, make_model, counter):
    batches = make_batches(5, 16, last=9)
    arguments, steps = _source(kind, keras, batches)
    callback = counter()
    model = make_model()
    history = fit(model, epochs=2, verbose=0, callbacks=[callback], **arguments)
    assert history.epochs == [1, 2]
    assert callback.per_epoch == [steps, steps]
    assert len(history.metrics["loss"]) == 2
    assert all(np.isfinite(history.metrics["loss"]))
    assert int(model.optimizer.iterations.numpy()) == 2 * steps


@pytest.mark.parametrize("kind", ["numpy", "PyDataset", "tf.data"])
def test_params_steps_known_for_sized_sources(kind, keras, make_model):
    """A source whose length is known reports it in history.params["steps"]."""
    batches = make_batches(5, 16, last=9)
    arguments, steps = _source(kind, keras, batches)
    history = fit(make_model(), epochs=1, verbose=0, **arguments)
    assert history.params["steps"] == steps


def test_batches_may_differ_in_size(make_model, counter):
    rng = np.random.default_rng(1)
    sizes = [16, 3, 30, 1, 7]
    batches = [(rng.normal(size=(n, 4)).astype("float32"),
                rng.integers(0, 3, n).astype("int32")) for n in sizes]
    callback = counter()
    history = fit(make_model(), once(batches), epochs=1, verbose=0,
                       callbacks=[callback])
    assert callback.per_epoch == [5]
    assert history.epochs == [1]


def test_batches_with_sample_weights(keras):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    rng = np.random.default_rng(2)
    x = rng.normal(size=(16, 4)).astype("float32")
    y = rng.normal(size=(16, 1)).astype("float32")
    w = rng.uniform(size=16).astype("float32")
    history = fit(model, once([(x, y, w)] * 3), epochs=1, verbose=0)
    assert history.epochs == [1]
    assert np.isfinite(history.metrics["loss"][0])


def test_batches_of_one_item_inputs_only(keras):
    """(inputs,) batches: a model whose loss comes from add_loss trains on them."""

    class Penalty(keras.layers.Layer):
        def call(self, x):
            self.add_loss(keras.ops.mean(keras.ops.square(x)))
            return x

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2), Penalty()])
    model.compile(optimizer="sgd")
    x = np.random.default_rng(3).normal(size=(16, 4)).astype("float32")
    for batch in ((x,), [x]):
        history = fit(model, once([batch] * 3), epochs=1, verbose=0)
        assert history.epochs == [1]
        assert np.isfinite(history.metrics["loss"][0])


def test_multi_input_batches_list_and_dict(keras):
    keras.utils.set_random_seed(0)
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    out = keras.layers.Dense(1)(keras.layers.Concatenate()([a, b]))
    model = keras.Model({"a": a, "b": b}, out)
    model.compile(optimizer="sgd", loss="mse")
    rng = np.random.default_rng(0)
    xa = rng.normal(size=(8, 3)).astype("float32")
    xb = rng.normal(size=(8, 2)).astype("float32")
    y = rng.normal(size=(8, 1)).astype("float32")
    history = fit(model, once([({"a": xa, "b": xb}, y)] * 2), epochs=1,
                       verbose=0)
    assert history.epochs == [1]
    with pytest.raises(KfitDataError, match="different lengths"):
        fit(model, once([({"a": xa, "b": xb[:7]}, y)]), epochs=1, verbose=0)


def test_multi_input_batches_as_a_list(keras):
    """Unnamed multi-inputs: a list of arrays (what an unnamed R list becomes)."""
    keras.utils.set_random_seed(0)
    a = keras.Input((3,))
    b = keras.Input((2,))
    out = keras.layers.Dense(1)(keras.layers.Concatenate()([a, b]))
    model = keras.Model([a, b], out)
    model.compile(optimizer="sgd", loss="mse")
    rng = np.random.default_rng(0)
    xa = rng.normal(size=(8, 3)).astype("float32")
    xb = rng.normal(size=(8, 2)).astype("float32")
    y = rng.normal(size=(8, 1)).astype("float32")
    history = fit(model, once([([xa, xb], y)] * 2), epochs=1, verbose=0)
    assert history.epochs == [1]
    assert np.isfinite(history.metrics["loss"][0])


# -- validation_data from every kind of source ------------------------------------


def _validation(kind: str, keras, batches):
    x = np.concatenate([b[0] for b in batches])
    y = np.concatenate([b[1] for b in batches])
    n = len(batches)
    if kind == "arrays":
        return dict(validation_data=(x, y))
    if kind == "python generator":
        return dict(validation_data=cycle(batches), validation_steps=n)
    if kind == "python iterator":
        return dict(validation_data=itertools.cycle(batches), validation_steps=n)
    if kind == "PyDataset":
        return dict(validation_data=make_py_dataset(keras, batches))
    if kind == "tf.data":
        import tensorflow as tf

        dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
        return dict(validation_data=dataset)
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["arrays", "python generator", "python iterator",
                                  "PyDataset", "tf.data"])
def test_validation_sources_match_evaluate(kind, keras, make_model):
    train = make_batches(3, 16, seed=1)
    val = make_batches(3, 16, seed=2)
    model = make_model()
    history = fit(model, cycle(train), steps_per_epoch=3, epochs=2, verbose=0,
                       **_validation(kind, keras, val))
    assert history.epochs == [1, 2]
    val_loss = history.metrics["val_loss"]
    assert len(val_loss) == 2 and all(v is not None for v in val_loss)
    x = np.concatenate([b[0] for b in val])
    y = np.concatenate([b[1] for b in val])
    expected = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    assert val_loss[-1] == pytest.approx(expected["loss"], rel=1e-5)
    assert history.metrics["val_accuracy"][-1] == pytest.approx(
        expected["accuracy"], rel=1e-5)


# -- the first batch is checked before any training step --------------------------


def _bad_first_batches():
    (x, y), = make_batches(1, 16)
    w = np.ones(16, dtype="float32")
    return {
        "four items": ((x, y, w, w), "tuple of 4 items"),
        "a string": ("not a batch", "a str"),
        "a bare array": (x, "returned <ndarray shape=(16, 4) dtype=float32>"),
        "mismatched lengths": ((x, y[:15]), "different lengths"),
        "inputs missing": ((None, y), "inputs are missing"),
        "empty tuple": ((), "returned an empty tuple"),
        "characters": ((np.array([["a"] * 4] * 16), y), "must be numeric"),
    }


@pytest.mark.parametrize("case", list(_bad_first_batches()))
def test_bad_first_batch_fails_before_training(case, make_model, counter):
    bad, expected = _bad_first_batches()[case]
    good = make_batches(3, 16)
    model = make_model()
    before = weights_of(model)
    callback = counter()
    with pytest.raises(KfitDataError) as info:
        fit(model, once([bad, *good]), epochs=1, verbose=0, callbacks=[callback])
    assert not isinstance(info.value, KfitTrainingError)
    message = str(info.value)
    assert "The generator `x`" in message
    assert expected in message
    assert "epoch 1, step 1" in message
    assert callback.total == 0 and callback.epochs == []
    assert int(model.optimizer.iterations.numpy()) == 0
    assert_same_weights(weights_of(model), before)


def test_bad_first_batch_of_validation_generator(make_model):
    model = make_model()
    before = weights_of(model)
    with pytest.raises(KfitDataError) as info:
        fit(model, cycle(make_batches(2)), steps_per_epoch=2, verbose=0,
                 validation_data=cycle([("bad",)]), validation_steps=1)
    assert "`validation_data`" in str(info.value)
    assert_same_weights(weights_of(model), before)


# -- a bad later batch names its epoch and step -----------------------------------


def _bad_later_batches():
    (x, y), = make_batches(1, 16)
    return {
        "mismatched lengths": ((x, y[:10]), "different lengths"),
        "other feature count": ((x[:, :3], y), "unlike the first batch"),
        "a string": ("oops", "a str"),
        "five items": ((x, y, y, y, y), "tuple of 5 items"),
    }


@pytest.mark.parametrize("case", list(_bad_later_batches()))
def test_bad_later_batch_names_epoch_and_step(case, make_model, counter):
    bad, expected = _bad_later_batches()[case]
    good = make_batches(7, 16)
    callback = counter()
    with pytest.raises(KfitTrainingError) as info:
        fit(make_model(), once([*good, bad, *good]), steps_per_epoch=3,
            epochs=5, verbose=0, callbacks=[callback])
    error = info.value
    assert "epoch 3, step 2" in str(error)  # batch 8 with 3 steps per epoch
    assert expected in str(error)
    assert (error.epoch, error.step) == (3, 2)
    assert error.history.epochs == [1, 2]
    assert len(error.history.metrics["loss"]) == 2
    assert isinstance(error.__cause__, KfitDataError)
    assert callback.total == 7  # every batch before the bad one was trained


# -- finite generators --------------------------------------------------------------


# -- arguments that make no sense with a generator ----------------------------------


@pytest.mark.parametrize("argument, value", [
    ("batch_size", 8), ("validation_split", 0.2), ("sample_weight", np.ones(16)),
    ("y", np.zeros(16))])
def test_array_only_arguments_rejected_with_generator(argument, value, make_model):
    model = make_model()
    before = weights_of(model)
    with pytest.raises(KfitValueError) as info:
        fit(model, cycle(make_batches(2)), steps_per_epoch=2, verbose=0,
                 **{argument: value})
    assert info.value.argument == argument
    assert f"`{argument}`" in str(info.value)
    assert "Python generator" in str(info.value)
    assert_same_weights(weights_of(model), before)


# -- fit_generator -------------------------------------------------------------------


def test_fit_generator_requires_steps_per_epoch(make_model):
    with pytest.warns(KfitDeprecationWarning), \
            pytest.raises(KfitValueError) as info:
        fit_generator(make_model(), cycle(make_batches(2)))
    assert info.value.argument == "steps_per_epoch"


def test_fit_generator_warns_once_and_uses_legacy_initial_epoch(make_model, counter):
    callback = counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = fit_generator(make_model(), cycle(make_batches(2)),
                                     steps_per_epoch=2, epochs=10, initial_epoch=5,
                                     verbose=0, callbacks=[callback])
    deprecations = [w for w in caught if issubclass(w.category, KfitDeprecationWarning)]
    assert len(deprecations) == 1
    assert "fit()" in str(deprecations[0].message)
    assert history.epochs == [6, 7, 8, 9, 10]
    assert history.params["initial_epoch"] == 6
    assert history.params["epochs"] == 10
    assert callback.epochs == [5, 6, 7, 8, 9]  # Keras' 0-based indices
    assert callback.per_epoch == [2] * 5


def test_fit_generator_initial_epoch_zero_trains_from_one(make_model):
    with pytest.warns(KfitDeprecationWarning):
        history = fit_generator(make_model(), cycle(make_batches(2)),
                                     steps_per_epoch=2, epochs=2, verbose=0)
    assert history.epochs == [1, 2]


def test_fit_generator_with_validation_generator(make_model):
    with pytest.warns(KfitDeprecationWarning):
        history = fit_generator(
            make_model(), cycle(make_batches(2)), steps_per_epoch=2, epochs=2,
            verbose=0, validation_data=cycle(make_batches(2, seed=5)),
            validation_steps=2)
    assert len(history.metrics["val_loss"]) == 2


# -- class_weight with generators ---------------------------------------------------

CLASS_WEIGHT = {0: 1.0, 1: 3.0, 2: 0.5}


def _weighted(batches, class_weight, extra=None):
    out = []
    for i, (x, y) in enumerate(batches):
        w = np.array([class_weight.get(int(c), 1.0) for c in y], dtype="float32")
        if extra is not None:
            w = w * extra[i]
        out.append((x, y, w))
    return out


def _epoch_loss(model, source, **kwargs):
    history = fit(model, source, epochs=1, verbose=0, **kwargs)
    return history.metrics["loss"][0]


@pytest.mark.parametrize("class_weight", [
    CLASS_WEIGHT, {"0": 1.0, "1": 3.0, "2": 0.5}, [1.0, 3.0, 0.5],
    {1: 3.0, 2: 0.5}])
def test_class_weight_with_generator_equals_sample_weights(class_weight, frozen_model):
    batches = make_batches(4, 16, last=11, seed=3)
    weighted = _epoch_loss(frozen_model(), once(batches), class_weight=class_weight)
    by_hand = _epoch_loss(frozen_model(), once(_weighted(batches, CLASS_WEIGHT)))
    plain = _epoch_loss(frozen_model(), once(batches))
    assert weighted == pytest.approx(by_hand, rel=1e-6)
    assert abs(weighted - plain) > 1e-3


def test_class_weight_multiplies_batch_sample_weights(frozen_model):
    batches = make_batches(3, 16, seed=4)
    rng = np.random.default_rng(9)
    extra = [rng.uniform(0.1, 2.0, size=16).astype("float32") for _ in batches]
    with_sw = [(x, y, e) for (x, y), e in zip(batches, extra, strict=True)]
    weighted = _epoch_loss(frozen_model(), once(with_sw), class_weight=CLASS_WEIGHT)
    by_hand = _epoch_loss(frozen_model(), once(_weighted(batches, CLASS_WEIGHT, extra)))
    assert weighted == pytest.approx(by_hand, rel=1e-6)


def test_class_weight_with_one_hot_targets(keras, frozen_model):
    batches = make_batches(3, 16, seed=6)
    one_hot = [(x, np.eye(3, dtype="float32")[y]) for x, y in batches]

    def model():
        m = frozen_model()
        m.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0),
                  loss="categorical_crossentropy")
        return m

    weighted = _epoch_loss(model(), once(one_hot), class_weight=CLASS_WEIGHT)
    by_hand = _epoch_loss(model(), once(
        [(x, oh, w) for (x, oh), (_, _, w) in zip(
            one_hot, _weighted(batches, CLASS_WEIGHT), strict=True)]))
    assert weighted == pytest.approx(by_hand, rel=1e-6)


def test_class_weight_with_pydataset_and_tf_data(keras, frozen_model):
    import tensorflow as tf

    batches = make_batches(3, 16, seed=7)
    by_hand = _epoch_loss(frozen_model(), once(_weighted(batches, CLASS_WEIGHT)))
    from_pyds = _epoch_loss(frozen_model(), make_py_dataset(keras, batches),
                            class_weight=CLASS_WEIGHT, shuffle=False)
    x = np.concatenate([b[0] for b in batches])
    y = np.concatenate([b[1] for b in batches])
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    from_tf = _epoch_loss(frozen_model(), dataset,
                          class_weight={"0": 1, "1": 3, "2": 0.5})
    assert from_pyds == pytest.approx(by_hand, rel=1e-6)
    assert from_tf == pytest.approx(by_hand, rel=1e-5)


@pytest.mark.parametrize("class_weight, match", [
    ({"a": 1.0}, "key 'a'"), ({-1: 2.0}, "key -1"), ({0: -1.0}, "finite number"),
    ("heavy", "must map"), ({0: 1.0, "0": 2.0}, "twice")])
def test_class_weight_bad_keys_fail_before_training(class_weight, match, make_model):
    model = make_model()
    before = weights_of(model)
    with pytest.raises(KfitValueError if match != "must map" else Exception,
                       match=match) as info:
        fit(model, cycle(make_batches(2)), steps_per_epoch=2, verbose=0,
                 class_weight=class_weight)
    assert getattr(info.value, "argument", None) == "class_weight"
    assert_same_weights(weights_of(model), before)


def test_class_weight_needs_targets_in_the_batches(make_model):
    x, _ = make_batches(1, 16)[0]
    with pytest.raises(KfitDataError, match="class_weight"):
        fit(make_model(), once([(x,)] * 2), epochs=1, verbose=0,
                 class_weight=CLASS_WEIGHT)


# -- faults ----------------------------------------------------------------------------


def test_fit_is_usable_after_a_fault(make_model):
    with pytest.raises(KfitTrainingError):
        fit(make_model(), once([make_batches(1)[0], "bad"]), steps_per_epoch=2,
                 verbose=0)
    history = fit(make_model(), cycle(make_batches(2)), steps_per_epoch=2,
                       epochs=2, verbose=0)
    assert history.epochs == [1, 2]
