"""kfit.r.host: the R package's entry point. R's arguments, encoded as R
encodes them, become a run's or an error's record for R; nothing trains
here (every run is refused before training), the R package's own tests
train through it."""

from __future__ import annotations

import rpy2.robjects as ro

from kfit.r import host
from kfit.r.rpy2_host import _kfit, _record


def _encoded(r_code: str) -> dict:
    """R's argument list as `kfit:::encode_for_core()` sends it."""
    return _record(_kfit("encode_for_core")(ro.r(r_code), arrays=True))


def test_an_error_comes_back_as_a_record_in_r_words(make_model) -> None:
    record = host.fit_from_r(make_model(), _encoded("list(epochs = 0, verbose = 0)"),
                             {}, [], context={})
    assert record["ok"] is False and record["history"] is None
    assert record["classes"][:2] == ["kfit_value_error", "kfit_argument_error"]
    assert record["argument"] == "epochs"
    assert record["received"] == "0"  # R's words
    assert host.last_record() is record  # for a Ctrl-C on the way back: once
    assert host.last_record() is None


def test_a_name_given_twice_is_refused_before_anything_runs(make_model) -> None:
    record = host.fit_from_r(make_model(),
                             _encoded("list(class_weight = c('0' = 1, '0' = 2))"),
                             {}, [], context={})
    assert record["ok"] is False and record["argument"] == "class_weight"
    assert "more than once" in record["main"]


def test_data_arguments_stay_r_values_the_rest_becomes_python() -> None:
    arguments = host._arguments(_encoded(
        "list(x = matrix(1, 2, 2), epochs = 3L, class_weight = list('0' = 1))"))
    assert type(arguments["x"]).__name__ == "RVector"
    assert arguments["epochs"] == 3 and arguments["class_weight"] == {"0": 1.0}
    assert set(host.DATA_ARGUMENTS) >= {"x", "y", "validation_data"}
