"""The main-thread pump: R is only ever entered from the main thread.

Off the main thread nothing calls R here: the guarded entry points
(check_main_thread / call_r) are exercised with plain Python functions, and
R-backed objects are only touched after the guard allowed it.
"""

from __future__ import annotations

import io
import sys
import threading
import warnings

import numpy as np
import pytest
import rpy2.rinterface as ri
import rpy2.robjects as ro

import kfit
from kfit.console import MainThreadWriter, routed_output
from kfit.data.r_generator import RGeneratorSource
from kfit.errors import KfitDeprecationWarning, KfitError
from kfit.pump import Pump, PumpStopped
from kfit.r.convert import r_to_numpy
from kfit.r.session import RThreadError, call_r, check_main_thread

from support import deadline, fit

# -- helpers -------------------------------------------------------------------


def in_thread(function, name: str = "helper"):
    """Run `function` in a new thread; return (result, exception)."""
    outcome: dict[str, object] = {}

    def target():
        try:
            outcome["result"] = function()
        except BaseException as error:  # captured for the test
            outcome["error"] = error

    thread = threading.Thread(target=target, name=name)
    thread.start()
    thread.join(10)
    assert not thread.is_alive()
    return outcome.get("result"), outcome.get("error")


@pytest.fixture
def thread_log():
    """(names, note): `note` is an R function recording the calling thread."""
    names: list[str] = []

    @ri.rternalize
    def note():
        names.append(threading.current_thread().name)
        return ri.BoolSexpVector([True])

    return names, note


GENERATOR_WITH_NOTE = """function(note) local({ i <- 0; function() { note()
    i <<- i + 1
    list(matrix(rnorm(16 * 4), 16, 4), sample(0:2, 16, TRUE)) } })"""


# -- the guarded entry points -----------------------------------------------------


def test_check_main_thread_passes_on_the_main_thread():
    assert threading.current_thread() is threading.main_thread()
    assert check_main_thread() is None


def test_check_main_thread_raises_off_the_main_thread():
    _, error = in_thread(lambda: check_main_thread("the test"), name="worker-7")
    assert isinstance(error, RThreadError)
    assert isinstance(error, KfitError) and isinstance(error, RuntimeError)
    assert "'worker-7'" in str(error)
    assert "the test" in str(error)
    assert "main thread" in str(error)


def test_call_r_runs_on_the_main_thread():
    assert call_r(lambda a, b=0: a + b, 2, b=3) == 5
    assert call_r(ro.r["sum"], ro.IntVector([1, 2, 3]))[0] == 6


def test_call_r_refuses_other_threads_before_calling():
    called = []
    _, error = in_thread(lambda: call_r(called.append, "should not run"))
    assert isinstance(error, RThreadError)
    assert called == []


def test_r_conversion_refuses_other_threads():
    # the guard comes first: nothing of R is touched off the main thread
    _, error = in_thread(lambda: r_to_numpy(None))
    assert isinstance(error, RThreadError)
    assert "R data conversion" in str(error)


def test_r_generator_pull_refuses_other_threads():
    called = []
    source = RGeneratorSource(lambda: called.append(1), "x")
    _, error = in_thread(source.pull)
    assert isinstance(error, RThreadError)
    assert called == []


# -- the pump ---------------------------------------------------------------------


def test_pump_call_from_a_worker_runs_on_the_main_thread():
    pump = Pump()
    results: dict[str, object] = {}

    def work():
        results["value"] = pump.call(lambda a, b: (threading.current_thread().name,
                                                   a * b), 6, b=7)
        try:
            pump.call(lambda: 1 / 0)
        except ZeroDivisionError as error:
            results["error"] = error
        pump.post(lambda: results.setdefault(
            "posted", threading.current_thread().name))
        results["worker"] = threading.current_thread().name

    worker = threading.Thread(target=work, name="kfit-test-worker")
    with deadline(10):
        worker.start()
        pump.run(worker, cancel=lambda: None)
    assert results["value"] == ("MainThread", 42)
    assert isinstance(results["error"], ZeroDivisionError)
    assert results["posted"] == "MainThread"  # run before pump.run returned
    assert results["worker"] == "kfit-test-worker"


def test_pump_call_on_the_main_thread_runs_at_once():
    pump = Pump()
    assert pump.call(lambda: threading.current_thread().name) == "MainThread"
    ran = []
    pump.post(lambda: ran.append(threading.current_thread().name))
    assert ran == ["MainThread"]


def test_pump_run_refuses_other_threads():
    pump = Pump()
    idle = threading.Thread(target=lambda: None)
    idle.start()
    idle.join()
    _, error = in_thread(lambda: pump.run(idle, cancel=lambda: None))
    assert isinstance(error, RThreadError)


def test_pump_interrupt_cancels_and_stops_waiting_callers():
    pump = Pump()
    cancelled = threading.Event()
    seen: dict[str, BaseException] = {}

    def interrupt():
        raise KeyboardInterrupt

    def work():
        try:
            pump.call(interrupt)
        except BaseException as error:  # the interrupt reaches the caller too
            seen["first"] = error
        cancelled.wait(5)
        try:
            pump.call(lambda: "late")
        except BaseException as error:
            seen["late"] = error

    worker = threading.Thread(target=work, name="kfit-test-worker")
    with deadline(10), pytest.raises(KeyboardInterrupt):
        worker.start()
        pump.run(worker, cancel=cancelled.set)
    assert cancelled.is_set()
    assert not worker.is_alive()
    assert isinstance(seen["first"], KeyboardInterrupt)
    assert isinstance(seen["late"], PumpStopped)


