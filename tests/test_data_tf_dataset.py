"""kfit.data.tf_dataset: a tf.data.Dataset, read by Keras itself: the
arguments it cannot take, and fit_generator() on one."""

from __future__ import annotations

import warnings

import pytest

from kfit.errors import (
    KfitDeprecationWarning,
    KfitValueError,
    KfitWarning,
)

from support import (
    fit,
    fit_generator,
    make_batches,
)

pytestmark = pytest.mark.trains  # see conftest.py


@pytest.mark.parametrize("argument, value", [
    ("batch_size", 8), ("validation_split", 0.2)])
def test_array_only_arguments_rejected_with_tf_data(argument, value, make_model):
    import tensorflow as tf

    x, y = make_batches(1, 16)[0]
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)
    with pytest.raises(KfitValueError) as info:
        fit(make_model(), dataset, verbose=0, **{argument: value})
    assert info.value.argument == argument


def test_fit_generator_on_tf_data_warns_only_that_it_is_deprecated(make_model):
    # `workers` not given is not `workers` given (R's fit_generator() sends
    # NULL): no warning that it is ignored for a tf.data.Dataset.
    import tensorflow as tf

    x, y = make_batches(1, 16)[0]
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(4).repeat()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = fit_generator(make_model(), dataset, steps_per_epoch=4, verbose=0)
    kinds = [w.category for w in caught
             if issubclass(w.category, (KfitWarning, KfitDeprecationWarning))]
    assert kinds == [KfitDeprecationWarning]
    assert history.params["steps"] == 4
    with pytest.warns(KfitWarning, match="`workers` \\(2\\) only applies"):
        fit_generator(make_model(), dataset, steps_per_epoch=4, verbose=0, workers=2)
