"""Shared fixtures: small compiled models and data; the `trains` marker.

A test that trains a Keras model (or runs something that does: a child
process, a vignette, the installed wheel's suite) is marked `trains`, per
test or per file (`pytestmark`). `make check` runs the others, with
KFIT_CHECK_LANE=1: there a test that trains without the mark fails, so the
marks stay true.
"""

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
def two_inputs(keras):
    """A compiled model taking its inputs by name: `a` (3 columns), `b` (5)."""
    a = keras.Input((3,), name="a")
    b = keras.Input((5,), name="b")
    out = keras.layers.Dense(2, activation="softmax")(
        keras.layers.Concatenate()([a, b]))
    model = keras.Model({"a": a, "b": b}, out)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return model


@pytest.fixture
def data():
    """200 rows x 4 features, 3 classes (0-based ints)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 4)).astype("float32")
    y = rng.integers(0, 3, size=200).astype("int32")
    return x, y


@pytest.fixture
def counter(keras):
    """A callback counting train batches per epoch (Keras' 0-based epochs)."""

    class Counter(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.per_epoch: list[int] = []
            self.epochs: list[int] = []
            self.total = 0

        def on_epoch_begin(self, epoch, logs=None):
            self.epochs.append(epoch)
            self.per_epoch.append(0)

        def on_train_batch_end(self, batch, logs=None):
            self.per_epoch[-1] += 1
            self.total += 1

    return Counter


@pytest.fixture
def recording_model(keras):
    """A model that records (marker, rows) of every batch it trains on."""

    class Recording(keras.Model):
        def __init__(self, record):
            super().__init__()
            self.record = record
            self.dense = keras.layers.Dense(3, activation="softmax")

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            x = data[0]
            self.record((int(x[0, 0]), int(x.shape[0])))
            return super().train_step(data)

    def make():
        keras.utils.set_random_seed(1)
        seen: list[tuple[int, int]] = []
        model = Recording(seen.append)
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy",
                      run_eagerly=True)
        return model, seen

    return make


@pytest.fixture
def frozen_model(keras):
    """make(seed): a classifier with learning rate 0, so losses are comparable."""

    def make(seed: int = 1):
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([
            keras.Input((4,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(3, activation="softmax"),
        ])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0),
                      loss="sparse_categorical_crossentropy")
        return model

    return make


# ---- the live view's (tests/test_viewer_*.py; helpers in viewer_support.py) --


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium, one per test module."""
    from playwright.sync_api import sync_playwright
    from viewer_support import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A page of its own; a page error or console error fails the test."""
    from viewer_support import WAIT_MS

    context = browser.new_context(viewport={"width": 1100, "height": 760})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" else None,
    )
    yield page
    context.close()
    assert errors == []


@pytest.fixture
def view(tmp_path: Path):
    """A live view in the test's own folder, closed after the test."""
    from viewer_support import POLL_MS

    from kfit.viewer import MetricsView

    view = MetricsView(tmp_path / "run", title="kfit test run", poll_ms=POLL_MS)
    yield view
    view.close()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "trains: trains a Keras model (left out of `make check`)")


@pytest.fixture(autouse=True)
def _unmarked_tests_do_not_train(request: pytest.FixtureRequest,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """In `make check`'s lane, training fails a test not marked `trains`."""
    if os.environ.get("KFIT_CHECK_LANE") != "1" or \
            request.node.get_closest_marker("trains"):
        return
    import keras

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"{request.node.nodeid} trains a model: mark it "
                             "@pytest.mark.trains")

    monkeypatch.setattr(keras.Model, "fit", refuse)
    monkeypatch.setattr(keras.Model, "train_on_batch", refuse)

