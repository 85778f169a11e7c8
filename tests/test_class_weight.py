"""kfit.class_weight: the user's class weights as {0-based class: weight},
and the per-sample weights they make (nothing trains)."""

from __future__ import annotations

import numpy as np
import pytest

from kfit.class_weight import class_sample_weights, labels_of, normalize_class_weight
from kfit.errors import KfitDataError, KfitTypeError, KfitValueError


@pytest.mark.parametrize("given, levels, expected", [
    (None, None, None),
    ({0: 1, 1: 5}, None, {0: 1.0, 1: 5.0}),
    ({"0": 1, "2": 3.5}, None, {0: 1.0, 2: 3.5}),  # an R named list's keys
    ([1, 5], None, {0: 1.0, 1: 5.0}),  # one weight per class, in order
    (np.array([2.0, 1.0]), None, {0: 2.0, 1: 1.0}),
    ({"setosa": 2, "virginica": 3}, ["setosa", "versicolor", "virginica"],
     {0: 2.0, 2: 3.0}),  # a factor's level names
])
def test_keys_become_0_based_class_indices(given, levels, expected) -> None:
    assert normalize_class_weight(given, levels) == expected


@pytest.mark.parametrize("given, error, said", [
    ("heavy", KfitTypeError, "must map 0-based class indices to weights"),
    ({-1: 1.0}, KfitValueError, "has key -1, which is not a 0-based class index"),
    ({"a": 1.0}, KfitValueError, "has key 'a'"),
    ({0: -2.0}, KfitValueError, "not a finite number >= 0 for class 0: -2"),
    ({0: float("nan")}, KfitValueError, "not a finite number >= 0"),
    ({0: True}, KfitValueError, "not a finite number >= 0"),
])
def test_bad_weights_name_the_key(given, error, said) -> None:
    with pytest.raises(error, match=said) as info:
        normalize_class_weight(given)
    assert info.value.argument == "class_weight"


def test_sample_weights_from_labels_one_hot_and_a_last_dim_of_1() -> None:
    weights = {0: 1.0, 2: 4.0}
    expected = [4.0, 1.0, 1.0]  # class 1 has no weight: 1
    assert class_sample_weights(np.array([2, 0, 1]), weights).tolist() == expected
    assert class_sample_weights(np.eye(3)[[2, 0, 1]], weights).tolist() == expected
    assert class_sample_weights(np.array([[2.0], [0.0], [1.0]]), weights).tolist() \
        == expected
    both = class_sample_weights(np.array([2, 0, 1]), weights, np.array([0.5, 2, 1]))
    assert both.tolist() == [2.0, 2.0, 1.0]  # they multiply


def test_targets_that_are_not_labels_are_data_errors() -> None:
    with pytest.raises(KfitDataError, match="not one-hot"):
        labels_of(np.full((2, 3), 0.5))
    with pytest.raises(KfitDataError, match="NA/NaN"):
        labels_of(np.array([0.0, np.nan]))
    with pytest.raises(KfitValueError, match="a single output"):
        class_sample_weights([np.zeros(2), np.zeros(2)], {0: 1.0})
