"""The Python package as users get it, not as this checkout runs it.

The wheel and the sdist are built from a clean copy of the committed tree
(`git archive HEAD`: uncommitted changes are not in it) and must contain the
chart library of the live view. The wheel then goes into a fresh venv outside
the repository that already holds NumPy 2 and tensorflow-cpu, the way a keras3
user's environment does: installing kfit must change nothing there, and kfit
must work from it: a live view opens and the core's pytest suite passes.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.trains  # see conftest.py

REPO = Path(__file__).resolve().parents[1]
STATIC = "kfit/viewer/static"
CHART_FILES = (
    "uPlot.iife.min.js", "uPlot.min.css", "uPlot.LICENSE", "PROVENANCE.md", "VERSION",
)
# The world with NumPy 2: the fresh venv gets .venv-cran's versions.
CONSTRAINTS = REPO / "setup" / "constraints-cran.txt"
# The core's tests that read its package data (the live view's page, its
# chart library), rerun against the installed wheel; the rest of what the
# wheel must hold (every module) is checked module by module.
CORE_TESTS = (*sorted(p.name for p in Path(__file__).parent.glob("test_viewer*.py")),
              "test_fit_view_metrics.py")

LIVE_VIEW_SCRIPT = """
import json, sys, urllib.request, webbrowser
import keras, numpy as np
import kfit
from kfit.viewer import assets

opened = []
webbrowser.open = lambda url, *args, **kwargs: opened.append(url) or True
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, "softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
x = np.random.default_rng(0).normal(size=(40, 4)).astype("float32")
y = (np.arange(40) % 3).astype("int32")
history = kfit.fit(model, x, y, epochs=2, verbose=0, view_metrics=True)
[url] = opened
page = urllib.request.urlopen(url).read().decode("utf-8")
data = urllib.request.urlopen(url.rsplit("/", 1)[0] + "/metrics.json").read()
chart = (assets.STATIC_DIR / assets.CHART_JS).read_text(encoding="utf-8")
print(json.dumps({
    "kfit": kfit.__file__, "static": str(assets.STATIC_DIR), "prefix": sys.prefix,
    "numpy": np.__version__, "url": url, "chart_bytes": len(chart),
    "chart_in_page": chart in page, "payload": json.loads(data),
    "epochs": history.epochs,
}))
"""


@dataclass(frozen=True)
class Dists:
    """The built distributions and the tree they were built from."""

    src: Path
    wheel: Path
    sdist: Path


@dataclass(frozen=True)
class UserVenv:
    """The fresh venv: its python and its packages before and after kfit."""

    python: Path
    before: Mapping[str, str]
    after: Mapping[str, str]


def _run(cmd: list[str | os.PathLike[str]], *, cwd: Path | None = None,
         env: Mapping[str, str] | None = None,
         timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Runs `cmd`; fails the test with its output if it exits non-zero."""
    done = subprocess.run([os.fspath(c) for c in cmd], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(map(str, cmd))} exited {done.returncode}:\n"
                    f"{done.stdout[-6000:]}\n{done.stderr[-6000:]}")
    return done


