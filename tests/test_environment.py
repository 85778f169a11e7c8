"""kfit.environment: where kfit runs, from what R told the core for a run
(`r_context`) or, without it, from the process (nothing here starts R)."""

from __future__ import annotations

import pytest

from kfit import environment


@pytest.fixture
def plain(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """A Python process that hosts no R and is hosted by none."""
    monkeypatch.setattr(environment, "rpy2_hosts_r", lambda: False)
    for name in ("RSTUDIO", "TF_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_without_r_the_process_environment_decides(plain) -> None:
    assert environment.context() is None
    assert not environment.in_rstudio() and not environment.in_knitr()
    assert not environment.has_viewer() and not environment.in_distributed_worker()
    plain.setenv("RSTUDIO", "1")
    plain.setenv("TF_CONFIG", '{"task": {}}')
    assert environment.in_rstudio() and environment.in_distributed_worker()


def test_what_r_said_holds_for_one_run_and_wins_over_the_process(plain) -> None:
    plain.setenv("RSTUDIO", "1")
    said = {"knitr": True, "rstudio": False, "viewer": print, "tf_config": ""}
    with environment.r_context(said):
        assert environment.context() is said
        assert environment.in_knitr() and environment.has_viewer()
        assert not environment.in_rstudio() and not environment.in_distributed_worker()
        with environment.r_context({"rstudio": True}):  # the innermost run's
            assert environment.in_rstudio() and not environment.in_knitr()
    assert environment.context() is None and environment.in_rstudio()
