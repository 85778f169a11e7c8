"""The kfit package: its public names, and what importing it loads (never
TensorFlow: training does)."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_argument_rules_does_not_import_tensorflow():
    code = ("import sys, kfit, kfit.arguments, kfit.class_weight, kfit.history; "
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, check=True, timeout=60).stdout
    assert out.strip() == "[]"


def test_the_public_names_are_there_and_documented() -> None:
    import kfit

    assert sorted(kfit.__all__) == sorted(set(kfit.__all__))
    for name in kfit.__all__:
        assert getattr(kfit, name).__doc__, name
    assert issubclass(kfit.KfitValueError, kfit.KfitArgumentError)
    assert kfit.stop_workers() >= 0  # how many idle R workers it stopped
    assert kfit.stop_workers() == 0  # none left