def test_main_thread_writer_posts_from_workers():
    pump = Pump()
    written: list[tuple[str, str]] = []
    writer = MainThreadWriter(
        lambda text: written.append((threading.current_thread().name, text)),
        lambda: None, pump, sys.__stdout__)

    def work():
        writer.write("from the worker\n")
        writer.flush()

    writer.write("from main\n")
    worker = threading.Thread(target=work, name="kfit-test-worker")
    with deadline(10):
        worker.start()
        pump.run(worker, cancel=lambda: None)
    assert written == [("MainThread", "from main\n"),
                       ("MainThread", "from the worker\n")]


def test_routed_output_restores_streams():
    before = sys.stdout, sys.stderr
    with routed_output(Pump(), to_r=False):
        assert isinstance(sys.stdout, MainThreadWriter)
        assert isinstance(sys.stderr, MainThreadWriter)
    assert (sys.stdout, sys.stderr) == before


# -- R generators run on the main thread while Keras trains elsewhere ---------------


def test_r_generator_body_runs_on_the_main_thread(keras, make_model, thread_log):
    names, note = thread_log
    generator = ro.r(GENERATOR_WITH_NOTE)(note)
    training_threads: list[str] = []

    class Where(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            training_threads.append(threading.current_thread().name)

    history = fit(make_model(), generator, steps_per_epoch=5, epochs=3, verbose=0,
                  callbacks=[Where()])
    assert history.epochs == [1, 2, 3]
    assert len(names) >= 15
    assert set(names) == {"MainThread"}
    assert set(training_threads) == {"kfit-train"}  # Keras trains on a worker


def test_r_validation_generator_runs_on_the_main_thread(make_model, thread_log):
    names, note = thread_log
    validation = ro.r(GENERATOR_WITH_NOTE)(note)
    train_names: list[str] = []

    @ri.rternalize
    def note_train():
        train_names.append(threading.current_thread().name)
        return ri.BoolSexpVector([True])

    generator = ro.r(GENERATOR_WITH_NOTE)(note_train)
    history = fit(make_model(), generator, steps_per_epoch=3, epochs=2, verbose=0,
                  validation_data=validation, validation_steps=2)
    assert len(history.metrics["val_loss"]) == 2
    assert len(names) >= 4 and set(names) == {"MainThread"}
    assert len(train_names) >= 6 and set(train_names) == {"MainThread"}


def test_fit_generator_r_generator_runs_on_the_main_thread(make_model, thread_log):
    names, note = thread_log
    generator = ro.r(GENERATOR_WITH_NOTE)(note)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KfitDeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        with deadline():
            kfit.fit_generator(make_model(), generator, steps_per_epoch=4, epochs=2,
                               verbose=0, workers=3, max_queue_size=2)
    assert len(names) >= 8 and set(names) == {"MainThread"}


def test_r_batches_made_while_keras_trains(keras, make_model, thread_log):
    """The main thread keeps pulling R batches while the worker trains (the
    queue holds 10, the run needs 30)."""
    names, note = thread_log
    generator = ro.r(GENERATOR_WITH_NOTE)(note)
    calls_at_begin: list[int] = []

    class Watch(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            calls_at_begin.append(len(names))

    fit(make_model(), generator, steps_per_epoch=30, epochs=1, verbose=0,
        callbacks=[Watch()])
    assert len(calls_at_begin) == 30
    assert calls_at_begin[-1] - calls_at_begin[0] >= 15
    assert set(names) == {"MainThread"}


# -- console output reaches the (R-backed) stdout on the main thread --------------


class RBackedStream(io.TextIOBase):
    """Like R's console: each write calls into R through the guarded door."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.threads: set[str] = set()
        self._invisible = ro.r("invisible")  # fetched on the main thread

    def write(self, text: str) -> int:
        self.threads.add(threading.current_thread().name)
        call_r(self._invisible, text)  # RThreadError off the main thread
        self.texts.append(text)
        return len(text)

    def flush(self) -> None:
        self.threads.add(threading.current_thread().name)
        call_r(self._invisible, "")

    def isatty(self) -> bool:
        return False

    @property
    def text(self) -> str:
        return "".join(self.texts)


@pytest.mark.parametrize("source", ["python", "r"])
@pytest.mark.parametrize("verbose", [1, 2])
def test_progress_output_is_written_on_the_main_thread(verbose, source, monkeypatch,
                                                       make_model):
    out, err = RBackedStream(), RBackedStream()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    if source == "r":
        x = ro.r("""function() list(matrix(rnorm(64), 16, 4), sample(0:2, 16, TRUE))""")
    else:
        rng = np.random.default_rng(0)
        x = iter(lambda: (rng.normal(size=(16, 4)).astype("float32"),
                          rng.integers(0, 3, 16).astype("int32")), None)
    history = fit(make_model(), x, steps_per_epoch=3, epochs=2, verbose=verbose)
    monkeypatch.undo()
    assert history.epochs == [1, 2]
    assert out.threads == {"MainThread"}
    assert err.threads <= {"MainThread"}
    assert "Epoch 1/2" in out.text
    assert "Epoch 2/2" in out.text
    assert "loss" in out.text
    assert "3/3" in out.text
