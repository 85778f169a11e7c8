"""kfit.rformat: numbers as R's `format(x, digits = 4)` shows them, checked
against R itself: Rscript formats the same values and every cell must match.
"""

from __future__ import annotations

import math
import shutil
import subprocess

import numpy as np
import pytest

from kfit.rformat import format_r_number


@pytest.mark.parametrize(("value", "expected"), [
    (0.2512, "0.2512"), (0.3012, "0.3012"), (3.6e-05, "3.6e-05"), (1.2499, "1.25"),
    (1234567, "1234567"), (123456789, "123456789"), (1e5, "1e+05"),
    (123456, "123456"), (100, "100"), (0.1 + 0.2, "0.3"), (-0.5, "-0.5"),
    (1 / 3, "0.3333"), (9.99995, "10"), (0.0001, "1e-04"), (0.001234, "0.001234"),
    (1e-300, "1e-300"), (1e100, "1e+100"), (-1234567, "-1234567"),
    (float(np.float32(0.4125)), "0.4125"), (0, "0"), (-0.0, "0"), (7, "7"),
    (None, "NA"), (math.nan, "NaN"), (math.inf, "Inf"), (-math.inf, "-Inf")])
def test_format_r_number_known_values(value, expected):
    assert format_r_number(value) == expected


def r_format(values: list[float | None], digits: int) -> list[str]:
    """R's `format(v, digits = digits)` for each value, by Rscript."""
    rscript = shutil.which("Rscript")
    assert rscript, "Rscript is needed to compare with R"
    script = (
        "x <- as.numeric(readLines(file('stdin')))\n"
        f"cat(vapply(x, function(v) format(v, digits = {digits}), ''), sep = '\\n')")
    text = "\n".join("NA" if v is None else
                     "NaN" if math.isnan(v) else
                     ("Inf" if v > 0 else "-Inf") if math.isinf(v) else repr(v)
                     for v in values)
    out = subprocess.run([rscript, "--vanilla", "-e", script], input=text + "\n",
                         capture_output=True, text=True, check=True, timeout=60)
    lines = out.stdout.splitlines()
    assert len(lines) == len(values), out.stdout
    return lines


def numbers_to_compare() -> list[float | None]:
    rng = np.random.default_rng(20)
    values: list[float | None] = [
        0.2512, 0.3012, 3.6e-05, 1.2499, 1234567.0, 1e5, 123456.0, 123456789.0,
        0.1 + 0.2, -0.5, 1.5, 100.0, 0.36, 1.102, 9.9995, 0.99995, 0.00012345,
        1e-300, 1e100, 12345.5, 0.15, 2.675, 1.0005, 99999.0, 999999.0, 0.0001,
        5e-05, 1e15, 1.23456e10, 1 / 3, 2 / 3, 1.2345e-5, -2.5e-7, 0.0, 1.0,
        None, math.nan, math.inf, -math.inf]
    # Rounding boundaries: 5 significant digits ending in 5, at many scales.
    for exponent in range(-7, 9):
        for k in rng.integers(1000, 9999, 12):
            values.append(float(f"{k}5e{exponent - 4}"))
        values += [float(f"9.9995e{exponent}"), float(f"9.99949e{exponent}"),
                   float(f"1.00005e{exponent}")]
    # Metrics as Keras reports them: float32 values carried in doubles.
    values += [float(v) for v in rng.uniform(0, 1, 150).astype(np.float32)]
    values += [float(v) for v in rng.uniform(0, 5, 50).astype(np.float32)]
    # Any magnitude, either sign.
    values += [float(v) for v in 10 ** rng.uniform(-9, 9, 200)
               * rng.choice([-1.0, 1.0], 200)]
    return values


@pytest.mark.parametrize("digits", [4, 3, 7])
def test_format_r_number_matches_r_cell_by_cell(digits):
    values = numbers_to_compare()
    expected = r_format(values, digits)
    got = [format_r_number(v, digits) for v in values]
    mismatches = [(v, r, k) for v, r, k in zip(values, expected, got, strict=True)
                  if r != k]
    assert mismatches == [], f"(value, R, kfit): {mismatches[:10]}"
