"""Shared plumbing of the sources that Keras reads through a `BatchStream`,
and the checks of streams before training: targets in the first batch, and
validation streams of unknown length."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from kfit.data.base import Feed, FeedOptions
from kfit.data.batch import model_needs_targets, what
from kfit.data.producer import SourceError, StreamProducer
from kfit.data.stream import BatchStream, Position, auto_queue_size
from kfit.data.tf_dataset import INFINITE, UNKNOWN
from kfit.errors import KfitValueError, KfitWarning
from kfit.words import Either, Say


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
    stream = BatchStream(options.role, options.made_ahead,
                         continuous=steps is not None,
                         limit=options.batches_needed(steps))
    if bind is not None:
        bind(stream)
    producer = StreamProducer(pull, stream, label=label,
                              position=Position(options.first_epoch, steps),
                              class_weight=options.class_weight,
                              on_main_thread=on_main_thread, normalize=normalize,
                              on_stop=on_stop, argument=options.argument)
    first = producer.peek_first()
    if options.max_queue_size is None:
        stream.set_capacity(auto_queue_size(first) + options.read_ahead)
    # Imported here: it imports Keras, which `import kfit` must not.
    from kfit.data.keras_adapter import StreamAdapter

    adapter = StreamAdapter(stream, first)
    return Feed(adapter, steps=steps, stream=stream, producers=[producer],
                adapter=adapter)


def check_targets(model: Any, feed: Feed, role: str) -> None:
    """Raise if the first batch of a stream has inputs only while `model`, which
    was compiled with a loss, needs targets (later batches must be alike).

    Raises:
        SourceError: naming the source, at its first batch.
    """
    if not model_needs_targets(model):
        return
    for producer in feed.producers:
        first = getattr(producer, "first", None)
        if first is None or len(first) >= 2:
            continue
        position = producer.position  # it moved past the first batch
        epoch = position.epoch - 1 if position.step == 1 else position.epoch
        raise SourceError(Say(
            "{label} returned {got}, inputs only (at epoch {epoch}, step 1); "
            "{role} needs targets, as the model was compiled with a loss. Return "
            "{form}.", label=producer.label, got=what(first), epoch=epoch, role=role,
            form=_TARGETS_FORM), epoch, 1, argument=producer.argument)


_TARGETS_FORM = Either("(inputs, targets) or (inputs, targets, sample_weights)",
                       "list(inputs, targets) or list(inputs, targets, "
                       "sample_weights)")


def check_validation_steps(source: Any, legacy: bool) -> None:
    """`validation_data` without `validation_steps`: a stream of unknown length
    may never end validation. `fit_generator()` requires the steps then (as
    keras 2 did); `fit()` warns. An infinite tf.data.Dataset is an error.

    Raises:
        KfitValueError: naming `validation_steps`.
    """
    kind = source.kind
    if kind == "tf.data":
        cardinality = source.cardinality()
        if cardinality == INFINITE:
            raise KfitValueError(
                "validation_steps", "is needed: `validation_data` is an infinite "
                "tf.data.Dataset (it repeats forever), so validation would never "
                "end.", None, "give the number of batches per validation, or drop "
                "`repeat()` from the validation dataset.", show_received=False)
        if cardinality != UNKNOWN:
            return
    elif kind == "R generator":
        if getattr(source, "index_dataset", False):
            return  # function(i) needs validation_steps: its feed says so
    elif kind != "Python generator":
        return  # a PyDataset knows its length
    if legacy:
        raise KfitValueError(
            "validation_steps", "is required by `fit_generator()` when "
            "`validation_data` is a generator.", None,
            "give the number of batches per validation: a generator's length is "
            "unknown, and one that never ends would never end validation.",
            show_received=False)
    ends, never = {
        "R generator": ("calls it until it returns NULL", "never returns NULL"),
        "Python generator": ("reads it until it stops (StopIteration)",
                             "never stops"),
        "tf.data": ("reads it until it ends", "never ends")}[kind]
    what = {"R generator": "an R generator", "Python generator": "a Python "
            "generator", "tf.data": "a tf.data.Dataset"}[kind]
    warnings.warn(KfitWarning(
        f"`validation_data` is {what} of unknown length and `validation_steps` is "
        f"not given: each validation {ends}; if it {never}, validation never "
        "ends. Give `validation_steps` (batches per validation) to bound it."),
        stacklevel=5)