def _outside_env(venv: Path) -> dict[str, str]:
    """The environment for the fresh venv: nothing that points at this checkout,
    nor what embedding R (rpy2, in earlier tests of this session) put there:
    its LD_LIBRARY_PATH makes Python's ssl module load the wrong library."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "LD_LIBRARY_PATH",
                        "R_HOME")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    return env


def _pip(python: Path, *args: str | os.PathLike[str]) -> None:
    _run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check",
          *args], env=_outside_env(python.parents[1]))


def _packages(python: Path) -> dict[str, str]:
    """Distribution name (normalized) -> version, as pip lists them."""
    done = _run([python, "-m", "pip", "list", "--format=json",
                 "--disable-pip-version-check"], env=_outside_env(python.parents[1]))
    return {p["name"].lower().replace("_", "-"): p["version"]
            for p in json.loads(done.stdout)}


def _pinned(name: str) -> str:
    """The version `setup/constraints-cran.txt` pins for `name`."""
    for line in CONSTRAINTS.read_text().splitlines():
        left, _, version = line.partition("==")
        if left.strip().lower().replace("_", "-") == name:
            return version.strip()
    raise AssertionError(f"{CONSTRAINTS} pins no {name}")


# ---- fixtures -------------------------------------------------------------


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Dists:
    """The sdist, and the wheel built from it, of the committed tree."""
    root = tmp_path_factory.mktemp("packaging")
    src, out = root / "src", root / "dist"
    src.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar",
                              "HEAD"], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(src, filter="data")
    # `python -m build` makes the sdist, then the wheel from the sdist: the
    # wheel can only hold what the sdist carried.
    _run([sys.executable, "-m", "build", "--outdir", out, src], cwd=root)
    [wheel] = out.glob("kfit-*.whl")
    [sdist] = out.glob("kfit-*.tar.gz")
    return Dists(src=src, wheel=wheel, sdist=sdist)


@pytest.fixture(scope="module")
def user_venv(tmp_path_factory: pytest.TempPathFactory, dists: Dists) -> UserVenv:
    """A fresh venv with NumPy 2 and tensorflow-cpu, then kfit's wheel."""
    venv = tmp_path_factory.mktemp("user") / "venv"
    _run([sys.executable, "-m", "venv", venv])
    python = venv / "bin" / "python"
    # What a keras3 user has: TensorFlow (CPU) with Keras 3, NumPy 2. (Not
    # compiling TensorFlow's thousands of modules up front saves ~20 s.)
    _pip(python, "--no-compile", "-c", CONSTRAINTS, "numpy", "tensorflow-cpu")
    before = _packages(python)
    _pip(python, dists.wheel)  # as users do: no constraints, no --no-deps
    return UserVenv(python=python, before=before, after=_packages(python))


# ---- the distributions ----------------------------------------------------


