"""What fits leave behind: streams alive, batches they hold, and RSS growth.

`python bench/fit_leaks.py [--fits 50]` runs that many fits of a Python
generator of 6.4 MB batches on one model (normal ends, errors and Ctrl-C in
turn) and prints, after a garbage collection: kfit streams still alive, the
batches they hold, kfit threads, and the RSS growth from after the first fit
(warm-up) to after the last. Run it with PYTHONPATH=<other tree>/bridge to
measure another version of kfit side by side; it asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import threading
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np

import kfit
from kfit.data.stream import BatchStream

ROWS, COLUMNS = 800, 2000  # 6.4 MB of float32 per batch


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def batches(fail_at: int | None = None):
    rng = np.random.default_rng(0)
    n = 0
    while True:
        n += 1
        if n == fail_at:
            raise RuntimeError("broken")
        yield (rng.normal(size=(ROWS, COLUMNS)).astype("float32"),
               rng.normal(size=(ROWS, 1)).astype("float32"))


class CtrlC(keras.callbacks.Callback):
    def on_train_batch_begin(self, batch, logs=None):
        if batch == 1:
            signal.raise_signal(signal.SIGINT)


def one_fit(model, kind: str) -> None:
    try:
        if kind == "done":
            kfit.fit(model, batches(), steps_per_epoch=3, verbose=0)
        elif kind == "error":
            kfit.fit(model, batches(fail_at=2), steps_per_epoch=3, verbose=0)
        else:
            kfit.fit(model, batches(), steps_per_epoch=3, epochs=2, verbose=0,
                     callbacks=[CtrlC()])
    except (kfit.KfitTrainingError, KeyboardInterrupt):
        pass


def left() -> tuple[int, int, int]:
    gc.collect()
    streams = [o for o in gc.get_objects() if isinstance(o, BatchStream)]
    held = sum(len(getattr(s, "_items", ())) for s in streams)
    threads = sum(t.name.startswith("kfit-") for t in threading.enumerate())
    return len(streams), held, threads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fits", type=int, default=50)
    options = parser.parse_args()
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((COLUMNS,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    one_fit(model, "done")
    gc.collect()
    start_rss, started = rss_mb(), time.perf_counter()
    for i in range(options.fits - 1):
        one_fit(model, ("done", "error", "interrupt")[i % 3])
    streams, held, threads = left()
    print(f"kfit {os.path.dirname(kfit.__file__)}: {options.fits} fits of 6.4 MB "
          f"batches in {time.perf_counter() - started:.1f} s: streams alive "
          f"{streams}, batches they hold {held}, kfit threads {threads}, RSS "
          f"{rss_mb() - start_rss:+.0f} MB after the first fit")


if __name__ == "__main__":
    main()
