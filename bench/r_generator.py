"""Training from R generators, Python-hosted (rpy2 embeds R): does the R
work overlap training, and what does each batch cost?

Twin of bench/r_generator.R (R hosts Python); both take their R workloads
from bench/r_workloads.R and their timing from bench/bench_support.py.
Everything is measured side by side in this one process: the variants of a
round alternate (their order rotates from round to round), each is warmed
up first, and the summaries are medians of per-round ratios. Nothing is
asserted: the machine is shared and noisy.

1. Overlap, for two R generators of 128 x 784 batches feeding Dense
   512-512-1 (mse, adam): one that sleeps 10 ms and returns precomputed
   data (I/O-like), one that computes ~10 ms in R (rnorm() plus scalar
   arithmetic, calibrated at start). Per round:
     gen_alone    the generator called N times in R;
     train_alone  Keras' model.fit on the same kind of batches, precomputed
                  in memory as arrays, N steps;
     kfit_w1      kfit.fit(model, gen, steps_per_epoch=N) (workers = 1);
     serial_w0    the same with workers = 0 (R between steps, no overlap).
   Training runs are timed from the begin of batch 0 to the end of training
   (a Keras callback), so worker start-up is left out; start-up (the call
   to batch 0) is printed apart. `steady` repeats the ratio over the last
   half of the steps only (no batches made ahead during start-up in it).
     ratio        = kfit_w1 / max(gen_alone, train_alone) (target: sleep
                    <= 1.05, CPU <= 1.20)
     serial_ratio = serial_w0 / max(gen_alone, train_alone) (about 1.6)
2. Index dataset function(i) whose R work is about twice a training step,
   workers = 2 against workers = 1: t(w2) / t(w1) (target <= 0.65). Run
   with R work that sleeps and with R work that computes (two CPU-bound R
   processes and TensorFlow share this machine's cores). `floor/w1` is the
   least t(w2) these cores allow (`cores_floor`: training alone, the R work
   split in two, or the CPU seconds of R work and training spread over every
   core), over t(w1): on 2 cores, CPU-bound R work cannot reach 0.65.
3. Per-batch cost: a trivial R generator (32 x 10 batches from a pool, no
   work) with kfit (workers = 1) against Keras reading the same batches
   through tf.data.Dataset.from_generator over a Python generator, Dense
   10-1, 2000 steps: ratio kfit / keras (target <= 1.3).

    .venv/bin/python bench/r_generator.py [--repeats 3] [--steps 150]
        [--index-steps 100] [--batch-steps 2000] [--only overlap|workers|per-batch]

bench/worker_transport.py times the worker's socket alone (no Keras).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("R_LIBS_USER", str(HERE.parent / ".Rlib"))
sys.path.insert(0, str(HERE))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import rpy2.robjects as ro  # noqa: E402
from bench_support import (  # noqa: E402
    Timer,
    as_batches,
    cores_floor,
    dense_model,
    generator_dataset,
    median,
    tiled,
    train_alone,
    train_from_generator,
)

import kfit  # noqa: E402

ROWS, COLS = 128, 784
POOL = 8

R = ro.r


def r_call(name: str, *args: Any, **kwargs: Any) -> Any:
    return R[name](*args, **kwargs)


def r_number(value: Any) -> float:
    return float(value[0])


def numpy_pool(pool: Any) -> tuple[list[np.ndarray], list[np.ndarray]]:
    return as_batches([(np.asarray(b[0]), np.asarray(b[1])) for b in pool])


def kfit_run(model: Any, gen: Any, steps: int, workers: int) -> Timer:
    timer = Timer().mark()
    kfit.fit(model, gen, steps_per_epoch=steps, epochs=1, verbose=0,
             workers=workers, callbacks=[timer], view_metrics=False)
    return timer


def gen_alone_cpu(gen: Any, steps: int, index: bool = False) -> tuple[float, float]:
    """Seconds and CPU seconds of `steps` calls of `gen` in R."""
    timed = r_call("time_generator", gen, steps, index=index)
    return r_number(timed), r_number(timed.do_slot("cpu"))


def gen_alone(gen: Any, steps: int, index: bool = False) -> float:
    return gen_alone_cpu(gen, steps, index)[0]


class Rounds:
    """Per-round values of named variants, printed as a table."""

    def __init__(self, columns: list[str], width: int = 10) -> None:
        self.columns = columns
        self.width = width
        self.rows: list[dict[str, float]] = []
        print("round " + " ".join(f"{c:>{width}}" for c in columns), flush=True)

    def add(self, row: dict[str, float]) -> None:
        self.rows.append(row)
        cells = " ".join(f"{row[c]:>{self.width}.3f}" for c in self.columns)
        print(f"{len(self.rows):>5} {cells}", flush=True)

    def median(self, column: str) -> float:
        return median([row[column] for row in self.rows])


def rotated(variants: list[tuple[str, Callable[[], Any]]], round_: int
            ) -> list[tuple[str, Callable[[], Any]]]:
    k = round_ % len(variants)
    return variants[k:] + variants[:k]


# -- 1. overlap -------------------------------------------------------------
def overlap(label: str, target: float, gen: Any, train_pool: Any, model: Any,
            steps: int, repeats: int) -> None:
    xs, ys = numpy_pool(train_pool)
    x, y = tiled(xs, ys, steps)
    half = steps // 2
    # warm-up: trace the train function for both sources, start R code paths
    train_alone(model, x, y, ROWS, 10)
    kfit_run(model, gen, 10, 1)
    kfit_run(model, gen, 10, 0)
    gen_alone(gen, 10)

    print(f"\n== Overlap: {label}; {ROWS}x{COLS} batches, Dense 512-512-1, "
          f"{steps} steps (seconds; training from batch 0 on)")
    table = Rounds(["gen_alone", "train_alone", "kfit_w1", "serial_w0", "ratio",
                    "serial_rat", "steady_rat", "startup_w1", "startup_w0"])
    for round_ in range(repeats):
        got: dict[str, Any] = {}
        variants = [
            ("gen", lambda: gen_alone(gen, steps)),
            ("train", lambda: train_alone(model, x, y, ROWS, steps)),
            ("w1", lambda: kfit_run(model, gen, steps, 1)),
            ("w0", lambda: kfit_run(model, gen, steps, 0)),
        ]
        for name, run in rotated(variants, round_):
            got[name] = run()
        gen_s, train_t, w1, w0 = got["gen"], got["train"], got["w1"], got["w0"]
        base = max(gen_s, train_t.trained())
        steady_base = max(gen_s * (steps - half) / steps, train_t.trained(half))
        table.add({
            "gen_alone": gen_s, "train_alone": train_t.trained(),
            "kfit_w1": w1.trained(), "serial_w0": w0.trained(),
            "ratio": w1.trained() / base, "serial_rat": w0.trained() / base,
            "steady_rat": w1.trained(half) / steady_base,
            "startup_w1": w1.startup(), "startup_w0": w0.startup(),
        })
    print(f"median: gen_alone {table.median('gen_alone'):.3f} s, train_alone "
          f"{table.median('train_alone'):.3f} s, kfit_w1 {table.median('kfit_w1'):.3f} s, "
          f"serial_w0 {table.median('serial_w0'):.3f} s; start-up w1 "
          f"{table.median('startup_w1'):.3f} s, w0 {table.median('startup_w0'):.3f} s")
    print(f"ratio = kfit / max(gen alone, training alone) = "
          f"{table.median('ratio'):.3f} (target <= {target:.2f}); steady (last "
          f"{steps - half} steps) {table.median('steady_rat'):.3f}")
    print(f"serial_ratio = serial / max(gen alone, training alone) = "
          f"{table.median('serial_rat'):.3f} (about 1.6 expected)")


# -- 2. workers = 2 -----------------------------------------------------------
def two_workers(model: Any, pool: Any, step_ms: float, steps: int,
                repeats: int) -> None:
    xs, ys = numpy_pool(pool)
    x, y = tiled(xs, ys, steps)
    work_ms = 2 * step_ms
    cal = r_call("calibrate_passes", pool, work_ms)
    passes = int(cal.rx2("passes")[0])
    print(f"\n== workers = 2: index dataset function(i), R work ~2x the training "
          f"step ({step_ms:.1f} ms): {work_ms:.1f} ms; {steps} steps")
    print(f"calibration (CPU work): batch from the pool {r_number(cal.rx2('base_ms')):.2f}"
          f" ms + {passes} passes x {r_number(cal.rx2('per_pass_ms')):.3f} ms = "
          f"{r_number(cal.rx2('ms')):.2f} ms per batch")
    datasets = {
        "sleep": r_call("make_index_dataset", pool, "sleep", seconds=work_ms / 1000),
        "cpu": r_call("make_index_dataset", pool, "cpu", passes=passes),
    }
    half = steps // 2
    for kind, ds in datasets.items():
        train_alone(model, x, y, ROWS, 10)
        kfit_run(model, ds, 10, 1)
        kfit_run(model, ds, 10, 2)
        what = "sleeps" if kind == "sleep" else "computes"
        print(f"-- R work that {what}")
        table = Rounds(["gen_alone", "train_alone", "kfit_w1", "kfit_w2", "w2/w1",
                        "steady", "startup_w1", "startup_w2", "floor/w1"])
        for round_ in range(repeats):
            got: dict[str, Any] = {}
            variants = [
                ("gen", lambda ds=ds: gen_alone_cpu(ds, steps, index=True)),
                ("train", lambda: train_alone(model, x, y, ROWS, steps)),
                ("w1", lambda ds=ds: kfit_run(model, ds, steps, 1)),
                ("w2", lambda ds=ds: kfit_run(model, ds, steps, 2)),
            ]
            for name, run in rotated(variants, round_):
                got[name] = run()
            w1, w2 = got["w1"], got["w2"]
            (gen_wall, gen_cpu), train = got["gen"], got["train"]
            floor = cores_floor(train.trained(), train.trained_cpu(), gen_wall,
                                gen_cpu, 2)
            table.add({
                "gen_alone": gen_wall, "train_alone": train.trained(),
                "kfit_w1": w1.trained(), "kfit_w2": w2.trained(),
                "w2/w1": w2.trained() / w1.trained(),
                "steady": w2.trained(half) / w1.trained(half),
                "startup_w1": w1.startup(), "startup_w2": w2.startup(),
                "floor/w1": floor / w1.trained(),
            })
        print(f"{kind}: t(workers=2) / t(workers=1) = {table.median('w2/w1'):.3f} "
              f"(target <= 0.65); steady (last {steps - half} steps) "
              f"{table.median('steady'):.3f}; ideal max(train, gen/2) / gen = "
              f"{max(table.median('train_alone'), table.median('gen_alone') / 2) / table.median('gen_alone'):.3f}; "
              f"floor on {os.cpu_count()} cores {table.median('floor/w1'):.3f}")


# -- 3. per-batch cost ----------------------------------------------------------
def per_batch(steps: int, repeats: int) -> None:
    pool = r_call("bench_pool", POOL, 32, 10, seed=3)
    xs, ys = numpy_pool(pool)
    gen = r_call("make_pool_generator", pool)
    model = dense_model(10, ())
    dataset = generator_dataset(xs, ys)
    train_from_generator(model, dataset, 20)
    kfit_run(model, gen, 20, 1)

    print(f"\n== Per-batch cost: trivial R generator (32x10 from a pool), Dense "
          f"10-1, {steps} steps (microseconds per step, from batch 0 on)")
    table = Rounds(["keras_gen", "kfit_w1", "ratio", "startup_w1"])
    for round_ in range(repeats):
        got: dict[str, Timer] = {}
        variants = [
            ("keras", lambda: train_from_generator(model, dataset, steps)),
            ("kfit", lambda: kfit_run(model, gen, steps, 1)),
        ]
        for name, run in rotated(variants, round_):
            got[name] = run()
        k, f = got["keras"].trained(), got["kfit"].trained()
        table.add({"keras_gen": k / steps * 1e6, "kfit_w1": f / steps * 1e6,
                   "ratio": f / k, "startup_w1": got["kfit"].startup()})
    print(f"per-batch ratio = kfit / keras from_generator = "
          f"{table.median('ratio'):.3f} (target <= 1.3); "
          f"{table.median('kfit_w1') - table.median('keras_gen'):.1f} us per batch above "
          "Keras")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--index-steps", type=int, default=100)
    parser.add_argument("--batch-steps", type=int, default=2000)
    parser.add_argument("--only", choices=["overlap", "workers", "per-batch"])
    options = parser.parse_args()

    R["source"](str(HERE / "r_workloads.R"))
    print(f"Python-hosted (rpy2 {__import__('rpy2').__version__}), "
          f"{R('R.version.string')[0]}, keras {keras.__version__}, numpy "
          f"{np.__version__}; {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.2f}", flush=True)
    started = time.perf_counter()
    model = dense_model(COLS, (512, 512))
    sleep_pool = r_call("bench_pool", POOL, ROWS, COLS, seed=1)
    if options.only in (None, "overlap"):
        cal = r_call("calibrate_cpu", ROWS, COLS, 10)
        passes = int(cal.rx2("passes")[0])
        print(f"calibration: CPU generator = rnorm() {r_number(cal.rx2('base_ms')):.2f} ms"
              f" + {passes} passes x {r_number(cal.rx2('per_pass_ms')):.3f} ms = "
              f"{r_number(cal.rx2('ms')):.2f} ms per batch (target 10 ms)", flush=True)
        sleep_gen = r_call("make_sleep_generator", sleep_pool, 0.01)
        cpu_gen = r_call("make_cpu_generator", ROWS, COLS, passes)
        cpu_pool = R("function(gen, n) lapply(seq_len(n), function(i) gen())")(cpu_gen, POOL)
        overlap("R generator that sleeps 10 ms (I/O-like)", 1.05, sleep_gen, sleep_pool,
                model, options.steps, options.repeats)
        overlap("R generator that computes ~10 ms (CPU-bound)", 1.20, cpu_gen, cpu_pool,
                model, options.steps, options.repeats)
    if options.only in (None, "workers"):
        xs, ys = numpy_pool(sleep_pool)
        x, y = tiled(xs, ys, 60)
        train_alone(model, x, y, ROWS, 10)
        step_ms = median([train_alone(model, x, y, ROWS, 60).trained() / 60 * 1000
                          for _ in range(3)])
        two_workers(model, sleep_pool, step_ms, options.index_steps, options.repeats)
    if options.only in (None, "per-batch"):
        per_batch(options.batch_steps, options.repeats)
    print(f"\n(done in {time.perf_counter() - started:.0f} s; load average now "
          f"{os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
