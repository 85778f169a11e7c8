"""`python -m kfit.demo`: train a small classifier on iris through kfit.fit."""

from __future__ import annotations

import numpy as np


def main() -> None:
    import keras

    import kfit
    from kfit.datasets import iris

    x, y, species = iris()
    order = np.random.default_rng(42).permutation(len(x))  # iris is sorted
    x, y = x[order], y[order]
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    keras.utils.set_random_seed(42)
    model = keras.Sequential([
        keras.Input((4,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(len(species), activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.02),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = kfit.fit(model, x, y, epochs=20, batch_size=16, validation_split=0.2,
                       verbose=2)
    print(history)
    frame = history.as_data_frame()
    print(f"\nas_data_frame(): {len(frame['epoch'])} rows, metrics "
          f"{sorted(set(frame['metric']))}")


if __name__ == "__main__":
    main()
