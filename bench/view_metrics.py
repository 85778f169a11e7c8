"""Per-epoch cost of the live metrics view (`MetricsView.add_epoch`).

`add_epoch` records the epoch and wakes a writer thread; the writer renders
the whole run as JSON and rewrites metrics.json and metrics.js atomically.
This prints, for runs of 200 and 2000 epochs with six metrics:

- what the training thread pays per epoch (`add_epoch`);
- what one full write costs (`flush()`, the writer thread's work);
- side by side, a naive update on the training thread (json.dumps of the
  whole run and both files written), and the ratio.

    .venv/bin/python bench/view_metrics.py
"""

from __future__ import annotations

import json
import math
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from kfit.viewer import MetricsView

METRICS = ["loss", "accuracy", "mae", "val_loss", "val_accuracy", "val_mae"]


def logs_for(epoch: int) -> dict[str, float]:
    """Float32 values carried in doubles, as Keras reports them."""
    return {
        name: float(np.float32(math.exp(-epoch / 50) * (i + 1) / 7))
        for i, name in enumerate(METRICS)
    }


def time_view(epochs: int) -> tuple[list[float], list[float]]:
    """Seconds per add_epoch, and per full write at the last 20 epochs."""
    add, write = [], []
    all_logs = [logs_for(e) for e in range(1, epochs + 1)]
    with tempfile.TemporaryDirectory() as tmp:
        view = MetricsView(Path(tmp) / "run")
        view.begin(epochs=epochs, initial_epoch=1)
        for epoch, logs in enumerate(all_logs, start=1):
            t0 = time.perf_counter()
            view.add_epoch(epoch, logs)
            add.append(time.perf_counter() - t0)
            if epoch > epochs - 20:
                t0 = time.perf_counter()
                view.flush()
                write.append(time.perf_counter() - t0)
        view.end()
        view.close()
    return add, write


def time_naive(epochs: int) -> list[float]:
    """Seconds per epoch for json.dumps of the whole run + both files."""
    costs = []
    history: dict[str, list[float]] = {name: [] for name in METRICS}
    all_logs = [logs_for(e) for e in range(1, epochs + 1)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for epoch, logs in enumerate(all_logs, start=1):
            t0 = time.perf_counter()
            for name in METRICS:
                history[name].append(logs[name])
            text = json.dumps({"epoch": list(range(1, epoch + 1)), "metrics": history})
            for name, body in (("m.json", text), ("m.js", f"kfitReceive({text});")):
                tmp_path = folder / f".{name}.tmp"
                tmp_path.write_text(body)
                tmp_path.replace(folder / name)
            costs.append(time.perf_counter() - t0)
    return costs


def us(seconds: list[float]) -> str:
    return (
        f"median {statistics.median(seconds) * 1e6:8.1f} us, "
        f"mean {statistics.fmean(seconds) * 1e6:8.1f} us, "
        f"max {max(seconds) * 1e6:8.1f} us"
    )


def main() -> None:
    time_view(20)  # warm up: imports, the page template, the file system
    print(f"MetricsView, {len(METRICS)} metrics, microseconds per epoch")
    for epochs in (200, 2000):
        add, write = time_view(epochs)
        naive = time_naive(epochs)
        print(f"{epochs}-epoch run:")
        print(f"  add_epoch (training thread), all epochs: {us(add)}")
        print(f"  add_epoch, last 100 epochs:              {us(add[-100:])}")
        print(f"  full write (writer thread), last 20:     {us(write)}")
        print(f"  naive update on the training thread:     {us(naive[-100:])}")
        ratio = statistics.median(naive[-100:]) / statistics.median(add[-100:])
        print(f"  naive / add_epoch (medians, last 100):   {ratio:8.1f}x")


if __name__ == "__main__":
    main()
