"""R objects stay on R's thread: kfit keeps only tokens, released after a run.

An rpy2 object freed on another thread (the cyclic garbage collector may run
on any thread) can corrupt R's memory, so nothing kfit builds for a run may
hold one, and everything registered is released when the run ends.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

import kfit
from kfit.data.r_generator import RGeneratorSource
from kfit.r import registry
from kfit.r.convert import is_r_object
from kfit.r.session import RThreadError


@pytest.fixture
def ro():
    import rpy2.robjects as ro

    return ro


def _generator(ro, fail_at: int = 0):
    return ro.r(f"""local({{
        calls <- 0
        function() {{
            calls <<- calls + 1
            if (calls == {fail_at}) stop("boom")
            list(matrix(rnorm(16 * 4), 16, 4), sample(0:2, 16, TRUE))
        }}
    }})""")


@pytest.mark.trains
def test_registry_is_empty_after_a_run(ro, make_model):
    before = dict(registry._objects)
    history = kfit.fit(make_model(), _generator(ro), steps_per_epoch=3, epochs=2,
                       verbose=0)
    assert history.epochs == [1, 2]
    assert registry._objects == before


@pytest.mark.trains
def test_registry_is_empty_after_a_failed_run(ro, make_model):
    before = dict(registry._objects)
    with pytest.raises(kfit.KfitTrainingError, match="boom"):
        kfit.fit(make_model(), _generator(ro, fail_at=4), steps_per_epoch=3,
                 epochs=2, verbose=0)
    assert registry._objects == before


def test_sources_hold_tokens_not_rpy2_objects(ro):
    source = RGeneratorSource(_generator(ro))
    refs = list(source.function._refs.values())
    try:
        assert not any(is_r_object(v) for v in vars(source).values())
        assert not any(is_r_object(v) for v in vars(source.function).values())
        assert refs and all(isinstance(ref, registry.RRef) for ref in refs)
        batch = source.convert(source.function.call_encoded())
        assert [np.asarray(part).shape for part in batch] == [(16, 4), (16,)]
    finally:
        source.close()
    assert not any(ref.token in registry._objects for ref in refs)


def test_registry_refuses_other_threads(ro):
    ref = registry.register(ro.r("function() NULL"))
    errors = []

    def use() -> None:
        try:
            registry.resolve(ref)
        except RThreadError as error:
            errors.append(error)

    thread = threading.Thread(target=use)
    thread.start()
    thread.join()
    registry.release(ref)
    assert len(errors) == 1
