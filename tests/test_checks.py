"""kfit.checks and kfit.model_spec, on built models and arrays: nothing
trains. What the model takes, and each problem said once: its path, its
words in both languages, the error it becomes for an argument or a batch."""

from __future__ import annotations

import numpy as np
import pytest

from kfit.checks import batch_checks, check_arrays, check_class_weight, conform_inputs
from kfit.checks.inputs import input_problem
from kfit.checks.targets import target_problem
from kfit.data.batch import BatchError
from kfit.errors import KfitLabelError, KfitShapeError, KfitValueError
from kfit.model_spec import loss_name, model_inputs, model_target
from kfit.words import Arg, R


@pytest.fixture
def two_inputs(keras):
    a = keras.Input((3,), name="a")
    b = keras.Input((5,), name="b")
    out = keras.layers.Dense(2, activation="softmax")(
        keras.layers.Concatenate()([a, b]))
    model = keras.Model({"a": a, "b": b}, out)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return model


def test_model_spec_reads_inputs_output_and_loss(make_model, two_inputs, keras) -> None:
    inputs, named = model_inputs(make_model())
    assert not named and [m.shape for m in inputs] == [(None, 4)]
    assert not inputs[0].shown_name  # a name Keras made up
    inputs, named = model_inputs(two_inputs)
    assert named and [(m.name, m.shape) for m in inputs] == [("a", (None, 3)),
                                                              ("b", (None, 5))]
    target = model_target(make_model(n_out=3))
    assert (target.loss, target.units) == ("sparse_categorical_crossentropy", 3)
    assert loss_name("mse") == "mean_squared_error"
    assert loss_name(keras.losses.CategoricalCrossentropy()) == \
        "categorical_crossentropy"
    assert loss_name(lambda y, p: y) is None
    assert model_inputs(keras.Sequential([keras.layers.Dense(1)])) is None  # unbuilt


def test_an_input_of_the_wrong_width_is_said_in_both_languages(make_model) -> None:
    problem = input_problem(make_model(), np.zeros((10, 7)))
    assert problem.path == () and problem.lead == "has"
    assert str(problem.text) == \
        "7 columns but the model's input 0 expects 4 (shape (None, 4))"
    assert problem.text.render(R) == \
        "7 columns but the model's input 1 expects 4 (shape (NA, 4))"
    with pytest.raises(KfitShapeError) as info:
        check_arrays(make_model(), np.zeros((10, 7)), None, names=[Arg("x"), Arg("y")])
    assert info.value.argument == "x"


def test_named_inputs_in_another_order_or_missing_are_named(two_inputs) -> None:
    swapped = [np.zeros((4, 5)), np.zeros((4, 3))]
    problem = input_problem(two_inputs, swapped)
    assert "in another order" in str(problem.text)
    missing = input_problem(two_inputs, {"a": np.zeros((4, 3))})
    assert str(missing.text).startswith("no element for the model's input `b`")
    unknown = input_problem(two_inputs, {"a": np.zeros((4, 3)), "c": np.zeros((4, 5))})
    assert unknown.path == ("c",) and unknown.lead == "names"
    assert input_problem(two_inputs, {"b": np.zeros((4, 5)), "a": np.zeros((4, 3))}) \
        is None


def test_conform_inputs_puts_inputs_in_the_models_structure(two_inputs,
                                                            make_model) -> None:
    a, b = np.zeros((4, 3)), np.zeros((4, 5))
    assert set(conform_inputs(two_inputs, [a, b])) == {"a", "b"}  # by name
    single = np.zeros((4, 4))
    assert conform_inputs(make_model(), [single]) is single  # one input: the array
    assert conform_inputs(make_model(), single) is single


@pytest.mark.parametrize("y, said", [
    (np.array([0, 1, 3]), "label 3 at index [2], but the model outputs 3 classes"),
    (np.array([1, 2, 3]), "label 3 at index [2], but the model outputs 3 classes"),
    (np.array([0.0, 1.5]), "label 1.5 at index [1], but "),
    (np.eye(3), "shape (3, 3) (one-hot targets?)"),
])
def test_sparse_labels_out_of_range_are_label_errors(make_model, y, said) -> None:
    problem = target_problem(make_model(), y)
    assert problem.label and str(problem.text).startswith(said)
    with pytest.raises(KfitLabelError):
        check_arrays(make_model(), np.zeros((len(y), 4)), y,
                     names=[Arg("x"), Arg("y")])


def test_one_based_labels_get_the_subtract_one_hint_in_each_language(make_model):
    problem = target_problem(make_model(), np.array([1, 2, 3]))
    assert "look 1-based" in str(problem.hint) and "y - 1" in str(problem.hint)
    assert "pass a factor" in R.field(problem.hint)


def test_batches_are_checked_in_full_first_then_by_labels(make_model) -> None:
    first, each = batch_checks(make_model())
    first((np.zeros((2, 4)), np.array([0, 2])))
    with pytest.raises(BatchError, match="returned inputs with 5 columns"):
        first((np.zeros((2, 5)), np.array([0, 2])))
    each((np.zeros((2, 4)), np.array([0, 1])))
    with pytest.raises(BatchError, match="returned targets with label 7"):
        each((np.zeros((2, 4)), np.array([0, 7])))


@pytest.mark.parametrize("weights, given, said", [
    ({1: 1.0, 2: 1.0, 3: 1.0}, {1: 1.0, 2: 1.0, 3: 1.0}, "looks 1-based"),
    ({0: 1.0, 1: 2.0}, [1.0, 2.0], "has 2 weights but the model outputs 3 classes"),
    ({0: 1.0, 5: 2.0}, {0: 1.0, 5: 2.0}, "has a weight for class 5"),
])
def test_class_weights_against_the_models_classes(make_model, weights, given,
                                                  said) -> None:
    with pytest.raises(KfitValueError, match=said) as info:
        check_class_weight(make_model(), weights, given)
    assert info.value.argument == "class_weight"


def test_class_weights_for_a_regression_are_refused(keras) -> None:
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(KfitValueError, match="the targets are continuous"):
        check_class_weight(model, {0: 1.0}, {0: 1.0})
    check_class_weight(model, None, None)  # nothing given: nothing to check
