"""kfit.data.py_dataset: a keras.utils.PyDataset, read on its own worker
threads, in order, closed whatever way the fit ends."""

from __future__ import annotations

import threading

import pytest

from kfit.errors import (
    KfitDeprecationWarning,
    KfitTrainingError,
)

from support import (
    assert_threads_back,
    fit,
    fit_generator,
    kfit_threads,
    make_batches,
    make_py_dataset,
)

pytestmark = pytest.mark.trains  # see conftest.py


def test_pydataset_workers_fetch_on_several_threads_in_order(keras, recording_model):
    batches = make_batches(9, 8)
    # later indices of each group of 3 finish first: out-of-order completion
    dataset = make_py_dataset(keras, batches, delay=lambda i: 0.004 * (3 - i % 3))
    model, seen = recording_model()
    with pytest.warns(KfitDeprecationWarning):
        history = fit_generator(model, dataset, steps_per_epoch=9, epochs=2,
                                     verbose=0, workers=3)
    assert history.epochs == [1, 2]
    names = set(dataset.threads)
    assert len(names) >= 2, names
    assert all(name.startswith("kfit-pydataset") for name in names), names
    assert [marker for marker, _ in seen] == list(range(9)) * 2
    assert kfit_threads() == [] or not any(
        n.startswith("kfit-pydataset") for n in kfit_threads())


def test_pydataset_own_workers_used_by_fit(keras, recording_model):
    batches = make_batches(6, 8)
    dataset = make_py_dataset(keras, batches, delay=lambda i: 0.003, workers=3)
    model, seen = recording_model()
    fit(model, dataset, epochs=2, verbose=0)  # shuffle=TRUE: any order
    assert len(set(dataset.threads)) >= 2
    markers = [marker for marker, _ in seen]
    assert sorted(markers[:6]) == list(range(6))
    assert sorted(markers[6:]) == list(range(6))


def test_pydataset_single_worker_uses_one_thread(keras, make_model):
    dataset = make_py_dataset(keras, make_batches(4, 8))
    with pytest.warns(KfitDeprecationWarning):
        fit_generator(make_model(), dataset, steps_per_epoch=4, verbose=0)
    # the first batch is checked on the calling thread before training
    assert dataset.threads[0] == "MainThread"
    assert set(dataset.threads[1:]) == {"kfit-training-producer"}


def test_pydataset_error_with_workers_cleans_up(keras, make_model):
    batches = make_batches(6, 8)

    class Failing(keras.utils.PyDataset):
        def __len__(self):
            return 6

        def __getitem__(self, index):
            if index == 4:
                raise ValueError("bad index 4")
            return batches[index]

    count_before = threading.active_count()
    with pytest.warns(KfitDeprecationWarning), \
            pytest.raises(KfitTrainingError, match="bad index 4") as info:
        fit_generator(make_model(), Failing(), steps_per_epoch=6, epochs=2,
                           verbose=0, workers=3)
    assert "epoch 1, step 5" in str(info.value)
    assert info.value.history.epochs == []
    assert_threads_back(count_before)
