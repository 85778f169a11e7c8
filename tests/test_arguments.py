"""Argument rules of `fit()`, unit by unit: kfit.arguments and kfit.class_weight.

Pure Python and numpy: nothing here trains or imports TensorFlow.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from kfit import arguments as args
from kfit import environment
from kfit.arguments import EpochRange
from kfit.class_weight import class_sample_weights, labels_of, normalize_class_weight
from kfit.errors import (
    KfitArgumentError,
    KfitDataError,
    KfitError,
    KfitTypeError,
    KfitValueError,
)


@pytest.fixture
def plain_env(monkeypatch):
    """Not in RStudio, not on a distributed worker, not under knitr."""
    monkeypatch.delenv("RSTUDIO", raising=False)
    monkeypatch.delenv("TF_CONFIG", raising=False)
    monkeypatch.setattr(environment, "in_knitr", lambda: False)
    return monkeypatch


def check_error(error: BaseException, argument: str) -> str:
    """The message of a kfit argument error naming `argument`."""
    assert isinstance(error, KfitArgumentError)
    assert isinstance(error, KfitError)
    assert isinstance(error, (ValueError, TypeError))
    assert error.argument == argument
    message = str(error)
    assert message.startswith(f"Argument `{argument}` ")
    return message


def hint_of(message: str) -> str:
    """The hint line of an error message, lower-cased (its first letter varies)."""
    lines = [line for line in message.splitlines() if line.startswith("Hint: ")]
    assert len(lines) == 1, message
    return lines[0][len("Hint: "):].lower()


# ---- importing ------------------------------------------------------------


# ---- whole numbers ----------------------------------------------------------


@pytest.mark.parametrize("value", [3, 3.0, np.int64(3), np.float32(3.0), 0, -2.0])
def test_is_whole_number_accepts_ints_and_integral_floats(value):
    assert args.is_whole_number(value) is True


@pytest.mark.parametrize("value", [2.5, True, False, "3", None, math.nan, math.inf,
                                   [3], np.float64(0.1)])
def test_is_whole_number_rejects_the_rest(value):
    assert args.is_whole_number(value) is False


def test_whole_number_returns_an_int_from_an_r_double():
    value = args.whole_number("epochs", 10.0)
    assert value == 10 and type(value) is int


def test_whole_number_type_and_minimum_errors_name_the_argument():
    with pytest.raises(KfitTypeError) as info:
        args.whole_number("steps_per_epoch", 2.5, hint="a count of batches.")
    message = check_error(info.value, "steps_per_epoch")
    assert "Received: steps_per_epoch=2.5" in message
    assert hint_of(message) == "a count of batches."
    with pytest.raises(KfitValueError) as info:
        args.whole_number("steps_per_epoch", 0, minimum=1)
    message = check_error(info.value, "steps_per_epoch")
    assert "must be >= 1" in message and "Received: steps_per_epoch=0" in message


def test_optional_whole_number_passes_none_through():
    assert args.optional_whole_number("validation_steps", None) is None
    assert args.optional_whole_number("validation_steps", 4.0) == 4
    with pytest.raises(KfitValueError):
        args.optional_whole_number("validation_steps", 0)


# ---- unknown arguments ----------------------------------------------------


def test_unknown_argument_suggests_the_closest_known_one():
    with pytest.raises(KfitTypeError) as info:
        args.check_known_arguments("fit", {"epoch": 3}, ["epochs", "batch_size"])
    message = check_error(info.value, "epoch")
    assert "is not an argument of `fit()`" in message
    assert "Received: epoch=3" in message
    assert hint_of(message) == "did you mean `epochs`?"


def test_unknown_argument_without_a_close_match_points_to_help():
    with pytest.raises(KfitTypeError) as info:
        args.check_known_arguments("fit", {"zzz": 1}, ["epochs", "batch_size"])
    assert hint_of(str(info.value)) == "see help(fit) for the arguments it takes."


def test_no_unknown_arguments_is_fine():
    assert args.check_known_arguments("fit", {}, ["epochs"]) is None


# ---- epochs / initial_epoch -----------------------------------------------


def test_initial_epoch_is_one_based_and_epochs_is_the_last():
    epochs = args.resolve_epochs(10, 6)
    assert epochs == EpochRange(6, 10)
    assert epochs.count == 5
    assert epochs.keras_initial_epoch == 5


def test_initial_epoch_zero_is_taken_as_one():
    assert args.resolve_epochs(3, 0) == EpochRange(1, 3)
    assert args.resolve_epochs(3, 1) == EpochRange(1, 3)


def test_whole_floats_from_r_are_accepted_for_epochs():
    epochs = args.resolve_epochs(10.0, 6.0)
    assert epochs == EpochRange(6, 10)
    assert type(epochs.first) is int and type(epochs.last) is int


def test_initial_epoch_equal_to_epochs_trains_one_epoch():
    assert args.resolve_epochs(4, 4).count == 1


@pytest.mark.parametrize(("initial_epoch", "error"), [
    (-1, KfitValueError), (2.5, KfitTypeError), (11, KfitValueError),
    ("2", KfitTypeError), (True, KfitTypeError)])
def test_bad_initial_epoch_is_an_error_naming_it(initial_epoch, error):
    with pytest.raises(error) as info:
        args.resolve_epochs(10, initial_epoch)
    message = check_error(info.value, "initial_epoch")
    assert "Received: initial_epoch=" in message


def test_initial_epoch_after_epochs_hints_that_epochs_is_the_final_epoch():
    with pytest.raises(KfitValueError) as info:
        args.resolve_epochs(5, 6)
    message = check_error(info.value, "initial_epoch")
    assert "must not be greater than `epochs`" in message
    assert "Received: initial_epoch=6" in message
    assert "epochs = 10" in hint_of(message)


@pytest.mark.parametrize("epochs", [0, -3, 2.5, "10", None])
def test_bad_epochs_is_an_error_naming_it(epochs):
    with pytest.raises(KfitArgumentError) as info:
        args.resolve_epochs(epochs, 1)
    check_error(info.value, "epochs")


def test_legacy_zero_based_initial_epoch_counts_epochs_done():
    assert args.resolve_epochs(10, 5, zero_based=True) == EpochRange(6, 10)
    assert args.resolve_epochs(3, 0, zero_based=True) == EpochRange(1, 3)
    with pytest.raises(KfitValueError) as info:
        args.resolve_epochs(5, 5, zero_based=True)
    message = check_error(info.value, "initial_epoch")
    assert "trains epochs 6..5: nothing to train" in message


# ---- verbose ----------------------------------------------------------------


def test_verbose_auto_is_1_outside_knitr_and_distributed(plain_env):
    assert args.resolve_verbose("auto") == 1


def test_verbose_auto_is_2_when_tf_config_is_set(plain_env):
    plain_env.setenv("TF_CONFIG", '{"task": {"type": "worker", "index": 0}}')
    assert args.resolve_verbose("auto") == 2


def test_verbose_auto_is_2_under_knitr(plain_env):
    plain_env.setattr(environment, "in_knitr", lambda: True)
    assert args.resolve_verbose("auto") == 2


@pytest.mark.parametrize(("value", "expected"), [(0, 0), (1, 1), (2, 2), (2.0, 2),
                                                 (np.int32(1), 1)])
def test_verbose_numbers_pass_as_ints(value, expected, plain_env):
    plain_env.setenv("TF_CONFIG", "{}")  # only "auto" looks at the environment
    resolved = args.resolve_verbose(value)
    assert resolved == expected and type(resolved) is int


@pytest.mark.parametrize("value", [3, -1, 1.5, "yes", "AUTO", None, True])
def test_bad_verbose_is_an_error_naming_it(value):
    with pytest.raises(KfitValueError) as info:
        args.resolve_verbose(value)
    message = check_error(info.value, "verbose")
    assert 'must be 0, 1, 2 or "auto"' in message


# ---- view_metrics -----------------------------------------------------------


def test_view_metrics_auto_is_false_outside_rstudio(plain_env):
    plain_env.setattr(environment, "has_viewer", lambda: True)
    assert args.resolve_view_metrics("auto", verbose=1,
                                     epochs=EpochRange(1, 5)) is False


def test_view_metrics_auto_is_false_in_rstudio_without_an_r_viewer(plain_env):
    plain_env.setenv("RSTUDIO", "1")
    plain_env.setattr(environment, "has_viewer", lambda: False)
    assert args.resolve_view_metrics("auto", verbose=1,
                                     epochs=EpochRange(1, 5)) is False


def test_view_metrics_auto_needs_no_r_when_r_is_not_running(plain_env):
    # RSTUDIO=1 but no R in this process: the viewer option cannot be set.
    plain_env.setenv("RSTUDIO", "1")
    plain_env.setattr(environment, "rpy2_hosts_r", lambda: False)
    assert environment.has_viewer() is False
    assert args.resolve_view_metrics("auto", verbose=1,
                                     epochs=EpochRange(1, 5)) is False


def test_view_metrics_auto_is_true_in_rstudio_with_a_viewer(plain_env):
    plain_env.setenv("RSTUDIO", "1")
    plain_env.setattr(environment, "has_viewer", lambda: True)
    assert args.resolve_view_metrics("auto", verbose=1,
                                     epochs=EpochRange(1, 5)) is True
    # ... but not for a single epoch or a silent run.
    assert args.resolve_view_metrics("auto", verbose=1,
                                     epochs=EpochRange(5, 5)) is False
    assert args.resolve_view_metrics("auto", verbose=0,
                                     epochs=EpochRange(1, 5)) is False


@pytest.mark.parametrize(("value", "expected"), [(True, True), (False, False),
                                                 (1, True), (0.0, False)])
def test_view_metrics_true_false_are_taken_as_given(value, expected, plain_env):
    resolved = args.resolve_view_metrics(value, verbose=0, epochs=EpochRange(1, 1))
    assert resolved is expected


@pytest.mark.parametrize(("value", "error"), [
    ("yes", KfitValueError), ("TRUE", KfitValueError), ("", KfitValueError),
    (2, KfitTypeError), (None, KfitTypeError), (0.5, KfitTypeError)])
def test_bad_view_metrics_is_an_error_naming_it(value, error):
    with pytest.raises(error) as info:
        args.resolve_view_metrics(value, verbose=1, epochs=EpochRange(1, 2))
    message = check_error(info.value, "view_metrics")
    assert 'must be True, False, "auto" or a folder to keep the page in' in message


def test_view_metrics_folder_is_absolute_and_shown(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = args.resolve_view_metrics("runs/iris", verbose=0, epochs=EpochRange(1, 1))
    assert folder == str(tmp_path / "runs" / "iris")
    assert not (tmp_path / "runs").exists()  # created when the run starts
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(KfitValueError) as info:
        args.resolve_view_metrics("a-file", verbose=1, epochs=EpochRange(1, 2))
    assert "names a file, not a folder" in check_error(info.value, "view_metrics")
    with pytest.raises(KfitValueError) as info:
        args.resolve_view_metrics("a-file/run", verbose=1, epochs=EpochRange(1, 2))
    message = check_error(info.value, "view_metrics")
    assert f"{tmp_path / 'a-file'} is not a writable folder" in message


# ---- batch_size / validation_split / validation_freq ------------------------


def test_batch_size_none_or_positive_whole_number():
    assert args.check_batch_size("batch_size", None) is None
    assert args.check_batch_size("batch_size", 32.0) == 32
    for bad, error in ((0, KfitValueError), (-1, KfitValueError),
                       (2.5, KfitTypeError), ("32", KfitTypeError)):
        with pytest.raises(error) as info:
            args.check_batch_size("validation_batch_size", bad)
        check_error(info.value, "validation_batch_size")


@pytest.mark.parametrize("value", [0, 0.0, 0.2, 0.999, np.float32(0.5)])
def test_validation_split_in_zero_one(value):
    assert args.check_validation_split(value) == pytest.approx(float(value))


@pytest.mark.parametrize(("value", "error"), [
    (1.5, KfitValueError), (-0.1, KfitValueError), (1.0, KfitValueError),
    (1, KfitValueError), (math.nan, KfitValueError), ("0.2", KfitTypeError),
    (True, KfitTypeError), (None, KfitTypeError)])
def test_bad_validation_split_is_an_error_naming_it(value, error):
    with pytest.raises(error) as info:
        args.check_validation_split(value)
    check_error(info.value, "validation_split")


def test_validation_split_out_of_range_says_what_it_is():
    with pytest.raises(KfitValueError) as info:
        args.check_validation_split(1.5)
    message = str(info.value)
    assert "must be in [0, 1)" in message
    assert "Received: validation_split=1.5" in message
    assert "the last ones" in hint_of(message)


@pytest.mark.parametrize(("value", "expected"), [
    (1, 1), (2, 2), (3.0, 3), (np.int64(2), 2), ([1, 3], [1, 3]),
    ((3.0, 1.0, 3), [1, 3]), (np.array([5, 2]), [2, 5]), (range(2, 5), [2, 3, 4])])
def test_validation_freq_is_a_period_or_a_sorted_list_of_epochs(value, expected):
    resolved = args.resolve_validation_freq(value)
    assert resolved == expected
    assert type(resolved) is type(expected)


@pytest.mark.parametrize("value", [0, -2, "a", [0], [], [1, 2.5], ["1"], None,
                                   True, 1.5])
def test_bad_validation_freq_is_an_error_naming_it(value):
    with pytest.raises(KfitValueError) as info:
        args.resolve_validation_freq(value)
    check_error(info.value, "validation_freq")


# ---- class_weight: normalisation ------------------------------------------


@pytest.mark.parametrize("class_weight", [
    {0: 1, 1: 5}, {"0": 1, "1": 5}, {0.0: 1, 1.0: 5.0}, [1, 5], (1.0, 5.0),
    np.array([1.0, 5.0]), {" 1": 5, "0": 1}, {np.int64(0): 1, np.int32(1): 5}])
def test_class_weight_forms_normalise_to_zero_based_indices(class_weight):
    normalised = normalize_class_weight(class_weight)
    assert normalised == {0: 1.0, 1: 5.0}
    assert all(type(k) is int and type(v) is float for k, v in normalised.items())


def test_class_weight_sequence_maps_to_classes_in_order():
    assert normalize_class_weight([1, 2, 3]) == {0: 1.0, 1: 2.0, 2: 3.0}


def test_class_weight_none_is_none():
    assert normalize_class_weight(None) is None


def test_class_weight_names_may_be_factor_levels():
    levels = ["cat", "dog", "fish"]
    assert normalize_class_weight({"dog": 3, "cat": 1}, levels) == {1: 3.0, 0: 1.0}
    # digits still mean indices, also with levels.
    assert normalize_class_weight({"2": 4}, levels) == {2: 4.0}


def test_class_weight_unknown_level_lists_the_levels():
    with pytest.raises(KfitValueError) as info:
        normalize_class_weight({"cow": 2}, ["cat", "dog"])
    message = check_error(info.value, "class_weight")
    assert "'cow'" in message and "cat, dog" in message


@pytest.mark.parametrize(("key", "shown"), [
    ("a", "'a'"), (-1, "-1"), (True, "True"), ("1.5", "'1.5'"), (None, "None"),
    (2.5, "2.5"), ("-1", "'-1'")])
def test_bad_class_weight_key_is_named_in_the_error(key, shown):
    with pytest.raises(KfitValueError) as info:
        normalize_class_weight({0: 1.0, key: 2.0})
    message = check_error(info.value, "class_weight")
    assert f"has key {shown}, which is not a 0-based class index" in message
    assert "Received: class_weight=" in message
    assert hint_of(message).startswith("keys are 0-based class indices")


@pytest.mark.parametrize("weight", ["x", math.nan, math.inf, -1.0, None, True])
def test_bad_class_weight_value_names_its_class(weight):
    with pytest.raises(KfitValueError) as info:
        normalize_class_weight({0: 1.0, 1: weight})
    message = check_error(info.value, "class_weight")
    assert "not a finite number >= 0 for class 1" in message
    assert hint_of(message)


def test_bad_class_weight_value_in_a_named_r_list_names_the_key():
    with pytest.raises(KfitValueError) as info:
        normalize_class_weight({"0": 1.0, "1": "x"})
    assert "for class '1'" in str(info.value)


def test_class_weight_given_twice_for_one_class_is_an_error():
    with pytest.raises(KfitValueError) as info:
        normalize_class_weight({1: 2.0, "1": 3.0})
    assert "gives class 1 a weight twice" in check_error(info.value, "class_weight")


@pytest.mark.parametrize("class_weight", ["balanced", 5, 2.0, b"01"])
def test_class_weight_of_the_wrong_type_is_a_type_error(class_weight):
    with pytest.raises(KfitTypeError) as info:
        normalize_class_weight(class_weight)
    message = check_error(info.value, "class_weight")
    assert "must map 0-based class indices to weights" in message


# ---- class_weight: labels and weights ---------------------------------------


def test_labels_of_integer_and_last_dim_one_targets():
    np.testing.assert_array_equal(labels_of(np.array([2, 0, 1])), [2, 0, 1])
    np.testing.assert_array_equal(labels_of(np.array([[1.0], [0.0], [2.0]])),
                                  [1, 0, 2])
    labels = labels_of(np.array([[[1], [0]], [[2], [2]]]))  # (n, timesteps, 1)
    np.testing.assert_array_equal(labels, [[1, 0], [2, 2]])
    assert labels.dtype == np.int64


def test_labels_of_one_hot_targets_is_the_hot_index():
    y = np.eye(3, dtype="float32")[[2, 0, 1, 1]]
    np.testing.assert_array_equal(labels_of(y), [2, 0, 1, 1])


def test_labels_of_float_labels_rounds_them():
    np.testing.assert_array_equal(labels_of(np.array([0.0, 1.0, 2.0000001])),
                                  [0, 1, 2])


def test_labels_of_rank_2_targets_neither_one_hot_nor_last_dim_1_is_an_error():
    soft = np.array([[0.2, 0.8], [0.5, 0.5]])
    with pytest.raises(KfitDataError) as info:
        labels_of(soft)
    message = str(info.value)
    assert "`class_weight` needs class labels" in message
    assert "(2, 2)" in message and "Hint:" in message
    with pytest.raises(KfitDataError):
        labels_of(np.array([[1, 1, 0], [0, 1, 0]]))  # two hot


def test_labels_of_nan_targets_is_an_error():
    with pytest.raises(KfitDataError, match="NA/NaN"):
        labels_of(np.array([0.0, math.nan, 1.0]))


def test_class_sample_weights_missing_classes_get_one():
    y = np.array([0, 1, 2, 1, 3])
    weights = class_sample_weights(y, {1: 5.0, 3: 0.5})
    np.testing.assert_array_equal(weights, [1.0, 5.0, 1.0, 5.0, 0.5])
    assert weights.dtype == np.float32


def test_class_sample_weights_for_classes_beyond_the_keys_and_negative_labels():
    y = np.array([4, 0, -1])
    np.testing.assert_array_equal(class_sample_weights(y, {0: 2.0}), [1.0, 2.0, 1.0])


def test_class_sample_weights_multiply_sample_weight():
    y = np.array([0, 1, 2, 1])
    weights = class_sample_weights(y, {0: 2.0, 1: 5.0},
                                   np.array([1.0, 0.0, 3.0, 0.5]))
    np.testing.assert_allclose(weights, [2.0, 0.0, 3.0, 2.5])


def test_class_sample_weights_per_timestep_with_2d_sample_weight():
    y = np.array([[[0], [1], [1]], [[1], [0], [0]]])  # (2, 3, 1) labels
    sample_weight = np.array([[1.0, 1.0, 0.0], [2.0, 2.0, 2.0]])
    weights = class_sample_weights(y, {1: 10.0}, sample_weight)
    np.testing.assert_allclose(weights, [[1.0, 10.0, 0.0], [20.0, 2.0, 2.0]])


def test_class_sample_weights_1d_labels_with_2d_sample_weight_broadcast_per_row():
    y = np.array([0, 1])
    weights = class_sample_weights(y, {1: 3.0}, np.array([[1.0, 2.0], [1.0, 0.0]]))
    np.testing.assert_allclose(weights, [[1.0, 2.0], [3.0, 0.0]])


def test_class_sample_weights_one_hot():
    y = np.eye(3)[[0, 2, 2, 1]]
    np.testing.assert_array_equal(class_sample_weights(y, {2: 4.0}),
                                  [1.0, 4.0, 4.0, 1.0])


def test_class_weight_for_several_outputs_is_an_error():
    with pytest.raises(KfitValueError) as info:
        class_sample_weights([np.array([0, 1]), np.array([1, 1])], {0: 2.0})
    message = check_error(info.value, "class_weight")
    assert "applies to a single output, but the model gets 2 targets" in message
    assert hint_of(message) == "pass per-sample weights in `sample_weight` instead."
