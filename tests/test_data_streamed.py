"""kfit.data.streamed: validation of unknown length (fit() warns,
fit_generator() refuses), and targets a compiled model needs in a stream's
first batch (nothing trains)."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from kfit.data.producer import SourceError
from kfit.data.streamed import check_targets, check_validation_steps
from kfit.errors import KfitValueError, KfitWarning


def test_a_generator_of_unknown_length_warns_in_fit_and_fails_in_fit_generator():
    generator = SimpleNamespace(kind="Python generator")
    with pytest.warns(KfitWarning, match="a Python generator of unknown length"):
        check_validation_steps(generator, legacy=False)
    with pytest.raises(KfitValueError, match="is required by `fit_generator"):
        check_validation_steps(generator, legacy=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # these know their length: no warning
        check_validation_steps(SimpleNamespace(kind="PyDataset"), legacy=True)
        check_validation_steps(SimpleNamespace(kind="R generator",
                                               index_dataset=True), legacy=False)


def test_a_first_batch_without_targets_is_refused_for_a_compiled_model(make_model):
    producer = SimpleNamespace(first=(np.zeros((2, 4)),), label="The generator `x`",
                               position=SimpleNamespace(epoch=1, step=2),
                               argument="x")
    feed = SimpleNamespace(producers=[producer])
    with pytest.raises(SourceError, match=r"inputs only \(at epoch 1, step 1\); "
                                          r"training needs targets") as info:
        check_targets(make_model(), feed, "training")
    assert info.value.argument == "x"
    producer.first = (np.zeros((2, 4)), np.zeros(2))
    check_targets(make_model(), feed, "training")
