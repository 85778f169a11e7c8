"""kfit.viewer: the live metrics view as a package; importing it loads neither
Keras nor TensorFlow."""

from __future__ import annotations

import subprocess
import sys


def test_import_does_not_load_keras() -> None:
    code = (
        "import sys, kfit.viewer; "
        "print(sorted(m for m in ('keras', 'tensorflow') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
