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

Prints per-frame medians and means, and the count of frames that took over
30 ms: a stall of Nagle's algorithm meeting the reader's delayed ACK (40 ms
on Linux). R writes a frame with several writeBin() calls; before the
worker set TCP_NODELAY (`options(socketOptions = "no-delay")` in
worker_main(), r_pkg/R/worker.R) one frame in ten stalled in the "bursts"
pattern (mean 4.5 ms per 32x10 frame instead of 0.8). For 128x784 frames
the R side's cost dominates: writeBin() of an ALTREP wrapper (what
`attributes(x) <- NULL` makes of a shared matrix) was several times slower
than of a plain copy (bare(), r_pkg/R/codec.R).

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


def start(source: RGeneratorSource) -> WorkerPool:
    pool = WorkerPool(source.function.prepare_workers(1), 1,
                      label="the transport benchmark")
    pool.start()
    return pool


def latency(pool: WorkerPool, frames: int) -> list[float]:
    out = []
    for _ in range(frames):
        t0 = time.perf_counter()
        pool.send(1, [(NEXT, 0)])
        pool.receive(1)
        out.append(time.perf_counter() - t0)
    return out


def streaming(pool: WorkerPool, frames: int, in_flight: int = 10) -> list[float]:
    for _ in range(in_flight):
        pool.send(1, [(NEXT, 0)])
    out = []
    last = time.perf_counter()
    for _ in range(frames):
        pool.receive(1)
        pool.send(1, [(NEXT, 0)])
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
            pool.send(1, [(NEXT, 0)])
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
    parser.add_argument("--repeats", type=int, default=2)
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
        for _ in range(options.repeats):
            pool = start(source)
            try:
                streaming(pool, 20)  # warm-up
                for name, pattern in patterns.items():
                    print(f"  {name:9s} {summary(pattern(pool, options.frames))}",
                          flush=True)
            finally:
                pool.close()
        source.close()


if __name__ == "__main__":
    main()
