"""kfit.data.base: what a source is told (FeedOptions) and gives (Feed)."""

from __future__ import annotations

from kfit.data.base import Feed, FeedOptions


def test_a_stream_may_hold_max_queue_size_plus_what_keras_reads_ahead() -> None:
    options = FeedOptions(role="training", argument="x", max_queue_size=10,
                          read_ahead=2)
    assert options.made_ahead == 12
    assert FeedOptions(role="validation", argument="validation_data").made_ahead == 10


def test_a_feed_defaults_to_no_sample_weights_and_no_producers() -> None:
    feed = Feed("x", "y")
    assert (feed.sample_weight, feed.steps, feed.producers) == (None, None, [])


def test_a_fit_that_knows_its_steps_reads_every_epochs_batches_and_its_read_ahead(
) -> None:
    options = FeedOptions(role="training", argument="x", epochs=3, read_ahead=2)
    assert options.batches_needed(20) == 62
    assert options.batches_needed(None) is None  # each epoch ends with the data
