"""The private Keras API that kfit's streams rely on, checked for the Keras
installed (the batch-ID matrix, tests/test_batch_matrix.py, checks what it
does on every backend)."""

from __future__ import annotations

import inspect

import keras
import numpy as np
from keras.src.trainers.data_adapters import get_data_adapter
from keras.src.trainers.data_adapters.data_adapter import DataAdapter

from kfit.data.keras_adapter import StreamAdapter, read_ahead
from kfit.data.stream import END, BatchStream

# What Keras asks of an adapter (EpochIterator, the trainers): a new Keras
# that asks for more fails here instead of in a user's fit().
KERAS_ASKS = {"get_numpy_iterator", "get_tf_dataset", "get_jax_iterator",
              "get_torch_dataloader", "num_batches", "batch_size",
              "has_partial_batch", "partial_batch_size", "on_epoch_begin",
              "on_epoch_end"}


def test_keras_takes_a_data_adapter_as_it_is() -> None:
    stream = BatchStream("training", 4, continuous=True)
    adapter = StreamAdapter(stream, (np.zeros((2, 3), "float32"),))
    assert get_data_adapter(adapter) is adapter


def test_the_adapter_answers_everything_keras_asks() -> None:
    members = {name for name, _ in inspect.getmembers(DataAdapter)
               if not name.startswith("_")}
    assert members == KERAS_ASKS, keras.__version__
    for name in KERAS_ASKS:  # StreamAdapter's own, not the raising defaults
        assert name in vars(StreamAdapter) or name.startswith("on_epoch_"), name


def test_each_iterator_keras_opens_rereads_from_the_first_unused_batch() -> None:
    stream = BatchStream("training", 8, continuous=False)
    batches = [(np.full((2, 1), i, "float32"),) for i in range(3)]
    for batch in batches:
        stream.put(batch)
    stream.put(END)
    adapter = StreamAdapter(stream, batches[0])
    first = [b[0][0, 0] for b in adapter.get_numpy_iterator()]
    again = [b[0][0, 0] for b in adapter.get_jax_iterator()]
    assert first == again == [0, 1, 2]
    adapter.release()
    assert list(adapter.get_numpy_iterator()) == []  # nothing after the fit


def test_read_ahead_of_a_single_device_tensorflow_model_is_its_execution() -> None:
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", steps_per_execution=4)
    assert model._distribute_strategy is None  # private: read by read_ahead()
    assert read_ahead(model) == 3
