"""kfit.r.session: the one door to R under rpy2 (main thread only), and never
rpy2 where R hosts this Python."""

from __future__ import annotations

import threading

import pytest


def test_rpy2_is_refused_inside_an_r_session(monkeypatch):
    """With R as host (reticulate's rpytools loaded), rpy2 is never started."""
    import sys
    import types

    from kfit.r import session

    monkeypatch.setattr(session, "_rpy2_ready", False)
    monkeypatch.setitem(sys.modules, "rpytools", types.ModuleType("rpytools"))
    with pytest.raises(session.RInsideRError, match=r"reticulate < 1\.31"):
        session.robjects()


def test_r_is_called_on_the_main_thread_only() -> None:
    from kfit.r import session

    assert session.call_r(lambda a, b: a + b, 2, b=3) == 5  # here: the main thread
    errors: list[BaseException] = []

    def other() -> None:
        try:
            session.call_r(lambda: None)
        except session.RThreadError as error:
            errors.append(error)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert len(errors) == 1 and "main thread" in str(errors[0])


def test_r_options_read_through_rpy2() -> None:
    import rpy2.robjects as ro

    from kfit.r import session

    ro.r('options(kfit.test.option = 3L)')
    assert session.get_option("kfit.test.option") == 3  # as a Python scalar
    ro.r('options(kfit.test.option = NULL)')
    assert session.get_option("kfit.test.option") is None
