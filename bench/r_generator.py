"""Training from an R generator: does kfit overlap R with Keras?

kfit trains on a worker thread while the main thread pulls batches from R
(over rpy2, which releases the GIL while R runs). If the overlap works,
training from a generator costs about max(generator, training), not their
sum. Measured side by side in this one process, after a warm-up, with one
model (Dense 512-512-1 on 100 inputs, mse) reused so that no run pays for
tracing:

- gen_only:   the R generator alone, called 150 times through rpy2, each
              batch converted with kfit's `r_to_numpy` (as kfit does);
- train_only: Keras' own `model.fit` on one fixed batch repeated for
              3 epochs x 50 steps (tf.data from_tensors(...).repeat());
- kfit:       `kfit.fit` with the R generator, steps_per_epoch=50, epochs=3.

The generator body costs ~10 ms: Sys.sleep(0.01) plus a 64 x 100 matrix of
rnorm() and 64 targets. Prints each round, `serial_estimate = gen + train`
and `overlap_ratio = kfit / max(gen_only, train_only)` (target <= 1.10).

Then the per-batch overhead with a trivial R generator (32 x 10 batch, no
sleep) and a trivial model (Dense 1): N raw R calls (+ conversion) against
`kfit.fit` consuming N batches, in microseconds per batch.

    .venv/bin/python bench/r_generator.py [--repeats 3] [--batches 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import rpy2.robjects as ro
import tensorflow as tf

import kfit
from kfit.r.convert import r_to_numpy

BATCH, FEATURES = 64, 100
STEPS, EPOCHS = 50, 3
SEED = 42

SLOW_GENERATOR = f"""function() {{
    Sys.sleep(0.01)
    list(matrix(rnorm({BATCH} * {FEATURES}), {BATCH}, {FEATURES}), rnorm({BATCH}))
}}"""
TRIVIAL_GENERATOR = "function() list(matrix(rnorm(32 * 10), 32, 10), rnorm(32))"


def make_model(features: int, hidden: tuple[int, ...]) -> keras.Model:
    keras.utils.set_random_seed(SEED)
    layers = [keras.Input((features,))]
    layers += [keras.layers.Dense(units, activation="relu") for units in hidden]
    layers.append(keras.layers.Dense(1))
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="mse")
    return model


def timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def pull(generator: object, count: int) -> None:
    """What kfit does per batch on the main thread: call R, convert."""
    for _ in range(count):
        value = generator()
        [r_to_numpy(part) for part in value]


def fixed_batch_dataset(generator: object) -> tf.data.Dataset:
    value = generator()
    x, y = (r_to_numpy(part).value for part in value)
    return tf.data.Dataset.from_tensors((x, y)).repeat()


def generator_dataset(generator: object) -> tf.data.Dataset:
    """One fixed batch through tf.data.Dataset.from_generator: the transport
    kfit's stream uses, without kfit (to tell TF's cost from kfit's)."""
    value = generator()
    x, y = (r_to_numpy(part).value for part in value)

    def forever():
        while True:
            yield x, y

    spec = (tf.TensorSpec((None, *x.shape[1:]), tf.float32),
            tf.TensorSpec((None,), tf.float32))
    return tf.data.Dataset.from_generator(forever, output_signature=spec)


def train_only(model: keras.Model, dataset: tf.data.Dataset, steps: int,
               epochs: int) -> None:
    model.fit(dataset, steps_per_epoch=steps, epochs=epochs, verbose=0, shuffle=False)


def with_kfit(model: keras.Model, generator: object, steps: int, epochs: int) -> None:
    kfit.fit(model, generator, steps_per_epoch=steps, epochs=epochs, verbose=0)


