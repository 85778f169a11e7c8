"""What a run prints (`kfit.console`): worker output and what follows an
interrupted progress bar start on lines of their own, in the host's streams."""

from __future__ import annotations

import contextlib
import io
import signal
import sys
from collections.abc import Iterator

import keras
import numpy as np
import pytest
import rpy2.robjects as ro

import kfit
from kfit import console


def _model() -> keras.Model:
    keras.utils.set_random_seed(4)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


@contextlib.contextmanager
def one_stream() -> Iterator[io.StringIO]:
    """stdout and stderr into one buffer, as on a terminal (set in the test
    itself: pytest puts its own capture back before each test body)."""
    stream = io.StringIO()
    before = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = stream
    try:
        yield stream
    finally:
        sys.stdout, sys.stderr = before


WORKER = """local({ n <- 0; function() { n <<- n + 1
  if (n %% 3 == 0) message("made batch ", n)
  x <- matrix(runif(32 * 4), 32, 4); list(x, rowSums(x)) } })"""


@pytest.mark.trains
def test_worker_messages_print_on_lines_of_their_own_between_steps():
    with one_stream() as stream:
        history = kfit.fit(_model(), ro.r(WORKER), steps_per_epoch=12, epochs=2,
                           verbose=1)
    assert history.epochs == [1, 2]
    lines = stream.getvalue().split("\n")
    said = [line for line in lines if "made batch" in line]
    # every message the worker wrote for the batches trained (and made ahead)
    numbers = sorted(int(line.rsplit(" ", 1)[1]) for line in said)
    assert numbers[:8] == [3, 6, 9, 12, 15, 18, 21, 24]
    assert all(line.startswith("[kfit worker 1] made batch ") for line in said), said
    assert "Epoch 2/2" in lines  # the bar's own lines are intact


@pytest.mark.trains
def test_an_interrupted_progress_bar_line_is_ended():
    class CtrlC(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 3:
                signal.raise_signal(signal.SIGINT)

    x = np.random.default_rng(5).normal(size=(256, 4)).astype("float32")
    with one_stream() as stream:
        with pytest.raises(KeyboardInterrupt):
            kfit.fit(_model(), x, x.sum(axis=1), batch_size=8, epochs=3, verbose=1,
                     callbacks=[CtrlC()], view_metrics=False)
        assert sys.stdout is stream  # the run's wrapper is gone
    text = stream.getvalue()
    assert "━" in text.rsplit("\n", 2)[-2]  # the bar's line, then the end
    assert text.endswith("\n")


def test_outside_a_run_worker_text_goes_to_the_process_stderr(capfd):
    console.post("[kfit worker 1] late words\n")
    assert capfd.readouterr().err == "[kfit worker 1] late words\n"
