"""One row of the batch-ID matrix, in a fresh Python (the backend is chosen
before Keras loads): `python batch_matrix_child.py SETUP [CASE ...]` prints
one JSON line per case: what the probe saw trained and validated, the
history, and the error (if any).

SETUP is one of `SETUPS`: `tensorflow`, `tensorflow-mirrored`, `jax`,
`jax-dataparallel`, `torch`, and JAX and torch as where TensorFlow is not
installed. The environment (KERAS_BACKEND, XLA_FLAGS, TF's
two logical CPUs) is set here, before Keras is imported.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

SETUPS = {
    "tensorflow": ("tensorflow", None),
    "tensorflow-mirrored": ("tensorflow", "mirrored"),
    "jax": ("jax", None),
    "jax-dataparallel": ("jax", "dataparallel"),
    "torch": ("torch", None),
    # As where TensorFlow is not installed: `import tensorflow` fails.
    "jax-without-tensorflow": ("jax", "no-tensorflow"),
    "torch-without-tensorflow": ("torch", "no-tensorflow"),
}


def configure(setup: str) -> str | None:
    backend, distribution = SETUPS[setup]
    os.environ["KERAS_BACKEND"] = backend
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if distribution == "dataparallel":
        os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
    if distribution == "no-tensorflow":
        sys.modules["tensorflow"] = None  # type: ignore[assignment]
    return distribution


def main(argv: list[str]) -> None:
    setup, names = argv[0], argv[1:]
    distribution = configure(setup)
    sys.path.insert(0, str(Path(__file__).parent))
    import batch_matrix_cases as cases
    import keras

    scope, replicas = _distribution(keras, distribution)
    for name in names or list(cases.CASES):
        with scope():
            result = cases.run(name, keras, replicas)
        print("\nRESULT " + json.dumps({"setup": setup, "case": name, **result}),
              flush=True)


def _distribution(keras: Any, distribution: str | None) -> tuple[Any, int]:
    import contextlib

    if distribution == "mirrored":
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        return strategy.scope, strategy.num_replicas_in_sync
    if distribution == "dataparallel":
        import jax

        assert len(jax.devices()) == 2, jax.devices()
        keras.distribution.set_distribution(keras.distribution.DataParallel())
    return contextlib.nullcontext, 1


if __name__ == "__main__":
    main(sys.argv[1:])
