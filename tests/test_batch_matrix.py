"""Every batch exactly once, in order, on every backend and distribution.

Each batch carries its number; a probe layer inside the compiled step
records which numbers were trained and validated, at which step
(`batch_probe`). One child Python per setup (the backend is fixed before
Keras loads) runs every case of `batch_matrix_cases` (Python-hosted); one
child Rscript per setup runs the R sources with R hosting Python. The
backends live in the cran world's venv (`.venv-cran`, NumPy 2), where `make`
installs JAX and torch: a missing one fails here, never skips.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import batch_matrix_cases as cases
import pytest

pytestmark = pytest.mark.trains  # see conftest.py

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
SETUPS = ["tensorflow", "tensorflow-mirrored", "jax", "jax-dataparallel", "torch",
          "jax-without-tensorflow", "torch-without-tensorflow"]
# R-hosted: the backend chosen by KERAS_BACKEND, or by keras3::use_backend().
R_SETUPS = ["tensorflow", "tensorflow-mirrored", "jax", "jax-dataparallel", "torch",
            "jax-use-backend"]
R_CASES = ["r_generator", "r_generator_null", "r_index_dataset",
           "r_validation_generator", "r_in_session", "r_failing_generator"]


def backend_python() -> str:
    """The cran world's Python, which has every Keras backend."""
    python = os.environ.get("KFIT_PYTHON_CRAN") or str(ROOT / ".venv-cran/bin/python")
    assert Path(python).exists(), (
        f"{python} is missing: `make setup` makes the cran world's venv with "
        "JAX and torch (the backend matrix needs them)")
    return python


def _parse(stdout: str) -> dict[str, dict[str, Any]]:
    out = {}
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
            out[result["case"]] = result
    return out


def _environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("KERAS_BACKEND", None)
    env.pop("XLA_FLAGS", None)
    env.setdefault("R_LIBS_USER", str(ROOT / ".Rlib"))
    env.update(extra)
    return env


@cache
def python_hosted(setup: str) -> dict[str, dict[str, Any]]:
    done = subprocess.run(
        [backend_python(), str(TESTS / "batch_matrix_child.py"), setup],
        capture_output=True, text=True, timeout=900, env=_environment(),
        check=False)
    results = _parse(done.stdout)
    assert done.returncode == 0 and len(results) == len(cases.CASES), (
        done.stdout[-3000:] + done.stderr[-5000:])
    return results


@cache
def r_hosted(setup: str) -> dict[str, dict[str, Any]]:
    python = backend_python()
    world = {"R_LIBS_USER": f"{ROOT / '.Rlib-cran'}:{ROOT / '.Rlib'}",
             "KFIT_PYTHON": python, "RETICULATE_PYTHON": python,
             "RETICULATE_USE_MANAGED_VENV": "no"}
    done = subprocess.run(
        ["Rscript", str(TESTS / "batch_matrix_child.R"), setup, *R_CASES],
        capture_output=True, text=True, timeout=900, env=_environment(**world),
        check=False)
    results = _parse(done.stdout)
    assert done.returncode == 0 and len(results) == len(R_CASES), (
        done.stdout[-3000:] + done.stderr[-5000:])
    return results


def check(result: dict[str, Any], case: str) -> None:
    """The probe saw exactly what single-device TensorFlow trains (in order,
    each batch once; repeated numbers at their mean step)."""
    expected = cases.EXPECTED[case]
    times = expected.get("times", 1)
    trained = result["train"]
    if times == 1:
        assert [n for n, _ in trained] == [n for n, _ in expected["train"]]
        steps = [s for _, s in trained]
        assert steps == sorted(set(steps)), "two batches at one step"
        assert all(s == int(s) for s in steps), "a batch trained twice"
    else:
        assert trained == expected["train"]
    assert set(result["train_rows"].values()) == {8 * times}
    groups: dict[float, list[int]] = {}
    for number, after in result["val"]:
        groups.setdefault(after, []).append(number)
    assert list(groups.values()) == cases.validation_passes(case)
    assert set(result["val_rows"].values()) <= {8}
    if "error" in expected:
        assert expected["error"] in (result["error"] or "")
    else:
        assert result["error"] is None
    assert result["epochs"] == list(range(1, expected["epochs"] + 1))


def same_history(result: dict[str, Any], reference: dict[str, Any]) -> None:
    assert result["history"].keys() == reference["history"].keys()
    for name, values in reference["history"].items():
        assert result["history"][name] == pytest.approx(values, rel=1e-4, abs=1e-5)


@pytest.mark.parametrize("setup", SETUPS)
@pytest.mark.parametrize("case", cases.CASES)
def test_python_hosted(setup: str, case: str) -> None:
    result = python_hosted(setup)[case]
    check(result, case)
    same_history(result, python_hosted("tensorflow")[case])


@pytest.mark.parametrize("setup", R_SETUPS)
@pytest.mark.parametrize("case", R_CASES)
def test_r_hosted(setup: str, case: str) -> None:
    result = r_hosted(setup)[case]
    check(result, case)
    same_history(result, python_hosted("tensorflow")[case])


def test_the_matrix_covers_every_source_kind() -> None:
    assert list(cases.EXPECTED) == sys.modules["batch_matrix_cases"].CASES
    assert set(R_CASES) <= set(cases.CASES)


MULTI_WORKER = """
import os
os.environ["KERAS_BACKEND"] = "tensorflow"
import numpy as np, tensorflow as tf, keras, kfit
strategy = tf.distribute.MultiWorkerMirroredStrategy()
with strategy.scope():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
before = model.get_weights()
try:
    kfit.fit(model, np.ones((8, 3)), np.ones(8), verbose=0)
except kfit.KfitUnsupportedError as error:
    print("REFUSED " + str(error).replace(chr(10), " "))
    print("UNCHANGED", all((a == b).all() for a, b in
                           zip(before, model.get_weights(), strict=True)))
"""


def test_multi_worker_mirrored_is_refused_before_step_one() -> None:
    done = subprocess.run([backend_python(), "-c", MULTI_WORKER], capture_output=True,
                          text=True, timeout=300, env=_environment(), check=False)
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines()
                 if line.startswith(("REFUSED", "UNCHANGED")))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "keras-team/keras#20585" in lines["REFUSED"]
    assert "MirroredStrategy()" in lines["REFUSED"]  # the hint
    assert len(lines["REFUSED"]) < 600  # no tensor dump
    assert lines["UNCHANGED"] == "True"
