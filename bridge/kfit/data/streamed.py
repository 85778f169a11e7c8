"""Shared plumbing of the sources that Keras reads through a `BatchStream`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kfit.data.base import Feed, FeedOptions
from kfit.data.batch import signature
from kfit.data.producer import StreamProducer
from kfit.data.stream import BatchStream, Position


def stream_feed(pull: Callable[[], Any], options: FeedOptions, *, label: str,
                on_main_thread: bool, steps: int | None = None,
                normalize: Callable[..., Any] | None = None,
                bind: Callable[[BatchStream], None] | None = None,
                on_stop: Callable[[], None] | None = None) -> Feed:
    """Peek the first batch of `pull` and wire a stream that Keras reads.

    Args:
        steps: the step count Keras uses (defaults to `options.steps`); with
            one, the stream is continuous across epochs.
        bind: called with the stream before the first pull.
        on_stop: unblocks `pull` when the run stops (called from the main
            thread before the producer thread is joined).
    """
    steps = options.steps if steps is None else steps
    stream = BatchStream(options.role, options.max_queue_size,
                         continuous=steps is not None)
    if bind is not None:
        bind(stream)
    producer = StreamProducer(pull, stream, label=label,
                              position=Position(options.first_epoch, steps),
                              class_weight=options.class_weight,
                              on_main_thread=on_main_thread, normalize=normalize,
                              on_stop=on_stop)
    first = producer.peek_first()
    return Feed(stream.dataset(signature(first)), steps=steps, stream=stream,
                producers=[producer])
