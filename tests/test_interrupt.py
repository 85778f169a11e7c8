"""Ctrl-C during kfit.fit(), Python-hosted: one clean KeyboardInterrupt with
the finished epochs, also when Python swallows the first one.

(Real SIGINTs to R sessions: r_pkg/tests/testthat/test-interrupt.R.)"""

from __future__ import annotations

import signal
import sys

import keras
import numpy as np
import pytest

import kfit
from kfit import interrupt

pytestmark = pytest.mark.trains  # see conftest.py


class _SigintInFinalizer:
    """Raises SIGINT from `__del__`: Python runs the handler there at once,
    and a `KeyboardInterrupt` raised in a finalizer would be printed and
    ignored (as in TensorFlow's finalizers, which garbage collection runs)."""

    def __del__(self) -> None:
        signal.raise_signal(signal.SIGINT)


class _TrapAt(keras.callbacks.Callback):
    def __init__(self, epoch: int, batch: int) -> None:
        super().__init__()
        self.at = (epoch, batch)
        self.epoch = 0
        self.batches_after: list[tuple[int, int]] = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        where = (self.epoch, batch + 1)
        if where > self.at:
            self.batches_after.append(where)
        if where == self.at:
            trap = _SigintInFinalizer()
            del trap  # the finalizer runs here


def _model() -> keras.Model:
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_a_ctrl_c_inside_a_finalizer_stops_at_the_next_hook(monkeypatch):
    ignored: list[type] = []
    monkeypatch.setattr(sys, "unraisablehook",
                        lambda unraisable: ignored.append(unraisable.exc_type))
    handler_before = signal.getsignal(signal.SIGINT)
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    trap = _TrapAt(epoch=2, batch=3)
    with pytest.raises(KeyboardInterrupt) as info:
        kfit.fit(_model(), x, x.sum(axis=1), batch_size=8, epochs=50, verbose=0,
                 callbacks=[trap], view_metrics=False)
    assert ignored == []  # not raised inside the finalizer: nothing printed
    assert trap.batches_after == []  # stopped before the next batch ended
    history = info.value.history
    assert history.epochs == [1]
    assert np.isfinite(history.metrics["loss"]).all()
    assert not interrupt.pending()  # the run is over
    assert signal.getsignal(signal.SIGINT) is handler_before


def test_fit_after_an_interrupt_trains_all_its_epochs(monkeypatch):
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: None)
    x = np.random.default_rng(1).normal(size=(32, 4)).astype("float32")
    model = _model()
    with pytest.raises(KeyboardInterrupt):
        kfit.fit(model, x, x.sum(axis=1), batch_size=8, epochs=20, verbose=0,
                 callbacks=[_TrapAt(epoch=1, batch=2)], view_metrics=False)
    history = kfit.fit(model, x, x.sum(axis=1), batch_size=8, epochs=3, verbose=0,
                       view_metrics=False)
    assert history.epochs == [1, 2, 3]


def test_the_interrupt_check_leaves_keras_batch_end_dispatch_as_it_is():
    from keras.src.callbacks.callback_list import CallbackList

    from kfit.callbacks import InterruptCheck

    check = InterruptCheck()
    assert check.on_train_batch_begin.__func__ is InterruptCheck._check
    for hook in ("on_batch_end", "on_train_batch_end", "on_test_batch_end"):
        assert keras.src.utils.is_default(getattr(check, hook)), hook
    alone = CallbackList([keras.callbacks.Callback()])
    with_check = CallbackList([keras.callbacks.Callback(), check])
    assert (with_check._async_train, with_check._async_test) == (
        alone._async_train, alone._async_test)


class _SigintAt(_TrapAt):
    """Raises SIGINT from the user's callback code: not kfit's, so the
    `KeyboardInterrupt` waits for kfit's next hook."""

    def on_train_batch_end(self, batch, logs=None):
        where = (self.epoch, batch + 1)
        if where > self.at:
            self.batches_after.append(where)
        if where == self.at:
            signal.raise_signal(signal.SIGINT)


def test_a_ctrl_c_outside_kfit_code_is_raised_at_the_next_hook():
    x = np.random.default_rng(2).normal(size=(64, 4)).astype("float32")
    trap = _SigintAt(epoch=2, batch=3)
    with pytest.raises(KeyboardInterrupt) as info:
        kfit.fit(_model(), x, x.sum(axis=1), batch_size=8, epochs=50, verbose=0,
                 callbacks=[trap], view_metrics=False)
    assert trap.batches_after == []
    # raised by InterruptCheck before step 4, not inside the callback
    assert info.traceback[-1].path.name == "interrupt.py"
    assert info.traceback[-2].path.name == "callbacks.py"
    assert info.value.history.epochs == [1]


