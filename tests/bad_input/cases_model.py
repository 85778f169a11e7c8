"""Bad input, groups "model-inputs", "multi-input", "labels", "class_weight":
data checked against the model before training.

Inputs of the wrong shape or number (arrays, generator and dataset batches,
tf.data element specs), inputs of a two-input model that are too few, too
many, misnamed or in another order, class labels the model cannot output
(out of range, 1-based, fractions, one-hot for a sparse loss; each
generator batch too), and `class_weight` keys or lengths the model cannot
use. Valid but unusual inputs (a dict in any order, a list of one array,
labels as a column, an unbuilt model, weights by class) check the result.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

import kfit
from kfit.data.producer import SourceError
from kfit.errors import (
    KfitLabelError,
    KfitShapeError,
    KfitTrainingError,
    KfitTypeError,
    KfitValueError,
)

from . import Case, Data, make_model
from support import weights_of

INPUTS, MULTI, LABELS, WEIGHTS = "model-inputs", "multi-input", "labels", "class_weight"


def fit(model: Any, x: Any, y: Any = None, **kwargs: Any) -> Any:
    return kfit.fit(model, x, y, verbose=0, view_metrics=False, **kwargs)


def fit_generator(model: Any, generator: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated, on purpose
        return kfit.fit_generator(model, generator, verbose=0, view_metrics=False,
                                  **kwargs)


def batches(x: Any, y: Any, n: int = 4, size: int = 16) -> Any:
    """A Python generator of `n` batches of `size` rows of (x, y)."""
    def rows(value: Any, i: int) -> Any:
        if isinstance(value, dict):
            return {k: v[i * size:(i + 1) * size] for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(v[i * size:(i + 1) * size] for v in value)
        return value[i * size:(i + 1) * size]

    return iter([(rows(x, i), rows(y, i)) for i in range(n)])


def py_dataset(x: Any, y: Any) -> Any:
    import keras

    class Batches(keras.utils.PyDataset):
        def __len__(self) -> int:
            return 4

        def __getitem__(self, i: int) -> Any:
            return x[i * 16:(i + 1) * 16], y[i * 16:(i + 1) * 16]

    return Batches()


def tf_data(x: Any, y: Any) -> Any:
    import tensorflow as tf

    return tf.data.Dataset.from_tensor_slices((x, y)).batch(16)


def recompiled(loss: Any) -> Any:
    """Compile the case's model again with `loss` (its weights stay)."""
    def use(model: Any) -> Any:
        model.compile(optimizer="sgd", loss=loss)
        return model
    return use


