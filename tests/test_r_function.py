"""kfit.r.function: an R function as the core knows it, whichever host made
it: calls return decoded R values, worker plans carry R's options, checked."""

from __future__ import annotations

import os

import numpy as np
import pytest
import rpy2.robjects as ro

from kfit.errors import KfitValueError, KfitWorkerCaptureError
from kfit.r.rpy2_host import r_function


def test_calls_return_r_values_decoded_and_as_plain_python() -> None:
    f = r_function(ro.r("function(i) list(a = i * 2, b = c(TRUE, NA))"))
    assert f.arity == 1
    value = f.call_encoded(3)
    assert value.names == ["a", "b"]
    assert np.asarray(value.items[0].data).tolist() == [6.0]
    plain = f.call(3)
    assert plain["a"] == 6.0 and plain["b"][0] is True and not plain["b"][1]
    assert r_function(ro.r("function(...) NULL")).arity is None
    f.release()


def test_a_worker_plan_carries_r_options_and_refuses_bad_ones() -> None:
    f = r_function(ro.r("function() 1"))
    plan = f.prepare_workers(2, packages=["tools"])
    assert plan.reuse is True and plan.idle == 300.0
    assert "tools" in plan.packages and plan.rscript.endswith("Rscript")
    os.remove(plan.payload)  # what the fit would have shipped
    ro.r("options(kfit.worker_idle_timeout = -1)")
    try:
        with pytest.raises(KfitValueError, match=r"kfit\.worker_idle_timeout"):
            f.prepare_workers(1)
    finally:
        ro.r("options(kfit.worker_idle_timeout = NULL)")


def test_what_cannot_reach_a_worker_is_refused_before_anything_starts() -> None:
    f = r_function(ro.r("local({ con <- textConnection('x'); function() con })"),
                   label="The R generator `x`")
    with pytest.raises(KfitWorkerCaptureError, match="`con`"):
        f.prepare_workers(1)
