"""A `tf.data.Dataset`: Keras reads it directly; nothing is pulled ahead."""

from __future__ import annotations

from typing import Any

from kfit.data.base import Feed, FeedOptions


def is_tf_dataset(value: Any) -> bool:
    """True for a tf.data.Dataset (TensorFlow is not imported to find out)."""
    import sys

    tf = sys.modules.get("tensorflow")
    return tf is not None and isinstance(value, tf.data.Dataset)


class TFDatasetSource:
    kind = "tf.data"
    levels = None

    def __init__(self, dataset: Any) -> None:
        self.dataset = dataset

    def feed(self, options: FeedOptions) -> Feed:
        class_weight = options.class_weight
        if class_weight:  # Keras wants every class 0..k-1 present
            class_weight = {i: class_weight.get(i, 1.0)
                            for i in range(max(class_weight) + 1)}
        cardinality = int(self.dataset.cardinality())  # -1 infinite, -2 unknown
        return Feed(self.dataset, steps=options.steps, class_weight=class_weight,
                    known_steps=cardinality if cardinality >= 0 else None)