def binary_model() -> Any:
    import keras

    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((10,), name="features"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    return model


def put(array: np.ndarray, index: Any, value: Any) -> np.ndarray:
    out = np.array(array)
    out[index] = value
    return out


# -- checks of valid cases ------------------------------------------------------
def trained(kind: str = "classifier", samples: int | None = 64):
    """One epoch trained (on `samples` rows) and the weights changed."""
    def check(history: Any, model: Any) -> None:
        assert history.epochs == [1]
        assert np.isfinite(history.metrics["loss"][0])
        if samples is not None:
            assert history.params["samples"] == samples
        fresh = weights_of(make_model(kind))
        assert any(not np.array_equal(a, b)
                   for a, b in zip(fresh, weights_of(model), strict=True))
    return check


def _ran(history: Any) -> None:
    """One epoch ran on all 64 rows (for models the case made itself)."""
    assert history.epochs == [1]
    assert history.params["samples"] == 64
    assert np.isfinite(history.metrics["loss"][0])


def weighted_more(history: Any, model: Any) -> None:
    """class_weight changed the loss: trained, and not the unweighted loss."""
    trained()(history, model)
    plain = fit(make_model("classifier"), *_xy())
    assert history.metrics["loss"][0] != plain.metrics["loss"][0]


def _xy() -> tuple[np.ndarray, np.ndarray]:
    from . import make_data

    d = make_data()
    return d.x, d.y


def bad(id: str, group: str, call: Any, error: type, argument: str | None,
        fragment: str, model: str = "classifier", **extra: Any) -> Case:
    return Case(id=f"model-{id}", group=group, call=call, error=error,
                argument=argument, fragment=fragment, model=model, **extra)


def ok(id: str, group: str, call: Any, check: Any, model: str = "classifier"
       ) -> Case:
    return Case(id=f"model-{id}", group=group, call=call, check=check, model=model)


def two(d: Data) -> dict[str, np.ndarray]:
    return {"a": d.xa, "b": d.xb}


SHAPE = "has 7 columns but the model's input `features` expects 10 (shape (None, 10))"

CASES: list[Case] = [
    # -- inputs against the model -------------------------------------------------
    bad("x-7-columns", INPUTS, lambda m, d: fit(m, d.x[:, :7], d.y), KfitShapeError,
        "x", "Argument `x` " + SHAPE),
    bad("x-11-columns", INPUTS,
        lambda m, d: fit(m, np.hstack([d.x, d.x[:, :1]]), d.y), KfitShapeError, "x",
        "has 11 columns but the model's input `features` expects 10"),
    bad("x-7-columns-hint", INPUTS, lambda m, d: fit(m, d.x[:, :7], d.y),
        KfitShapeError, "x", "keras.Input(shape=(7,))"),
    bad("x-vector", INPUTS, lambda m, d: fit(m, d.x[:, 0], d.y), KfitShapeError, "x",
        "is a vector (64 values) but the model's input `features` expects 10 "
        "columns per sample"),
    bad("x-3d", INPUTS, lambda m, d: fit(m, d.x.reshape(64, 5, 2), d.y),
        KfitShapeError, "x", "has shape (64, 5, 2) but the model's input `features` "
                             "expects 2 dimensions"),
    bad("x-tensor-7-columns", INPUTS,
        lambda m, d: fit(m, __import__("tensorflow").constant(d.x[:, :7]), d.y),
        KfitShapeError, "x", SHAPE),
    bad("x-list-of-two", INPUTS, lambda m, d: fit(m, [d.x, d.x], d.y),
        KfitShapeError, "x", "is a list of 2 arrays but the model has one input, "
                             "`features`"),
    bad("x-dict-unknown-name", INPUTS, lambda m, d: fit(m, {"feat": d.x}, d.y),
        KfitShapeError, "x", "Argument `x['feat']` names no input of the model: its "
                             "inputs are `features` (shape (None, 10))"),
    bad("x-regression-7-columns", INPUTS, lambda m, d: fit(m, d.x[:, :7], d.y_reg),
        KfitShapeError, "x", SHAPE, model="regression"),
    bad("x-split-7-columns", INPUTS,
        lambda m, d: fit(m, d.x[:, :7], d.y, validation_split=0.25),
        KfitShapeError, "x", SHAPE),
    bad("validation-7-columns", INPUTS,
        lambda m, d: fit(m, d.x, d.y, validation_data=(d.x[:16, :7], d.y[:16])),
        KfitShapeError, "validation_data", "Argument `validation_data[0]` has 7 "
                                           "columns"),
    bad("generator-7-columns", INPUTS,
        lambda m, d: fit(m, batches(d.x[:, :7], d.y)), SourceError, "x",
        "The generator `x` returned inputs with 7 columns but the model's input "
        "`features` expects 10 (shape (None, 10)) (at epoch 1, step 1)"),
    bad("py-dataset-7-columns", INPUTS,
        lambda m, d: fit(m, py_dataset(d.x[:, :7], d.y)), SourceError, "x",
        "The PyDataset `x` returned inputs with 7 columns"),
    bad("tf-data-7-columns", INPUTS, lambda m, d: fit(m, tf_data(d.x[:, :7], d.y)),
        KfitShapeError, "x", "Argument `x` is a tf.data.Dataset of inputs with 7 "
                             "columns but the model's input `features` expects 10"),
    bad("fit-generator-7-columns", INPUTS,
        lambda m, d: fit_generator(m, batches(d.x[:, :7], d.y), steps_per_epoch=2),
        SourceError, "generator", "The generator `generator` returned inputs with 7 "
                                  "columns"),
    bad("validation-generator-7-columns", INPUTS,
        lambda m, d: fit(m, d.x, d.y, validation_data=batches(d.x[:, :7], d.y),
                         validation_steps=2),
        SourceError, "validation_data", "The generator `validation_data` returned "
                                        "inputs with 7 columns"),
    bad("generator-vector", INPUTS, lambda m, d: fit(m, batches(d.x[:, 0], d.y)),
        SourceError, "x", "returned inputs that are a vector (16 values)"),
    bad("unnamed-input-7-columns", INPUTS,
        lambda m, d: fit(_unnamed_input(), d.x[:, :7], d.y), KfitShapeError, "x",
        "has 7 columns but the model's input 0 expects 10"),
    ok("x-list-of-one", INPUTS, lambda m, d: fit(m, [d.x], d.y), trained()),
    ok("x-dict-by-name", INPUTS, lambda m, d: fit(m, {"features": d.x}, d.y),
       trained()),
    ok("x-float64", INPUTS, lambda m, d: fit(m, d.x.astype("float64"), d.y),
       trained()),
    ok("unbuilt-model", INPUTS, lambda m, d: _unbuilt(d), lambda h, m: _ran(h)),
    # -- models of several inputs -------------------------------------------------
    bad("two-one-matrix", MULTI, lambda m, d: fit(m, d.x, d.y_reg), KfitShapeError,
        "x", "Argument `x` is one array but the model has 2 inputs: `a` (shape "
             "(None, 3)) and `b` (shape (None, 5))", model="two_inputs"),
    bad("two-list-of-three", MULTI, lambda m, d: fit(m, [d.xa, d.xb, d.xa], d.y_reg),
        KfitShapeError, "x", "is a list of 3 arrays but the model has 2 inputs",
        model="two_inputs"),
    bad("two-list-of-one", MULTI, lambda m, d: fit(m, [d.xa], d.y_reg),
        KfitShapeError, "x", "is a list of 1 array but the model has 2 inputs",
        model="two_inputs"),
    bad("two-other-order", MULTI, lambda m, d: fit(m, [d.xb, d.xa], d.y_reg),
        KfitShapeError, "x", "in another order: element 0 fits input `b`, element 1 "
                             "fits input `a`", model="two_inputs"),
    bad("two-other-order-hint", MULTI, lambda m, d: fit(m, (d.xb, d.xa), d.y_reg),
        KfitShapeError, "x", '{"a": ..., "b": ...}', model="two_inputs"),
    bad("two-unknown-name", MULTI,
        lambda m, d: fit(m, {"a": d.xa, "c": d.xb}, d.y_reg), KfitShapeError, "x",
        "Argument `x['c']` names no input of the model: its inputs are `a`",
        model="two_inputs"),
    bad("two-extra-name", MULTI,
        lambda m, d: fit(m, {**two(d), "c": d.xb}, d.y_reg), KfitShapeError, "x",
        "`x['c']` names no input", model="two_inputs"),
    bad("two-missing-name", MULTI, lambda m, d: fit(m, {"a": d.xa}, d.y_reg),
        KfitShapeError, "x", "has no element for the model's input `b` (shape "
                             "(None, 5))", model="two_inputs"),
    bad("two-wrong-shape-by-name", MULTI,
        lambda m, d: fit(m, {"a": d.xa, "b": d.xa}, d.y_reg), KfitShapeError, "x",
        "Argument `x['b']` has 3 columns but the model's input `b` expects 5",
        model="two_inputs"),
    bad("two-wrong-shape-by-position", MULTI,
        lambda m, d: fit(m, [d.xa, d.xa], d.y_reg), KfitShapeError, "x",
        "Argument `x[1]` has 3 columns but the model's input `b` expects 5",
        model="two_inputs"),
    bad("two-validation-other-order", MULTI,
        lambda m, d: fit(m, two(d), d.y_reg,
                         validation_data=([d.xb, d.xa], d.y_reg)),
        KfitShapeError, "validation_data", "Argument `validation_data[0]` is a list "
                                           "of the model's inputs in another order",
        model="two_inputs"),
    bad("two-generator-one-array", MULTI,
        lambda m, d: fit(m, batches(d.x, d.y_reg)), SourceError, "x",
        "The generator `x` returned inputs that are one array but the model has 2 "
        "inputs", model="two_inputs"),
    bad("two-generator-unknown-name", MULTI,
        lambda m, d: fit(m, batches({"a": d.xa, "c": d.xb}, d.y_reg)), SourceError,
        "x", "returned `inputs['c']` that names no input of the model",
        model="two_inputs"),
    bad("two-tf-data-missing-name", MULTI,
        lambda m, d: fit(m, tf_data({"a": d.xa}, d.y_reg)), KfitShapeError, "x",
        "is a tf.data.Dataset of inputs with no element for the model's input `b`",
        model="two_inputs"),
    ok("two-dict-any-order", MULTI,
       lambda m, d: fit(m, {"b": d.xb, "a": d.xa}, d.y_reg), trained("two_inputs"),
       model="two_inputs"),
    ok("two-list-in-order", MULTI, lambda m, d: fit(m, [d.xa, d.xb], d.y_reg),
       trained("two_inputs"), model="two_inputs"),
    ok("two-generator-dict", MULTI, lambda m, d: fit(m, batches(two(d), d.y_reg)),
       trained("two_inputs", samples=None), model="two_inputs"),
    # -- class labels -------------------------------------------------------------
    bad("labels-one-based", LABELS, lambda m, d: fit(m, d.x, d.y + 1),
        KfitLabelError, "y", "has label 3 at index [0], but the model outputs 3 "
                             "classes (0 to 2)"),
    bad("labels-one-based-hint", LABELS, lambda m, d: fit(m, d.x, d.y + 1),
        KfitLabelError, "y", "The labels look 1-based (1 to 3)"),
    bad("labels-too-big", LABELS, lambda m, d: fit(m, d.x, put(d.y, 5, 7)),
        KfitLabelError, "y", "has label 7 at index [5], but the model outputs 3 "
                             "classes"),
    bad("labels-negative", LABELS, lambda m, d: fit(m, d.x, put(d.y, 9, -1)),
        KfitLabelError, "y", "has label -1 at index [9]"),
    bad("labels-column", LABELS,
        lambda m, d: fit(m, d.x, put(d.y, 2, 3).reshape(64, 1)), KfitLabelError,
        "y", "has label 3 at index [2]"),
    bad("labels-fractions", LABELS, lambda m, d: fit(m, d.x, d.y + 0.5),
        KfitLabelError, "y", "needs whole-number class labels, 0 to 2"),
    bad("labels-one-hot", LABELS, lambda m, d: fit(m, d.x, np.eye(3)[d.y]),
        KfitLabelError, "y", "has shape (64, 3) (one-hot targets?) but "
                             "`sparse_categorical_crossentropy` takes one class "
                             "label per sample"),
    bad("labels-nan", LABELS,
        lambda m, d: fit(m, d.x, put(d.y.astype("float32"), 3, np.nan)),
        KfitValueError, "y", "has nan at index [3]"),
    bad("labels-loss-instance", LABELS, lambda m, d: fit(recompiled(
        __import__("keras").losses.SparseCategoricalCrossentropy())(m), d.x, d.y + 1),
        KfitLabelError, "y", "has label 3"),
    bad("labels-loss-function", LABELS, lambda m, d: fit(recompiled(
        __import__("keras").losses.sparse_categorical_crossentropy)(m), d.x,
        put(d.y, 0, 3)), KfitLabelError, "y", "has label 3 at index [0]"),
    bad("labels-loss-class-name", LABELS, lambda m, d: fit(recompiled(
        "SparseCategoricalCrossentropy")(m), d.x, put(d.y, 1, 4)),
        KfitLabelError, "y", "has label 4 at index [1]"),
    bad("labels-validation", LABELS,
        lambda m, d: fit(m, d.x, d.y, validation_data=(d.x[:8], d.y[:8] + 1)),
        KfitLabelError, "validation_data", "Argument `validation_data[1]` has "
                                           "label 3"),
    bad("labels-generator-first", LABELS, lambda m, d: fit(m, batches(d.x, d.y + 1)),
        SourceError, "x", "The generator `x` returned targets with label 3 at index "
                          "[0], but the model outputs 3 classes (0 to 2) (at epoch "
                          "1, step 1)"),
    bad("labels-generator-later", LABELS, lambda m, d: fit(m, _later_bad_labels(d)),
        KfitTrainingError, None, "returned targets with label 5 at index [2], but "
                                 "the model outputs 3 classes (0 to 2) (at epoch "
                                 "1, step 2)", attributes={"epoch": 1, "step": 2}),
    bad("labels-py-dataset", LABELS, lambda m, d: fit(m, py_dataset(d.x, d.y + 1)),
        SourceError, "x", "The PyDataset `x` returned targets with label 3"),
    bad("labels-categorical-needs-one-hot", LABELS,
        lambda m, d: fit(recompiled("categorical_crossentropy")(m), d.x, d.y),
        KfitLabelError, "y", "has one class label per sample, but "
                             "`categorical_crossentropy` needs one-hot targets with "
                             "3 columns"),
    bad("targets-mse-columns", LABELS,
        lambda m, d: fit(m, d.x, np.stack([d.y_reg] * 3, axis=1)), KfitShapeError,
        "y", "has 3 columns but the model's output has 1 (shape (None, 1))",
        model="regression"),
    ok("labels-as-column", LABELS, lambda m, d: fit(m, d.x, d.y.reshape(64, 1)),
       trained()),
    ok("labels-whole-floats", LABELS,
       lambda m, d: fit(m, d.x, d.y.astype("float32")), trained()),
    ok("labels-ignore-class", LABELS, lambda m, d: fit(recompiled(
        __import__("keras").losses.SparseCategoricalCrossentropy(ignore_class=-1))(m),
        d.x, put(d.y, 0, -1)), trained()),
    ok("labels-categorical-one-hot", LABELS, lambda m, d: fit(
        recompiled("categorical_crossentropy")(m), d.x, np.eye(3)[d.y]), trained()),
    ok("targets-custom-loss", LABELS, lambda m, d: fit(
        recompiled(lambda t, p: __import__("keras").ops.mean((t - p) ** 2))(m), d.x,
        np.stack([d.y_reg] * 3, axis=1)), trained("regression"), model="regression"),
    # -- class_weight ---------------------------------------------------------
    bad("weights-one-based-strings", WEIGHTS,
        lambda m, d: fit(m, d.x, d.y, class_weight={"1": 1, "2": 5, "3": 1}),
        KfitValueError, "class_weight", "looks 1-based: its keys are 1 to 3 but the "
                                        "model's 3 classes (0 to 2) are 0-based"),
    bad("weights-one-based-ints", WEIGHTS,
        lambda m, d: fit(m, d.x, d.y, class_weight={1: 1.0, 2: 5.0, 3: 1.0}),
        KfitValueError, "class_weight", "class_weight={1: 1.0, 2: 5.0, 3: 1.0}"),
    bad("weights-beyond-classes", WEIGHTS,
        lambda m, d: fit(m, d.x, d.y, class_weight={0: 1, 5: 2}), KfitValueError,
        "class_weight", "has a weight for class 5, but the model outputs 3 classes "
                        "(0 to 2)"),
    bad("weights-key-three", WEIGHTS,
        lambda m, d: fit(m, d.x, d.y, class_weight={0: 1, 3: 2}), KfitValueError,
        "class_weight", "has a weight for class 3"),
    bad("weights-short-list", WEIGHTS,
        lambda m, d: fit(m, d.x, d.y, class_weight=[1.0, 2.0]), KfitValueError,
        "class_weight", "has 2 weights but the model outputs 3 classes (0 to 2): "
                        "an unnamed vector gives one weight per class"),
    bad("weights-long-list", WEIGHTS,
        lambda m, d: fit(m, d.x, d.y, class_weight=[1.0, 2.0, 1.0, 3.0]),
        KfitValueError, "class_weight", "has 4 weights"),
    bad("weights-regression", WEIGHTS,
        lambda m, d: fit(m, d.x, d.y_reg, class_weight={0: 1.0, 1: 2.0}),
        KfitValueError, "class_weight", 'the targets are continuous (the loss is '
                                        '"mean_squared_error")', model="regression"),
    bad("weights-fraction-targets", WEIGHTS, lambda m, d: fit(
        recompiled(lambda t, p: __import__("keras").ops.mean((t - p) ** 2))(m), d.x,
        d.y_reg, class_weight={0: 1.0}), KfitValueError, "class_weight",
        "`y` holds fractions", model="regression"),
    bad("weights-twice", WEIGHTS,
        lambda m, d: fit(m, d.x, d.y, class_weight={0: 1.0, "0": 2.0}),
        KfitValueError, "class_weight", "gives class 0 a weight twice"),
    bad("weights-negative", WEIGHTS,
        lambda m, d: fit(m, d.x, d.y, class_weight={0: -1.0}), KfitValueError,
        "class_weight", "not a finite number >= 0"),
    bad("weights-name", WEIGHTS,
        lambda m, d: fit(m, d.x, d.y, class_weight={"cat": 1.0}), KfitValueError,
        "class_weight", "has key 'cat', which is not a 0-based class index"),
    bad("weights-string", WEIGHTS,
        lambda m, d: fit(m, d.x, d.y, class_weight="balanced"), KfitTypeError,
        "class_weight", "class_weight='balanced'"),
    bad("weights-binary-beyond", WEIGHTS,
        lambda m, d: fit(binary_model(), d.x, d.y % 2, class_weight={0: 1, 2: 3}),
        KfitValueError, "class_weight", "the model outputs 2 classes (0 and 1)"),
    bad("weights-generator-beyond", WEIGHTS,
        lambda m, d: fit(m, batches(d.x, d.y), class_weight={0: 1, 4: 2}),
        KfitValueError, "class_weight", "has a weight for class 4"),
    bad("weights-tf-data-one-based", WEIGHTS,
        lambda m, d: fit(m, tf_data(d.x, d.y), class_weight={1: 1, 2: 1, 3: 2}),
        KfitValueError, "class_weight", "looks 1-based"),
    ok("weights-partial", WEIGHTS,
       lambda m, d: fit(m, d.x, d.y, class_weight={0: 1.0, 1: 5.0}), weighted_more),
    ok("weights-list", WEIGHTS,
       lambda m, d: fit(m, d.x, d.y, class_weight=[1.0, 5.0, 2.0]), weighted_more),
    ok("weights-string-keys", WEIGHTS,
       lambda m, d: fit(m, d.x, d.y, class_weight={"0": 1.0, "2": 4.0}),
       weighted_more),
    ok("weights-binary", WEIGHTS,
       lambda m, d: fit(binary_model(), d.x, d.y % 2, class_weight={0: 1, 1: 3}),
       lambda h, m: _ran(h)),
    ok("weights-generator", WEIGHTS,
       lambda m, d: fit(m, batches(d.x, d.y), class_weight=[1.0, 2.0, 3.0]),
       trained(samples=None)),
]


def _unnamed_input() -> Any:
    """A Sequential model whose input Keras named (an input_shape)."""
    import keras

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = keras.Sequential([keras.layers.Dense(3, activation="softmax",
                                                     input_shape=(10,))])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return model


def _unbuilt(d: Data) -> Any:
    """A model without an Input: kfit cannot check it before Keras builds it."""
    import keras

    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return fit(model, d.x, d.y)


def _later_bad_labels(d: Data) -> Any:
    """A first batch that cannot change the weights (sample weights 0), then
    labels out of range at step 2."""
    yield d.x[:16], d.y[:16], np.zeros(16, dtype="float32")
    yield d.x[16:32], put(d.y[16:32], 2, 5), np.ones(16, dtype="float32")
