"""kfit.data.producer.StreamProducer: a source's batches into a stream, each
checked, numbered by epoch and step; a failure said with where it happened
and the source's name (nothing trains)."""

from __future__ import annotations

import numpy as np
import pytest

from kfit.data.producer import SourceError, StreamProducer
from kfit.data.stream import END, BatchStream, Failure, Position


def _numbered(stop: int | None = None, fail_at: int | None = None):
    count = [0]

    def pull():
        count[0] += 1
        if count[0] == fail_at:
            raise RuntimeError("disk gone")
        if stop is not None and count[0] > stop:
            return END
        return np.full((2, 1), float(count[0])), np.zeros(2)
    return pull


def _producer(pull, steps: int | None = 3) -> StreamProducer:
    stream = BatchStream("training", 10, continuous=steps is not None)
    return StreamProducer(pull, stream, label="The generator `x`",
                          position=Position(1, steps), on_main_thread=True,
                          argument="x")


def test_batches_are_made_in_order_with_their_epoch_and_step() -> None:
    producer = _producer(_numbered())
    first = producer.peek_first()
    assert first[0][0, 0] == 1.0 and producer.first_at == (1, 1)
    assert [producer.produce_one() for _ in range(3)] == [True] * 3
    assert (producer.position.epoch, producer.position.step) == (2, 2)  # 3 a epoch
    assert producer.stream.produced == 4


def test_a_failing_source_is_said_with_its_name_epoch_and_step() -> None:
    producer = _producer(_numbered(fail_at=3))
    producer.peek_first()
    producer.produce_one()
    item = producer._make_item()
    assert isinstance(item, Failure) and producer.finished
    error = item.error
    assert isinstance(error, SourceError) and (error.epoch, error.step) == (1, 3)
    assert str(error).startswith(
        "The generator `x` failed at epoch 1, step 3: RuntimeError: disk gone")
    assert isinstance(error.__cause__, RuntimeError)


def test_a_source_with_no_batch_or_a_changed_structure_is_refused() -> None:
    with pytest.raises(SourceError, match="yielded no batch"):
        _producer(_numbered(stop=0)).peek_first()
    shapes = iter([(np.zeros((2, 1)), np.zeros(2)), (np.zeros((2, 3)), np.zeros(2))])
    producer = _producer(lambda: next(shapes))
    producer.peek_first()
    item = producer._make_item()
    assert isinstance(item, Failure)
    said = str(item.error)
    assert "unlike the first batch" in said and "(at epoch 1, step 2)" in said
