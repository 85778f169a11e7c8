"""What every data source hands to the trainer: a `Feed` for `model.fit`.

Separation of concerns (as in Keras' epoch iterator): a source owns its
x / y / weights and how batches are made; the `Feed` says what Keras gets;
the trainer owns epochs, callbacks and threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from kfit.class_weight import ClassWeight
from kfit.data.stream import AUTO_QUEUE_BATCHES, BatchStream


@dataclass
class FeedOptions:
    """How a source should feed one role (training or validation)."""

    role: str  # "training" | "validation"
    argument: str  # "x" | "validation_data" | "generator"
    batch_size: int | None = None
    steps: int | None = None
    shuffle: bool = False
    class_weight: ClassWeight | None = None
    max_queue_size: int | None = None  # None: "auto", sized by the first batch
    read_ahead: int = 0  # batches Keras reads past its step (keras_adapter)
    workers: int = 1
    first_epoch: int = 1
    epochs: int = 1  # epochs this fit trains
    worker_globals: Any = None  # R generators: globals for the R workers
    worker_packages: list[str] | None = None  # R generators: packages to load

    @property
    def made_ahead(self) -> int:
        """Batches a stream may hold beyond those steps have used: the
        user's `max_queue_size` (10 until the first batch sizes "auto"), plus
        what Keras reads ahead."""
        return (self.max_queue_size or AUTO_QUEUE_BATCHES[0]) + self.read_ahead

    def batches_needed(self, steps: int | None) -> int | None:
        """The most batches the fit reads when Keras reads `steps` per epoch:
        every epoch's, and what Keras may read past the last step; None when
        each epoch ends with the data (`steps` None)."""
        if steps is None:
            return None
        return steps * self.epochs + self.read_ahead


@dataclass
class Feed:
    """Arguments for `model.fit` (training) or its validation arguments."""

    x: Any
    y: Any = None
    sample_weight: Any = None
    batch_size: int | None = None
    steps: int | None = None
    shuffle: bool = False
    class_weight: ClassWeight | None = None  # only for Keras-native datasets
    stream: BatchStream | None = None
    producers: list[Producer] = field(default_factory=list)
    adapter: Any = None  # the StreamAdapter Keras reads `stream` through
    samples: int | None = None
    known_steps: int | None = None  # batches per epoch, when the source knows


class Producer(Protocol):
    """Fills a stream: on the main thread between steps (`produce_one`, from
    `kfit.callbacks.StreamGuard`) or on a thread of its own."""

    stream: BatchStream
    on_main_thread: bool

    def start(self) -> None: ...

    def produce_one(self) -> bool: ...

    def stop(self) -> None: ...


class Source(Protocol):
    """A kind of input (arrays, generator, dataset, R function)."""

    kind: str
    levels: list[str] | None

    def feed(self, options: FeedOptions) -> Feed: ...
