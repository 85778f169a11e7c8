"""kfit.data.arrays.ArraySource: arrays held whole, checked before anything
trains (one row per sample everywhere, numbers, finite), split from the last
rows, and fed to Keras with class weights made sample weights (nothing
trains)."""

from __future__ import annotations

import numpy as np
import pytest

from kfit.data.arrays import ArraySource
from kfit.data.base import FeedOptions
from kfit.errors import KfitTypeError, KfitValueError


def test_validation_split_takes_the_last_rows_of_every_part() -> None:
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    source = ArraySource({"a": x, "b": x[:, :1]}, np.arange(10), np.ones(10))
    train, held = source.split(0.3)
    assert (train.samples, held.samples) == (7, 3)
    assert held.x["a"][:, 0].tolist() == [14.0, 16.0, 18.0]
    assert held.y.tolist() == [7, 8, 9] and held.sample_weight.tolist() == [1, 1, 1]
    with pytest.raises(KfitValueError, match="leaves 0 training"):
        source.split(0.99)


def test_the_feed_carries_batch_size_shuffle_and_class_weights() -> None:
    source = ArraySource(np.zeros((4, 2)), np.array([0, 1, 1, 0]), np.full(4, 0.5))
    feed = source.feed(FeedOptions(role="training", argument="x", shuffle=True,
                                   class_weight={1: 4.0}))
    assert (feed.batch_size, feed.shuffle, feed.samples) == (32, True, 4)
    assert feed.sample_weight.tolist() == [0.5, 2.0, 2.0, 0.5]  # they multiply


@pytest.mark.parametrize("x, y, error, said", [
    (np.zeros((3, 2)), np.zeros(4), KfitValueError,
     "Argument `y` has 4 rows but `x` has 3"),
    (np.zeros((3, 2)), None, KfitValueError, "Argument `y` is missing"),
    (np.array([[1.0, np.nan]]), np.zeros(1), KfitValueError, "`x`"),
    (5.0, np.zeros(1), KfitTypeError, "must be an array with one row per sample"),
])
def test_bad_arrays_fail_before_training_naming_the_argument(x, y, error,
                                                             said) -> None:
    with pytest.raises(error, match=said):
        ArraySource(x, y)
