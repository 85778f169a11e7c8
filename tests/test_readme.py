"""The README's code runs as written: every R and Python block, extracted
from README.md, in the order it comes (R blocks build on each other in one
R session). The R blocks run in the cran world (keras3's block needs it);
the first example must learn: its last val_accuracy is above 0.8."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_vignettes import world_env

pytestmark = pytest.mark.trains  # see conftest.py

README = Path(__file__).parents[1] / "README.md"


def blocks(language: str) -> list[str]:
    """The README's fenced blocks of `language`, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```$", README.read_text(), re.S | re.M)


def test_the_readme_has_the_blocks_this_test_runs() -> None:
    assert len(blocks("r")) == 3 and len(blocks("python")) == 1
    assert "library(keras3)" in blocks("r")[2]
    # the only other fences: shell commands, and an error message shown
    fences = re.findall(r"^```(\w*)$", README.read_text(), re.M)
    assert sorted(set(fences)) == ["", "python", "r", "sh"]


def test_the_r_blocks_run_and_the_first_example_learns(tmp_path: Path) -> None:
    r_blocks = blocks("r")
    check = 'cat("\\nCOUNT", count, "\\n")\n'  # after the workers' block
    script = "\n".join([r_blocks[0], r_blocks[1], check, r_blocks[2]])
    path = tmp_path / "readme.R"
    path.write_text(script)
    done = subprocess.run(["Rscript", str(path)], capture_output=True, text=True,
                          timeout=900, env=world_env("cran"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-4000:]
    count = re.search(r"^COUNT ([0-9]+)", done.stdout, re.M)
    assert count and count.group(1) == "0", done.stdout[-3000:]  # the worker's own
    # The iris example learns: its `history` line prints the last epoch.
    assert re.search(r"Final epoch \(plot to see history\):", done.stdout)
    val = [float(v) for v in re.findall(r"val_accuracy: ([0-9.]+)", done.stdout)]
    assert len(val) == 1 and val[0] > 0.8, done.stdout[-3000:]


def test_the_python_block_runs(tmp_path: Path) -> None:
    path = tmp_path / "readme.py"
    path.write_text(blocks("python")[0] + "\nprint('VAL_ACCURACY',"
                    " history.metrics['val_accuracy'][-1], len(frame['epoch']))\n")
    done = subprocess.run([sys.executable, str(path)], capture_output=True,
                          text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-4000:]
    val, rows = re.search(r"VAL_ACCURACY ([0-9.]+) ([0-9]+)", done.stdout).groups()
    assert float(val) > 0.8 and int(rows) == 10 * 4  # 10 epochs x 4 metrics
