"""The vignettes run for real: knit each one and check what it shows.

They are the R package's vignettes (r_pkg/vignettes): knitted here as R CMD
build knits them, with their own output format (rmarkdown::html_vignette).
"Using kfit with keras3" trains only where keras3 is installed: in the cran
R world, whose environment is the Makefile's WORLD_cran.
"""

from __future__ import annotations

import html as html_lib
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.trains  # see conftest.py

ROOT = Path(__file__).parents[1]
VIGNETTES = ROOT / "r_pkg" / "vignettes"


def world_env(world: str) -> dict[str, str]:
    """The environment of an R world: the Makefile's WORLD_<world> on top of ours."""
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval",
         f"print-world: ; @echo $(WORLD_{world})", "print-world"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    env = dict(os.environ)
    for item in shlex.split(done.stdout):
        name, _, value = item.partition("=")
        env[name] = value
    return env


def knit(name: str, tmp_path: Path, env: dict[str, str] | None = None) -> str:
    """Knits r_pkg/vignettes/<name>.Rmd in tmp_path; returns the HTML."""
    source = tmp_path / f"{name}.Rmd"
    shutil.copy(VIGNETTES / f"{name}.Rmd", source)
    script = "rmarkdown::render(commandArgs(TRUE)[1], quiet = TRUE)"
    done = subprocess.run(["Rscript", "-e", script, str(source)], capture_output=True,
                          text=True, timeout=600, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    return (tmp_path / f"{name}.html").read_text()


def text_of(html: str) -> str:
    """The page's text: no tags, no embedded images, entities decoded."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", "", html))


def test_getting_started_vignette_knits(tmp_path):
    html = knit("getting-started", tmp_path)
    # verbose = "auto" under knitr is 2: one line per epoch, captured in the page
    assert re.search(r"Epoch 1/6", html)
    assert len(re.findall(r"\d+/\d+ - \S+ - \S+/step - accuracy", html)) >= 6 + 3
    assert "Final epoch (plot to see history):" in html
    assert "#&gt; [1] 1 2 3" in html  # the R callback saw epochs 1..3
    assert "#&gt; [1] 4 5 6" in html  # the resumed run's real epoch numbers
    # plot(history) and the final view_metrics chart are images in the page
    assert len(re.findall(r'<img src="data:image/png;base64', html)) >= 2


def test_from_keras2_vignette_knits_and_measures_live(tmp_path):
    text = text_of(knit("from-keras2", tmp_path))
    assert "deprecated" in text  # fit_generator()'s warning, shown as is
    assert "Final epoch (plot to see history):" in text
    assert text.count("#> [1] 3 4") == 2  # both initial_epoch forms: epochs 3, 4
    assert "#> [1] 0" in text  # `<<-` in a worker leaves the session's count
    assert '#> [1] "kfit_worker_capture_error"' in text
    assert "validation_steps" in text and "is required by" in text
    rows = dict(re.findall(r"(generator alone, 40 calls|fit\(\), workers = [01] "
                           r"\([a-z ]+\))\s+([0-9.]+)", text))
    assert len(rows) == 3 and all(float(v) > 0 for v in rows.values()), text[-2000:]


def test_scaling_out_vignette_trains_under_mirrored_strategy(tmp_path):
    text = text_of(knit("distributed-training", tmp_path, env=world_env("debian")))
    assert "strategy$num_replicas_in_sync\n#> [1] 2" in text  # two replicas
    history = re.search(r"\nhistory\n#> \n#> Final epoch \(plot to see history\):\n"
                        r"#> accuracy: ([\d.]+)\n#>     loss: ([\d.]+)\n", text)
    assert history, text[-4000:]
    assert 0 < float(history[1]) <= 1 and 0 < float(history[2]) < 2
    assert "keras$distribution$DataParallel()" in text  # shown, not run
    assert "kfit_unsupported_error" in text


def cran_world_env() -> dict[str, str]:
    env = world_env("cran")
    libs = env["R_LIBS_USER"].split(":")
    python = env["KFIT_PYTHON"]
    # The cran world is part of every setup: missing, it fails (never skips).
    assert any((Path(lib) / "keras3").is_dir() for lib in libs), (
        f"keras3 is not installed in {libs}: run `make setup`")
    assert Path(python).exists(), f"{python} is missing: run `make setup`"
    return env


def test_keras3_vignette_trains_in_the_cran_world(tmp_path):
    text = text_of(knit("kfit-with-keras3", tmp_path, env=cran_world_env()))
    assert "is not installed where" not in text
    # kfit's fit() is the active method, before and after the explicit calls
    assert text.count('#> [1] "kfit"') == 2
    assert "#> [1] TRUE" in text  # kfit::fit and keras3::fit: one generic
    # early stopping ended training at epoch 3 of 20, one line per epoch
    # (verbose = "auto" under knitr), the generator's 5 batches each
    for epoch in (1, 2, 3):
        assert f"#> Epoch {epoch}/20" in text
    assert "Epoch 4/20" not in text
    assert len(re.findall(r"#> 5/5 - \S+ - \S+/step - accuracy: [\d.]+ - loss: [\d.]+",
                          text)) == 3
    # keras3's callback_lambda() ran in this session and saw epochs 1..3
    assert "epochs_seen\n#> [1] 1 2 3" in text
    # the history is kfit's and prints as kfit prints it
    assert '#> [1] "kfit_training_history"  "keras_training_history"' in text
    history = re.search(r"\nhistory\n#> \n#> Final epoch \(plot to see history\):\n"
                        r"#> accuracy: ([\d.]+)\n#>     loss: ([\d.]+)\n", text)
    assert history, text[-4000:]
    assert 0 < float(history[1]) <= 1 and float(history[2]) > 0
    # as.data.frame(): epochs 1..3 of both metrics
    rows = re.findall(r"#> \d+ +(\d) +[\d.]+ +(accuracy|loss) training", text)
    assert rows == [(str(e), m) for m in ("accuracy", "loss") for e in (1, 2, 3)]
    # kfit_fit() and keras3_fit() return each package's history class
    assert '#> [1] "keras_training_history"' in text
    assert "plot(history)" in text


def test_keras3_vignette_without_keras3_shows_a_note(tmp_path):
    # The debian world has no keras3: the code is shown, not run, and says so.
    env = world_env("debian")
    libs = env["R_LIBS_USER"].split(":")
    assert not any((Path(lib) / "keras3").is_dir() for lib in libs)
    text = text_of(knit("kfit-with-keras3", tmp_path, env=env))
    words = " ".join(text.split())
    assert ("Note: the keras3 package is not installed where this vignette was built"
            in words)
    assert "keras_model_sequential(input_shape = 4)" in text
    assert "#>" not in text


@pytest.fixture(scope="module")
def installed_with_vignettes() -> Path:
    """The library `make` installs kfit into, built with its vignettes
    (`make demo` and `make test` build it; `make check` installs quickly)."""
    lib = Path(world_env("debian")["R_LIBS_USER"].split(":")[0])
    assert (lib / "kfit" / "doc").is_dir(), (
        f"kfit in {lib} was installed without its vignettes: run `make demo` "
        "or `make test` (they build it)")
    return lib


def test_installed_package_lists_its_vignettes(installed_with_vignettes):
    script = ("v <- vignette(package = 'kfit', lib.loc = commandArgs(TRUE)[1]);"
              "v <- v$results;"
              "writeLines(paste(v[, 'Item'], v[, 'Title'], sep = ' | '))")
    done = subprocess.run(["Rscript", "-e", script, str(installed_with_vignettes)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(done.stdout.splitlines()) == [
        "distributed-training | Scaling out: several devices, every batch once "
        "(source, "
        "html)",
        "from-keras2 | From keras 2.x (source, html)",
        "getting-started | Training Keras models from R with kfit (source, html)",
        "kfit-with-keras3 | Using kfit with keras3 (source, html)",
    ]
    doc = installed_with_vignettes / "kfit" / "doc"
    built = {p.name for p in doc.iterdir()}
    assert {"getting-started.html", "kfit-with-keras3.html",
            "distributed-training.html", "from-keras2.html"} <= built
