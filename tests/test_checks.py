"""kfit.checks: the entry points fit() uses; arrays raise argument errors, batches
BatchErrors: the first in full, later ones by their labels (nothing trains)."""

from __future__ import annotations

import numpy as np
import pytest

from kfit.checks import batch_checks, check_arrays, check_source
from kfit.data.batch import BatchError
from kfit.errors import KfitLabelError
from kfit.words import Arg


def test_batches_are_checked_in_full_first_then_by_labels(make_model) -> None:
    first, each = batch_checks(make_model())
    first((np.zeros((2, 4)), np.array([0, 2])))
    with pytest.raises(BatchError, match="returned inputs with 5 columns"):
        first((np.zeros((2, 5)), np.array([0, 2])))
    each((np.zeros((2, 4)), np.array([0, 1])))
    with pytest.raises(BatchError, match="returned targets with label 7"):
        each((np.zeros((2, 4)), np.array([0, 7])))


def test_arrays_raise_the_error_of_the_argument_at_fault(make_model) -> None:
    x, y = np.zeros((3, 4)), np.array([0, 1, 9])
    with pytest.raises(KfitLabelError) as info:
        check_arrays(make_model(), x, y, names=[Arg("x"), Arg("y")])
    assert info.value.argument == "y"
    check_arrays(make_model(), x, None, names=[Arg("x"), Arg("y")])  # no targets


def test_check_source_leaves_other_kinds_to_their_first_batch(make_model) -> None:
    class Streamed:
        kind = "Python generator"

    check_source(make_model(), Streamed())  # nothing to check before a batch

