"""The R worker's socket alone (no Keras): how fast do frames come back?

A diagnostic for bench/r_generator.py. It starts kfit's own R worker
(`WorkerPool`, the payload `worker_prepare()` writes) for a generator that
returns batches from a precomputed pool, so nearly all the time measured
is transport: R encoding and writing a frame, Python reading and decoding
it. Three request patterns, each timed per frame:

- latency:    one request at a time (request, wait for its frame);
- streaming:  10 requests in flight, one new request after each frame;
- bursts:     10 requests, then their 10 frames, then 10 more (what
              kfit's reader does once Keras's queue is full and frees up).

Each runs with the worker as kfit starts it, and with experiments on kfit's
R side patched into the payload here (`payload_patch()` in r_workloads.R;
kfit's files are not changed):

- TCP_NODELAY: `options(socketOptions = "no-delay")` before the worker
  connects. R writes a frame with several writeBin() calls; without it,
  Nagle's algorithm holds a small write while an earlier one is
  unacknowledged, and the reading side's delayed ACK (40 ms on Linux)
  releases it.
- + plain leaves: also the worker's bare() copies a matrix without its
  dim (`dim(x) <- NULL`) instead of `attributes(x) <- NULL`, which makes
  an ALTREP wrapper that writeBin() writes several times slower.

Prints per-frame medians and the count of frames that took over 30 ms.

    .venv/bin/python bench/worker_transport.py [--frames 300] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
os.environ.setdefault("R_LIBS_USER", str(HERE.parent / ".Rlib"))

import rpy2.robjects as ro  # noqa: E402

from kfit.data.r_generator import RGeneratorSource  # noqa: E402
from kfit.workers import WorkerPool  # noqa: E402
from kfit.workers.pool import NEXT  # noqa: E402

CONFIGS = {  # label: payload_patch() arguments (bench/r_workloads.R), None: as is
    "as kfit runs it": None,
    "TCP_NODELAY": {"no_delay": True, "plain_leaves": False},
    "+ plain leaves": {"no_delay": True, "plain_leaves": True},
}


def start(source: RGeneratorSource, patch: dict[str, bool] | None) -> WorkerPool:
    plan = source.function.prepare_workers(1)
    if patch is not None:
        ro.r["payload_patch"](plan.payload, **patch)
    pool = WorkerPool(plan, 1, label="the transport benchmark")
    pool.start()
    return pool


def latency(pool: WorkerPool, frames: int) -> list[float]:
    out = []
    for _ in range(frames):
        t0 = time.perf_counter()
        pool.send(1, NEXT)
        pool.receive(1)
        out.append(time.perf_counter() - t0)
    return out


def streaming(pool: WorkerPool, frames: int, in_flight: int = 10) -> list[float]:
    for _ in range(in_flight):
        pool.send(1, NEXT)
    out = []
    last = time.perf_counter()
    for _ in range(frames):
        pool.receive(1)
        pool.send(1, NEXT)
        now = time.perf_counter()
        out.append(now - last)
        last = now
    for _ in range(in_flight):
        pool.receive(1)
    return out


def bursts(pool: WorkerPool, frames: int, size: int = 10) -> list[float]:
    out = []
    last = time.perf_counter()
    for _ in range(frames // size):
        for _ in range(size):
            pool.send(1, NEXT)
        for _ in range(size):
            pool.receive(1)
            now = time.perf_counter()
            out.append(now - last)
            last = now
    return out


def summary(times: list[float]) -> str:
    ms = [t * 1e3 for t in times]
    return (f"{statistics.median(ms):7.2f} ms/frame median, mean "
            f"{statistics.mean(ms):6.2f}, {sum(t > 30 for t in ms):3d} over 30 ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=1)
    options = parser.parse_args()
    ro.r["source"](str(HERE / "r_workloads.R"))
    print(f"R worker transport, {options.frames} frames per pattern; load average "
          f"{os.getloadavg()[0]:.2f}")
    patterns: dict[str, Any] = {"latency": latency, "streaming": streaming,
                                "bursts": bursts}
    for rows, cols in ((32, 10), (128, 784)):
        pool_r = ro.r["bench_pool"](8, rows, cols)
        source = RGeneratorSource(ro.r["make_pool_generator"](pool_r))
        print(f"\n== {rows}x{cols} batches ({rows * cols * 8 + rows * 8} bytes of "
              "doubles per frame)")
        for repeat in range(options.repeats):
            labels = list(CONFIGS) if repeat % 2 == 0 else list(reversed(CONFIGS))
            for label in labels:
                pool = start(source, CONFIGS[label])
                try:
                    streaming(pool, 20)  # warm-up
                    for name, pattern in patterns.items():
                        print(f"  {label:15s} {name:9s} "
                              f"{summary(pattern(pool, options.frames))}", flush=True)
                finally:
                    pool.close()
        source.close()


if __name__ == "__main__":
    main()