def test_checked_in_chart_files_match_their_provenance() -> None:
    done = subprocess.run(
        [sys.executable, REPO / "setup" / "check_viewer_static.py",
         REPO / "bridge" / "kfit" / "viewer"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_wheel_and_sdist_contain_the_chart_files(dists: Dists) -> None:
    with zipfile.ZipFile(dists.wheel) as whl:
        in_wheel = {name: whl.read(name) for name in whl.namelist()}
    with tarfile.open(dists.sdist) as sdist:
        top = sdist.getnames()[0].split("/")[0]
        in_sdist = {m.name.removeprefix(f"{top}/"): m for m in sdist.getmembers()}
        for name in CHART_FILES:
            committed = (dists.src / "bridge" / STATIC / name).read_bytes()
            assert committed, f"{name} is empty in HEAD"
            assert in_wheel[f"{STATIC}/{name}"] == committed, name
            member = sdist.extractfile(in_sdist[f"bridge/{STATIC}/{name}"])
            assert member is not None and member.read() == committed, name
    assert "kfit/viewer/template.html" in in_wheel
    assert not [n for n in in_wheel if "node_modules" in n]


def test_wheel_metadata_states_ranges_not_this_machine(dists: Dists) -> None:
    with zipfile.ZipFile(dists.wheel) as whl:
        [meta] = [n for n in whl.namelist() if n.endswith(".dist-info/METADATA")]
        requires = [line.removeprefix("Requires-Dist: ")
                    for line in whl.read(meta).decode().splitlines()
                    if line.startswith("Requires-Dist: ")]
    plain = sorted(r for r in requires if "extra ==" not in r)
    assert plain == ["keras>=3", "numpy>=1.26"]
    assert not [r for r in requires if "==" in r.split(";")[0]]
    assert 'tensorflow-cpu>=2.16; extra == "cpu"' in requires
    assert 'tensorflow>=2.16; extra == "tensorflow"' in requires
    assert 'rpy2<3.6,>=3.5.17; extra == "rpy2"' in requires


# ---- the user's venv ------------------------------------------------------


def test_install_changes_nothing_in_a_numpy2_tensorflow_cpu_env(
    user_venv: UserVenv,
) -> None:
    before, after = user_venv.before, user_venv.after
    assert before["numpy"].startswith("2.") and before["numpy"] == _pinned("numpy")
    assert before["tensorflow-cpu"] == _pinned("tensorflow-cpu")
    assert "tensorflow" not in before and "kfit" not in before
    added = {k: v for k, v in after.items() if before.get(k) != v}
    assert added == {"kfit": "0.1.0"}  # no upgrade, downgrade or addition
    assert set(before) <= set(after)
    assert after["tensorflow-cpu"] == before["tensorflow-cpu"]
    assert "tensorflow" not in after  # not added beside tensorflow-cpu


def test_live_view_serves_the_installed_chart_library(user_venv: UserVenv,
                                                      tmp_path: Path) -> None:
    env = _outside_env(user_venv.python.parents[1])
    done = _run([user_venv.python, "-c", LIVE_VIEW_SCRIPT], cwd=tmp_path, env=env)
    got = json.loads(done.stdout.strip().splitlines()[-1])
    site = Path(got["prefix"])
    assert Path(got["kfit"]).is_relative_to(site)
    assert Path(got["static"]).is_relative_to(site)
    assert not Path(got["kfit"]).is_relative_to(REPO)
    assert got["numpy"].startswith("2.")
    assert got["url"].startswith("http://127.0.0.1:")
    assert got["chart_bytes"] > 10_000 and got["chart_in_page"]
    assert got["payload"]["status"] == "done"
    assert got["payload"]["epoch"] == got["epochs"] == [1, 2]


def test_core_suite_passes_against_the_installed_wheel(user_venv: UserVenv,
                                                       dists: Dists,
                                                       tmp_path: Path) -> None:
    python = user_venv.python
    _pip(python, "-c", CONSTRAINTS, "pytest", "playwright", "pillow")
    suite = tmp_path / "tests"
    suite.mkdir()
    for name in (*CORE_TESTS, "conftest.py", "support.py", "viewer_support.py"):
        (suite / name).write_bytes((dists.src / "tests" / name).read_bytes())
    # the live view's reference screenshots, from the sdist too
    shutil.copytree(dists.src / "tests" / "snapshots", suite / "snapshots")
    # Part of the run: the kfit these tests import is the installed one, with
    # every module of the source tree, each importable.
    modules = sorted(_source_modules(REPO / "bridge"))
    (suite / "test_installed_kfit.py").write_text(INSTALLED_KFIT_TEST.format(
        repo=str(REPO), modules=modules))
    done = _run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                 "--rootdir", tmp_path, "tests"],
                cwd=tmp_path, env=_outside_env(python.parents[1]))
    summary = done.stdout.strip().splitlines()[-1]
    print(f"core suite from the installed wheel: {summary}")
    assert " passed" in summary and " failed" not in summary
    assert " skipped" not in summary and " error" not in summary
    defined = sum((suite / name).read_text().count("\ndef test_")
                  for name in (*CORE_TESTS, "test_installed_kfit.py"))
    assert int(summary.split(" passed")[0].split()[-1]) >= defined > len(CORE_TESTS)


def _source_modules(root: Path) -> set[str]:
    """Dotted names of every module under `root` (e.g. "kfit.data.stream")."""
    names = set()
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        if "node_modules" in parts:
            continue
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


INSTALLED_KFIT_TEST = """import importlib
import pkgutil
import sys
from pathlib import Path

import kfit

SOURCE_MODULES = {modules!r}


def test_kfit_is_the_installed_wheel():
    assert Path(kfit.__file__).is_relative_to(sys.prefix), kfit.__file__
    assert not Path(kfit.__file__).is_relative_to({repo!r})


def test_the_wheel_has_every_module_of_the_source_and_each_imports():
    installed = {{"kfit"}} | {{m.name for m in pkgutil.walk_packages(
        kfit.__path__, "kfit.")}}
    assert installed == set(SOURCE_MODULES)
    for name in SOURCE_MODULES:
        assert importlib.import_module(name).__file__.startswith(sys.prefix), name

"""
