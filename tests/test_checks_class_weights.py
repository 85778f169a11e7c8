"""kfit.checks.class_weights: class_weight against the classes the model can
output (nothing trains)."""

from __future__ import annotations

import pytest

from kfit.checks import check_class_weight
from kfit.errors import KfitValueError


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