def overlap(repeats: int) -> None:
    generator = ro.r(SLOW_GENERATOR)
    model = make_model(FEATURES, (512, 512))
    dataset = fixed_batch_dataset(generator)
    # warm up: trace both input signatures, load R's and TF's code paths
    train_only(model, dataset, 5, 1)
    with_kfit(model, generator, 5, 1)
    pull(generator, 5)

    total_batches = STEPS * EPOCHS
    print(f"Overlap: R generator ~10 ms/batch ({BATCH}x{FEATURES}), Dense 512-512-1, "
          f"{EPOCHS} epochs x {STEPS} steps = {total_batches} batches")
    print(f"{'round':>5} {'gen_only':>9} {'train_only':>10} {'kfit':>8} "
          f"{'serial_est':>10} {'overlap_ratio':>13} {'kfit/serial':>11}")
    ratios, rows = [], []
    for round_ in range(1, repeats + 1):
        gen = timed(lambda: pull(generator, total_batches))
        train = timed(lambda: train_only(model, dataset, STEPS, EPOCHS))
        total = timed(lambda: with_kfit(model, generator, STEPS, EPOCHS))
        serial = gen + train
        ratio = total / max(gen, train)
        ratios.append(ratio)
        rows.append((gen, train, total))
        print(f"{round_:>5} {gen:8.3f}s {train:9.3f}s {total:7.3f}s {serial:9.3f}s "
              f"{ratio:13.3f} {total / serial:11.3f}")
    gen, train, total = (statistics.median(column) for column in zip(*rows,
                                                                     strict=True))
    print(f"median: gen_only {gen:.3f}s, train_only {train:.3f}s, kfit {total:.3f}s, "
          f"serial_estimate {gen + train:.3f}s")
    print(f"median overlap_ratio = kfit / max(gen_only, train_only) = "
          f"{statistics.median(ratios):.3f} (target <= 1.10)")


def per_batch_overhead(repeats: int, count: int) -> None:
    generator = ro.r(TRIVIAL_GENERATOR)
    model = make_model(10, ())
    dataset = fixed_batch_dataset(generator)
    via_generator = generator_dataset(generator)
    train_only(model, dataset, 10, 1)
    train_only(model, via_generator, 10, 1)
    with_kfit(model, generator, 10, 1)
    pull(generator, 10)

    print()
    print(f"Per-batch overhead: trivial R generator (32x10, no sleep), Dense 1, "
          f"{count} batches (microseconds per batch)")
    print("  R: R call + conversion alone; keras: model.fit on a fixed batch "
          "(from_tensors); keras_gen: the same through Dataset.from_generator")
    print(f"{'round':>5} {'R':>8} {'keras':>8} {'keras_gen':>9} {'kfit':>8} "
          f"{'kfit-R':>8} {'kfit-keras':>10} {'kfit-keras_gen':>14}")
    rows = []
    for round_ in range(1, repeats + 1):
        raw = timed(lambda: pull(generator, count)) / count * 1e6
        train = timed(lambda: train_only(model, dataset, count, 1)) / count * 1e6
        gen_train = timed(lambda: train_only(model, via_generator, count, 1)
                          ) / count * 1e6
        total = timed(lambda: with_kfit(model, generator, count, 1)) / count * 1e6
        rows.append((raw, train, gen_train, total))
        print(f"{round_:>5} {raw:8.1f} {train:8.1f} {gen_train:9.1f} {total:8.1f} "
              f"{total - raw:8.1f} {total - train:10.1f} {total - gen_train:14.1f}")
    raw, train, gen_train, total = (statistics.median(column)
                                    for column in zip(*rows, strict=True))
    print(f"median: R call+conversion {raw:.1f} us, Keras step {train:.1f} us "
          f"({gen_train:.1f} us through from_generator), kfit {total:.1f} us per "
          f"batch; above the R call: {total - raw:.1f} us; above Keras alone: "
          f"{total - train:.1f} us")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batches", type=int, default=300)
    options = parser.parse_args()
    overlap(options.repeats)
    per_batch_overhead(options.repeats, options.batches)


if __name__ == "__main__":
    main()
