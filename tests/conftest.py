"""Shared fixtures: small compiled models and data."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The R package is installed into the project-local library by `make`.
os.environ.setdefault("R_LIBS_USER", str(Path(__file__).parents[1] / ".Rlib"))

import numpy as np
import pytest


@pytest.fixture(scope="session")
def keras():
    import keras

    return keras


@pytest.fixture
def make_model(keras):
    """make_model(n_in=4, n_out=3): a compiled softmax classifier."""

    def make(n_in: int = 4, n_out: int = 3, metrics=("accuracy",), seed: int = 1):
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([
            keras.Input((n_in,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(n_out, activation="softmax"),
        ])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=list(metrics))
        return model

    return make


@pytest.fixture
def data():
    """200 rows x 4 features, 3 classes (0-based ints)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 4)).astype("float32")
    y = rng.integers(0, 3, size=200).astype("int32")
    return x, y
