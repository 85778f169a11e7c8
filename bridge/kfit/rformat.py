"""Numbers formatted as R's `format(x, digits = 4)` shows them."""

from __future__ import annotations

import math


def format_r_number(value: float | None, digits: int = 4) -> str:
    """Format one number the way R's `format(value, digits = digits)` does.

    R keeps the fewest significant digits (at most `digits`) that show the
    value rounded to `digits` significant digits, and picks fixed or
    scientific notation, whichever is narrower (fixed on a tie).

    Args:
        value: the number; None means R's NA.
        digits: significant digits, as in R.

    Returns:
        The text R would print, e.g. "0.36", "1.102", "3.6e-05", "NA".
    """
    if value is None:
        return "NA"
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    exp = int(exponent)
    significant = len(mantissa.replace("-", "").replace(".", ""))
    sci = f"{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    decimals = max(0, significant - 1 - exp)
    fixed = f"{value:.{decimals}f}"
    return fixed if len(fixed) <= len(sci) else sci