def test_a_ctrl_c_after_the_last_hook_is_raised_when_keras_fit_returns():
    class AtTrainEnd(keras.callbacks.Callback):
        def on_train_end(self, logs=None):
            signal.raise_signal(signal.SIGINT)

    x = np.random.default_rng(3).normal(size=(32, 4)).astype("float32")
    with pytest.raises(KeyboardInterrupt) as info:
        kfit.fit(_model(), x, x.sum(axis=1), batch_size=8, epochs=2, verbose=0,
                 callbacks=[AtTrainEnd()], view_metrics=False)
    assert info.value.history.epochs == [1, 2]  # every epoch, then the interrupt


def _function_in(directory: str, name: str, body: str = "return sys._getframe()",
                  **names: object) -> object:
    """A function whose code lives in `directory` (as if defined there)."""
    namespace: dict[str, object] = {"sys": sys, **names}
    code = compile(f"def where():\n    {body}\n", f"{directory}/{name}", "exec")
    exec(code, namespace)  # a frame with a chosen file name
    return namespace["where"]


def _frame_in(directory: str, name: str) -> object:
    return _function_in(directory, name)()


def test_only_kfit_frames_and_its_socket_waits_raise_at_once():
    import os
    import threading

    import tensorflow as tf

    kfit_dir = os.path.dirname(interrupt.__file__)
    tf_dir = os.path.dirname(tf.__file__)
    assert interrupt._in_kfit(_frame_in(kfit_dir, "stream.py"))
    assert not interrupt._in_kfit(_frame_in(tf_dir, "python/util/nest_util.py"))
    # kfit's batch reader called by a tf.data op (from_generator): not at once
    reader = _function_in(kfit_dir, "stream.py")
    op = _function_in(tf_dir, "python/ops/script_ops.py", "return reader()",
                      reader=reader)
    assert not interrupt._in_kfit(op())
    assert not interrupt._in_kfit(sys._getframe())  # the user's code (this test)
    # a wait on a socket counts as its caller's ...
    stdlib = os.path.dirname(threading.__file__)
    recv = _function_in(stdlib, "socket.py", __name__="socket")
    in_recv = _function_in(kfit_dir, "socket_reader.py", "return recv()", recv=recv)()
    assert interrupt._in_kfit(in_recv) and not interrupt._in_locking(in_recv)
    # ... but not threading's lock handling (a Condition's wait): there it
    # stays pending, also for a forced raise
    assert not interrupt._in_kfit(_frame_in(stdlib, "threading.py"))
    wait = _function_in(stdlib, "threading.py", __name__="threading")
    in_wait = _function_in(kfit_dir, "stream.py", "return wait()", wait=wait)()
    assert not interrupt._in_kfit(in_wait) and interrupt._in_locking(in_wait)
    poll = _function_in(stdlib, "subprocess.py", __name__="subprocess")
    assert interrupt._in_locking(_function_in(stdlib, "socket.py", "return poll()",
                                              poll=poll, __name__="socket")())
    # whatever directories Python was embedded with (R: the library is the
    # venv's, around site-packages), TensorFlow's code is not a wait
    op_in_tf = _function_in(tf_dir, "python/ops/gen_dataset_ops.py",
                            __name__="tensorflow.python.ops.gen_dataset_ops")
    assert not interrupt._in_kfit(_function_in(kfit_dir, "stream.py",
                                               "return op()", op=op_in_tf)())



def test_a_ctrl_c_landing_in_a_conditions_lock_handling_waits_for_kfit():
    """SIGINT's handler run where a Condition's wait takes its lock back (a
    Ctrl-C landing there, as one did in a fit that then never returned):
    it must not raise there (the `with` around the wait would then give
    back a lock it does not hold, and the stream's lock could stay taken).
    The Ctrl-C stays pending; the wait's own loop ends the read, and the
    lock is free."""
    from kfit.data.stream import BatchStream, StreamCancelled

    stream = BatchStream("training", 2, continuous=True)
    landed = []

    def trace(frame, event, arg):
        if event == "call" and frame.f_code.co_name == "_acquire_restore" \
                and not landed:
            landed.append(frame.f_globals["__name__"])
            signal.getsignal(signal.SIGINT)(signal.SIGINT, frame)
        return None

    with interrupt.interruptible() as state:
        sys.settrace(trace)
        try:
            with pytest.raises(StreamCancelled, match="interrupted"):
                stream.item_at(0)  # nothing produced: it waits
        finally:
            sys.settrace(None)
        assert landed == ["threading"]
        assert state.count == 1 and not state.raised and interrupt.pending()
    assert stream._room.acquire(timeout=1)
    stream._room.release()


def test_a_pending_ctrl_c_is_raised_on_the_main_thread_only():
    """kfit's waits poll `raise_pending()`; one on another thread (a producer)
    must leave the Ctrl-C to the main thread."""
    import threading

    outcome = []

    def other() -> None:
        try:
            interrupt.raise_pending()
            outcome.append("not raised")
        except KeyboardInterrupt:
            outcome.append("raised")

    with interrupt.interruptible() as state:
        state.count = 1  # a Ctrl-C that landed where it could not be raised
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert outcome == ["not raised"] and interrupt.pending()
        with pytest.raises(KeyboardInterrupt):
            interrupt.raise_pending()
        assert state.raised
