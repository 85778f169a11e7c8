"""kfit.data.python_generator: a Python generator or iterator, read ahead on a
producer thread: its batches in order and each once, its end, its errors."""

from __future__ import annotations

import threading
import warnings

import pytest

from kfit.errors import (
    KfitDataError,
    KfitTrainingError,
    KfitWarning,
)

from support import (
    assert_same_weights,
    assert_threads_back,
    cycle,
    fit,
    fit_generator,
    make_batches,
    once,
    weights_of,
)

pytestmark = pytest.mark.trains  # see conftest.py


def test_generator_batches_train_in_order_first_batch_once(recording_model):
    """The peeked first batch is restored (trained once, first); a short last
    batch is fine; order is kept across epochs."""
    batches = make_batches(4, 16, last=5)
    model, seen = recording_model()
    history = fit(model, cycle(batches), steps_per_epoch=4, epochs=2, verbose=0)
    assert history.epochs == [1, 2]
    assert seen == [(0, 16), (1, 16), (2, 16), (3, 5)] * 2


def test_validation_generator_that_runs_out_is_an_error(make_model):
    train = make_batches(2, 8, seed=1)
    val = make_batches(2, 8, seed=2)
    with pytest.raises(KfitTrainingError) as info, \
            pytest.warns(KfitWarning, match="`validation_steps` is not given"):
        fit(make_model(), cycle(train), steps_per_epoch=2, epochs=2, verbose=0,
                 validation_data=once(val))
    assert "validation" in str(info.value)
    assert info.value.history.epochs == [1]


def test_generator_that_yields_nothing(make_model):
    model = make_model()
    before = weights_of(model)
    with pytest.raises(KfitDataError, match="yielded no batch"):
        fit(model, once([]), epochs=1, verbose=0)
    assert_same_weights(weights_of(model), before)


def test_generator_that_ends_without_steps_trains_one_epoch(make_model, counter):
    callback = counter()
    with pytest.warns(KfitWarning, match="no data left after epoch 1"):
        history = fit(make_model(), once(make_batches(5)), epochs=3, verbose=0,
                           callbacks=[callback])
    assert history.epochs == [1]
    assert callback.per_epoch == [5]


def test_generator_running_dry_with_steps_per_epoch(make_model, counter):
    """5 batches, 3 steps per epoch, 3 epochs: epoch 2 runs dry after 2 steps."""
    callback = counter()
    with pytest.warns(KfitWarning, match="ran out"):
        history = fit(make_model(), once(make_batches(5)), steps_per_epoch=3,
                           epochs=3, verbose=0, callbacks=[callback])
    assert callback.per_epoch == [3, 2]
    assert history.epochs == [1, 2]


def test_workers_with_python_generator_warn_once(make_model):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit_generator(make_model(), cycle(make_batches(2)), steps_per_epoch=2,
                           epochs=2, verbose=0, workers=3)
    notes = [w for w in caught if issubclass(w.category, KfitWarning)]
    assert len(notes) == 1, [str(w.message) for w in notes]
    assert "one background thread" in str(notes[0].message)


def test_python_generator_error_mid_training(make_model, counter):
    def failing():
        for i, batch in enumerate(cycle(make_batches(3)), start=1):
            if i == 8:
                raise RuntimeError("boom from Python")
            yield batch

    callback = counter()
    count_before = threading.active_count()
    with pytest.raises(KfitTrainingError) as info:
        fit(make_model(), failing(), steps_per_epoch=5, epochs=3, verbose=0,
                 callbacks=[callback])
    error = info.value
    assert "boom from Python" in str(error)
    assert "epoch 2, step 3" in str(error)
    assert (error.epoch, error.step) == (2, 3)
    assert error.history.epochs == [1]
    assert "RuntimeError: boom from Python" in str(error)
    assert callback.total == 7  # the 7 batches made before the error were trained
    assert_threads_back(count_before)


def test_generator_exception_is_kept_as_the_cause(make_model):
    """The user's own exception is reachable from the KfitTrainingError."""
    def failing():
        yield from make_batches(2)
        raise LookupError("the original")

    with pytest.raises(KfitTrainingError) as info:
        fit(make_model(), failing(), steps_per_epoch=2, epochs=3, verbose=0)
    chain, error = [], info.value
    while error is not None:
        chain.append(error)
        error = error.__cause__ or error.__context__
    assert any(isinstance(e, LookupError) for e in chain), [repr(e) for e in chain]
