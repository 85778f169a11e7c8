"""kfit.checks.problem: a problem said once, raised two ways: for an argument
(its class by what is wrong) and for a batch (said after the source's name)."""

from __future__ import annotations

from kfit.checks.problem import (
    Hint,
    Problem,
    argument_error,
    batch_error,
    class_range,
    fits,
    plural,
)
from kfit.data.batch import BatchError
from kfit.errors import KfitLabelError, KfitShapeError
from kfit.words import Arg, R, Say


def test_shapes_fit_with_keras_rank_adjustments_for_a_last_dim_of_1() -> None:
    assert fits((10, 3), (None, 3)) and not fits((10, 4), (None, 3))
    assert fits((10,), (None, 1)) and fits((10, 1), (None,))
    assert not fits((10, 3, 1, 1), (None, 3))


def test_words_for_counts_and_classes() -> None:
    assert [plural(1, "class"), plural(2, "class"), plural(3, "row")] == \
        ["1 class", "2 classes", "3 rows"]
    assert str(class_range(2)) == "2 classes (0 and 1)"
    assert str(class_range(5)) == "5 classes (0 to 4)"


def test_one_problem_raised_for_an_argument_and_for_a_batch() -> None:
    problem = Problem((1,), "has", Say("{n} columns", n=7), "drop one.")
    error = argument_error(problem, Arg("x"), "shown")
    assert isinstance(error, KfitShapeError) and error.argument == "x"
    assert str(error).startswith("Argument `x[1]` has 7 columns.")
    assert error.render(R).startswith("Argument `x[[2]]` has 7 columns.")
    labels = Problem((), "is", "out of range", "fix them", label=True)
    assert isinstance(argument_error(labels, Arg("y"), None), KfitLabelError)
    batch = batch_error(problem, "inputs")
    assert isinstance(batch, BatchError)
    assert str(batch) == "returned `inputs[1]` with 7 columns\nHint: Drop one."
    assert Hint("end here.", sentence=False).render(R) == "end here."
