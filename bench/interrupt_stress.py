"""Ctrl-C during array training, Python-hosted: how each run ends, for
`kfit.fit()` and for Keras' own `model.fit()`, side by side.

Each run is a fresh Python process training on arrays; a real SIGINT comes at
a random moment (0.05-2 s after training starts, or during start-up) and the
exit status is counted: 0 (the KeyboardInterrupt was caught, the history
returned), -11 (SIGSEGV) or anything else. Runs of the two kinds interleave,
`--parallel` at a time, so both see the same load.

    .venv/bin/python bench/interrupt_stress.py --runs 40 --parallel 3
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CHILD = r"""
import sys
import numpy as np
import keras
import kfit
which, ready = sys.argv[1], sys.argv[2]
x = np.random.default_rng(0).normal(size=(10000, 20)).astype("float32")
model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(16), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
open(ready, "w").close()
try:
    if which == "kfit":
        kfit.fit(model, x, x.sum(axis=1), epochs=1000, verbose=0, view_metrics=False)
    else:
        model.fit(x, x.sum(axis=1), epochs=1000, verbose=0)
except KeyboardInterrupt:
    print("INTERRUPTED", flush=True)
"""


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as from a terminal


def one_run(which: str, seed: int) -> tuple[str, int, str]:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        ready = Path(tmp, "ready")
        process = subprocess.Popen(
            [sys.executable, "-c", CHILD, which, str(ready)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            preexec_fn=_default_sigint)
        deadline = time.monotonic() + 120
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.05, 2.0))
        process.send_signal(signal.SIGINT)
        try:
            out, _ = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            out, _ = process.communicate()
            return which, 999, out.decode(errors="replace")
    return which, process.returncode, out.decode(errors="replace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each kind")
    parser.add_argument("--parallel", type=int, default=2)
    args = parser.parse_args()
    jobs = [(which, i) for i in range(args.runs) for which in ("kfit", "keras")]
    endings: dict[str, collections.Counter[int]] = {
        "kfit": collections.Counter(), "keras": collections.Counter()}
    with ThreadPoolExecutor(args.parallel) as pool:
        for which, rc, out in pool.map(lambda job: one_run(*job), jobs):
            endings[which][rc] += 1
            if rc not in (0,):
                tail = "\n    ".join(out.strip().splitlines()[-6:])
                print(f"{which}: exit {rc}\n    {tail}", flush=True)
    print(f"\n{'':8}{'runs':>6}{'caught':>8}{'SIGSEGV':>9}{'other':>7}")
    for which, counts in endings.items():
        total = sum(counts.values())
        other = total - counts[0] - counts[-11]
        print(f"{which:8}{total:>6}{counts[0]:>8}{counts[-11]:>9}{other:>7}")
    print(f"cpus: {os.cpu_count()}, parallel runs: {args.parallel}")


if __name__ == "__main__":
    main()
