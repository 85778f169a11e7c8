"""A `tf.data.Dataset`: Keras reads it directly; nothing is pulled ahead.

Before training its `element_spec` is checked against the model (batched?
targets for a model with a loss?) and its cardinality bounds validation.
"""

from __future__ import annotations

from typing import Any

from kfit.data.base import Feed, FeedOptions
from kfit.data.batch import model_needs_targets
from kfit.errors import KfitValueError
from kfit.model_spec import dims_of, model_inputs
from kfit.nested import leaves_with_paths
from kfit.words import Arg, Either, Say, Shape

INFINITE, UNKNOWN = -1, -2  # tf.data cardinalities

_BATCH_IT = Either("dataset.batch(32)",
                   "dataset$batch(32L), or tfdatasets::dataset_batch(dataset, 32)")


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

    def cardinality(self) -> int:
        """Batches per pass; `INFINITE` (-1) or `UNKNOWN` (-2)."""
        return int(self.dataset.cardinality())

    def check_model(self, model: Any, argument: str, role: str) -> None:
        """Raise if the elements cannot train `model`: single samples instead
        of batches, or inputs without targets for a model with a loss.

        Raises:
            KfitValueError: naming `argument`, with what the elements are.
        """
        spec = self.dataset.element_spec
        pairs = isinstance(spec, tuple) and 2 <= len(spec) <= 3
        inputs = spec[0] if isinstance(spec, tuple) and 1 <= len(spec) <= 3 else spec
        self._check_batched(model, inputs, argument)
        if not pairs and model_needs_targets(model):
            raise KfitValueError(
                argument, Say("is a tf.data.Dataset whose elements are inputs only "
                              "(shapes {shapes}), but {role} needs targets: the "
                              "model was compiled with a loss.",
                              shapes=_shapes(inputs), role=role), None,
                Say("make its elements (inputs, targets) pairs, e.g. {code}.",
                    code=Either("tf.data.Dataset.zip((x, y))",
                                "tf$data$Dataset$zip(list(x, y)), or "
                                "tfdatasets::zip_datasets(x, y)")),
                show_received=False)

    def _check_batched(self, model: Any, inputs: Any, argument: str) -> None:
        known = model_inputs(model)
        if known is None:
            return
        wanted = [(i.name, i.shape) for i in known[0]]
        by_name = dict(wanted)
        for index, (path, leaf) in enumerate(leaves_with_paths(inputs)):
            got = dims_of(getattr(leaf, "shape", None))
            if got is None:
                continue
            key = path[-1] if path and isinstance(path[-1], str) else None
            if key in by_name:
                name, want = key, by_name[key]
            elif index < len(wanted):
                name, want = wanted[index]
            else:
                continue
            if len(got) == len(want) - 1 and all(
                    w is None or g is None or g == w for g, w in zip(got, want[1:],
                                                                     strict=True)):
                raise KfitValueError(
                    Arg(argument), Say(
                        "yields single samples, not batches: its elements have "
                        "shape {got} and the model's input `{name}` takes batches "
                        "of shape {want}.", got=Shape(got), name=name,
                        want=Shape(want)), None,
                    Say("batch the dataset first: {code}.", code=_BATCH_IT),
                    show_received=False)

    def feed(self, options: FeedOptions) -> Feed:
        class_weight = options.class_weight
        if class_weight:  # Keras wants every class 0..k-1 present
            class_weight = {i: class_weight.get(i, 1.0)
                            for i in range(max(class_weight) + 1)}
        cardinality = self.cardinality()
        return Feed(self.dataset, steps=options.steps, class_weight=class_weight,
                    known_steps=cardinality if cardinality >= 0 else None)


def _shapes(spec: Any) -> Say:
    leaves = leaves_with_paths(spec)
    fields = {f"s{i}": Shape(dims_of(getattr(leaf, "shape", ())) or ())
              for i, (_, leaf) in enumerate(leaves)}
    return Say(", ".join(f"{{s{i}}}" for i in range(len(leaves))), **fields)
