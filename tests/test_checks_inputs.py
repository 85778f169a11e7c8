"""kfit.checks.inputs: inputs against the model's inputs, said in both languages;
conform_inputs puts them in the model's structure (nothing trains)."""

from __future__ import annotations

import numpy as np
import pytest

from kfit.checks import check_arrays, conform_inputs
from kfit.checks.inputs import input_problem
from kfit.errors import KfitShapeError
from kfit.words import Arg, R


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
