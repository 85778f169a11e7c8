"""`kfit.fit` against Keras' own `model.fit` on the same in-memory arrays.

Both train the same model (Dense 64-64-1, built fresh with the same seed
for every run) on the same 20000 x 32 float32 arrays for 3 epochs, batch
128, verbose 0, in this one process. The two alternate after a warm-up of
each, so drift (CPU frequency, caches) hits both alike. Prints every
timing and the median of the per-pair ratios kfit / keras.

    .venv/bin/python bench/fit_arrays.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np

import kfit

ROWS, FEATURES = 20_000, 32
EPOCHS, BATCH = 3, 128
SEED = 42


def make_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(ROWS, FEATURES)).astype("float32")
    w = rng.normal(size=(FEATURES, 1)).astype("float32")
    y = (x @ w + 0.1 * rng.normal(size=(ROWS, 1))).astype("float32")
    return x, y


def make_model() -> keras.Model:
    keras.utils.set_random_seed(SEED)
    model = keras.Sequential([
        keras.Input((FEATURES,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer="adam", loss="mse")
    return model


def run_keras(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    model = make_model()
    start = time.perf_counter()
    history = model.fit(x, y, epochs=EPOCHS, batch_size=BATCH, verbose=0)
    return time.perf_counter() - start, history.history["loss"][-1]


def run_kfit(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    model = make_model()
    start = time.perf_counter()
    history = kfit.fit(model, x, y, epochs=EPOCHS, batch_size=BATCH, verbose=0)
    return time.perf_counter() - start, history.metrics["loss"][-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    repeats = max(5, parser.parse_args().repeats)
    x, y = make_data()
    print(f"{ROWS} x {FEATURES} float32, Dense 64-64-1, {EPOCHS} epochs, "
          f"batch {BATCH}, verbose 0; {repeats} alternating repeats after warm-up")
    run_keras(x, y)
    run_kfit(x, y)
    ratios, keras_times, kfit_times = [], [], []
    for i in range(repeats):
        # Alternate which one goes first, so neither always follows the other.
        if i % 2 == 0:
            t_keras, loss_keras = run_keras(x, y)
            t_kfit, loss_kfit = run_kfit(x, y)
        else:
            t_kfit, loss_kfit = run_kfit(x, y)
            t_keras, loss_keras = run_keras(x, y)
        keras_times.append(t_keras)
        kfit_times.append(t_kfit)
        ratios.append(t_kfit / t_keras)
        print(f"run {i + 1}: keras {t_keras:.3f} s  kfit {t_kfit:.3f} s  "
              f"ratio {t_kfit / t_keras:.3f}  "
              f"(final loss keras {loss_keras:.5f}, kfit {loss_kfit:.5f})")
    print(f"median keras {statistics.median(keras_times):.3f} s, "
          f"median kfit {statistics.median(kfit_times):.3f} s")
    # The fastest runs are the least disturbed by other load on the machine.
    print(f"best keras {min(keras_times):.3f} s, best kfit {min(kfit_times):.3f} s, "
          f"best_ratio={min(kfit_times) / min(keras_times):.3f}")
    print(f"median_ratio={statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
