"""The R `keras_training_history` and the Python `TrainingHistory` agree.

The same training is shown by R's print() and as.data.frame() (the R
package, over rpy2) and by Python's str() and as_data_frame(): cell by cell.
"""

from __future__ import annotations

import math

import pytest

import kfit


@pytest.fixture(scope="module")
def r():
    import rpy2.robjects as ro

    ro.r("suppressPackageStartupMessages(library(kfit))")
    return ro


def _r_frame(r, history):
    from kfit.r.rpy2_host import history_to_r

    r_history = history_to_r(history)
    printed = list(r.r("function(h) capture.output(print(h))")(r_history))
    frame = r.r("function(h) { d <- as.data.frame(h); "
                "list(epoch = d$epoch, value = d$value, "
                "metric = as.character(d$metric), data = as.character(d$data), "
                "classes = vapply(d, function(c) class(c)[1], ''), "
                "levels = levels(d$data)) }")(r_history)
    columns = dict(zip(frame.names, frame, strict=True))
    return printed, columns


@pytest.mark.parametrize(
    "options",
    [
        {"epochs": 3},
        {"epochs": 5, "initial_epoch": 2, "validation_split": 0.2,
         "validation_freq": 2},
        {"epochs": 4, "validation_split": 0.25, "validation_freq": [1, 4]},
    ],
    ids=["plain", "resumed-validation-freq-2", "validation-at-listed-epochs"],
)
@pytest.mark.trains
def test_print_and_data_frame_agree(r, make_model, data, options):
    x, y = data
    history = kfit.fit(make_model(), x, y, verbose=0, **options)
    printed, columns = _r_frame(r, history)
    assert printed == str(history).split("\n")

    frame = history.as_data_frame()
    assert list(columns["epoch"]) == frame["epoch"]
    assert list(columns["metric"]) == frame["metric"]
    assert list(columns["data"]) == frame["data"]
    for r_value, py_value in zip(columns["value"], frame["value"], strict=True):
        if py_value is None:
            assert math.isnan(r_value)
        else:
            assert r_value == py_value  # the same double, not just close
    assert list(columns["classes"]) == ["integer", "numeric", "factor", "factor"]
    assert list(columns["levels"]) == ["training", "validation"]
    assert frame["epoch"][0] == options.get("initial_epoch", 1)


@pytest.mark.trains
def test_history_params_reach_r(r, make_model, data):
    from kfit.r.rpy2_host import history_to_r

    x, y = data
    history = kfit.fit(make_model(), x, y, epochs=3, initial_epoch=2, verbose=0)
    params = r.r("function(h) h$params")(history_to_r(history))
    values = {name: value[0] for name, value in zip(params.names, params, strict=True)}
    assert values["epochs"] == 3
    assert values["initial_epoch"] == 2
    assert values["steps"] == 7
    assert values["verbose"] == 0
