"""Batch-ID probes: every batch carries its number, and a layer inside the
compiled step records which numbers were trained and validated, and when.

Batch `k` (1-based) has `k` in its last input column, in every row. The
probe layer adds, per batch number, the rows it saw (`counts`) and the rows
times the optimizer step they were seen at (`stamps`); training and
validation (`training=False`) each have their own pair. A batch trained once
has `counts[k] == rows`, and `stamps[k] / rows` is the 0-based training step
it was trained at: its order. A validation pass happens between two training
steps, so its batches' stamps name the pass. The variables sum over replicas,
so a batch split across devices still counts once.

Used by the child processes of `tests/test_batch_matrix.py` (one per Keras
backend and distribution) and, through reticulate, by the R-hosted ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np

SLOTS = 2048  # batch numbers 0..SLOTS-1 can be recorded
FEATURES = 3  # inputs per row besides the batch number


def make_layer(keras: Any) -> Any:
    """The probe layer class (made per backend: keras must be imported first).

    Its variables are updated as `v.assign(v + delta * replicas)` with "mean"
    aggregation: under tf.distribute each replica adds its shard's rows and
    the mean over replicas is their sum (Keras' `assign_add` on a "sum"
    variable would add the old value once per replica). JAX SPMD sees the
    whole batch: `replicas` stays 1 there.
    """
    ops = keras.ops

    class BatchProbe(keras.layers.Layer):
        def __init__(self, replicas: int = 1, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.replicas = replicas

        def build(self, input_shape: Any) -> None:
            def var(name: str, shape: tuple[int, ...] = (SLOTS,)) -> Any:
                return self.add_weight(shape=shape, initializer="zeros",
                                       trainable=False, name=name,
                                       aggregation="mean")

            self.counts, self.stamps = var("counts"), var("stamps")
            self.val_counts, self.val_stamps = var("val_counts"), var("val_stamps")
            self.steps = var("steps", ())

        def call(self, x: Any, training: Any = None) -> Any:
            ids = ops.cast(x[:, -1], "int32")
            hits = ops.sum(ops.one_hot(ids, SLOTS), axis=0) * self.replicas
            step = self.steps.value
            if training:
                self._add(self.counts, hits)
                self._add(self.stamps, hits * step)
                # + 1 through the data: graph mode must not run it before the
                # batch is read (or when there is none).
                self.steps.assign(step + ops.sign(ops.sum(hits)))
            else:
                self._add(self.val_counts, hits)
                self._add(self.val_stamps, hits * step)
            return x[:, :-1]

        @staticmethod
        def _add(variable: Any, delta: Any) -> None:
            variable.assign(variable.value + delta)

        def compute_output_shape(self, input_shape: Any) -> Any:
            return (*input_shape[:-1], input_shape[-1] - 1)

    return BatchProbe


def make_model(keras: Any, seed: int = 1, replicas: int = 1) -> Any:
    """A compiled classifier of FEATURES inputs (+ the batch number) and 3
    classes, with a `probe` layer; plain SGD so histories are deterministic."""
    keras.utils.set_random_seed(seed)
    probe = make_layer(keras)(replicas=replicas, name="probe")
    inputs = keras.Input((FEATURES + 1,))
    hidden = keras.layers.Dense(4, activation="relu")(probe(inputs))
    outputs = keras.layers.Dense(3, activation="softmax")(hidden)
    model = keras.Model(inputs, outputs)
    rng = np.random.default_rng(seed)  # the same weights on every backend
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            layer.set_weights([rng.normal(scale=0.5, size=w.shape).astype("float32")
                               for w in layer.get_weights()])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def batch(number: int, rows: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Batch `number`: FEATURES columns of a fixed formula, the number in the
    last column, and targets (R's `kfit_probe_batch()` is the same formula)."""
    r = np.arange(rows)[:, None]
    f = np.arange(FEATURES + 1)[None, :]
    x = np.sin(number * 0.7 + r * 0.3 + f * 1.1).astype("float32")
    x[:, -1] = number
    y = ((number + np.arange(rows)) % 3).astype("int32")
    return x, y


def record(model: Any) -> dict[str, Any]:
    """What the probe saw: {"train": [[number, step], ...] in step order,
    "val": [[number, after_step], ...], "rows": {...}} — a batch seen twice
    shows as a fractional step or a row count of twice the batch's."""
    probe = model.get_layer("probe")
    out: dict[str, Any] = {}
    for role, counts, stamps in (("train", probe.counts, probe.stamps),
                                 ("val", probe.val_counts, probe.val_stamps)):
        c = np.asarray(keras_value(counts), dtype="float64")
        s = np.asarray(keras_value(stamps), dtype="float64")
        seen = np.flatnonzero(c)
        steps = s[seen] / c[seen]
        order = np.lexsort((seen, steps))
        out[role] = [[int(seen[i]), float(steps[i])] for i in order]
        out[f"{role}_rows"] = {int(k): int(c[k]) for k in seen}
    return out


def keras_value(variable: Any) -> Any:
    import keras

    return keras.ops.convert_to_numpy(variable.value)
