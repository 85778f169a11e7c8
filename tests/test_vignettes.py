"""The vignettes run for real: knit each one and check what it shows."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

VIGNETTES = Path(__file__).parents[1] / "vignettes"


def test_getting_started_vignette_knits(tmp_path):
    source = tmp_path / "getting-started.Rmd"
    shutil.copy(VIGNETTES / "getting-started.Rmd", source)
    script = ("rmarkdown::render(commandArgs(TRUE)[1], quiet = TRUE, "
              "output_format = rmarkdown::html_document(self_contained = TRUE))")
    done = subprocess.run(["Rscript", "-e", script, str(source)], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    html = (tmp_path / "getting-started.html").read_text()
    # verbose = "auto" under knitr is 2: one line per epoch, captured in the page
    assert re.search(r"Epoch 1/6", html)
    assert len(re.findall(r"\d+/\d+ - \S+ - \S+/step - accuracy", html)) >= 6 + 3
    assert "Final epoch (plot to see history):" in html
    assert "#&gt; [1] 1 2 3" in html  # the R callback saw epochs 1..3
    assert "#&gt; [1] 4 5 6" in html  # the resumed run's real epoch numbers
    # plot(history) and the final view_metrics chart are images in the page
    assert len(re.findall(r'<img src="data:image/png;base64', html)) >= 2
