"""kfit.checks.targets: targets against the model's output and loss, as label
errors with hints in each language (nothing trains)."""

from __future__ import annotations

import numpy as np
import pytest

from kfit.checks import check_arrays
from kfit.checks.targets import target_problem
from kfit.errors import KfitLabelError
from kfit.words import Arg, R


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
