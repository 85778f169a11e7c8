"""R argument values (over rpy2) -> Python values for `fit()`.

Scalars become Python scalars, NULL becomes None, unnamed vectors lists,
named vectors and named lists dicts (e.g. `class_weight`). Data arguments
(x, y, ...) are left as rpy2 objects: the data sources convert them.
"""

from __future__ import annotations

from typing import Any

from kfit.r.convert import NA_INTEGER, names_of


def r_value(value: Any) -> Any:
    """Convert a small R value (scalar, vector, list) to plain Python."""
    import rpy2.rinterface as ri

    if value is ri.NULL or isinstance(value, ri.NULLType):
        return None
    if isinstance(value, ri.SexpClosure):
        return value
    names = names_of(value)
    if value.typeof == ri.RTYPES.VECSXP:
        items = [r_value(v) for v in value]
    elif value.typeof in (ri.RTYPES.REALSXP, ri.RTYPES.INTSXP, ri.RTYPES.LGLSXP,
                          ri.RTYPES.STRSXP):
        items = [_scalar(v, value.typeof) for v in value]
    else:
        return value
    if names is not None:
        return dict(zip(names, items, strict=True))
    if value.typeof != ri.RTYPES.VECSXP and len(items) == 1:
        return items[0]
    return items


def _scalar(value: Any, typeof: Any) -> Any:
    import rpy2.rinterface as ri

    if typeof == ri.RTYPES.LGLSXP:
        return None if value == NA_INTEGER or value is ri.NA_Logical else bool(value)
    if typeof == ri.RTYPES.INTSXP:
        return None if value == NA_INTEGER else int(value)
    if typeof == ri.RTYPES.STRSXP:
        return None if value is ri.NA_Character else str(value)
    return float(value)
