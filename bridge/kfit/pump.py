"""The main-thread pump: R work runs here while Keras trains elsewhere.

Training runs on a worker thread. The thread that called `fit` (R's main
thread when R hosts Python) loops here: it runs tasks posted by the worker
(R callbacks, console output that may reach R) and pulls R batches ahead
into their bounded streams, until the worker is done.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from kfit.r.session import check_main_thread, on_main_thread

_IDLE_SECONDS = 0.05


class PumpStopped(RuntimeError):
    """The pump stopped (interrupt or error) before it could run a task."""


class Pump:
    """Runs main-thread work for one training run."""

    def __init__(self) -> None:
        self._tasks: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any] | None]] \
            = queue.SimpleQueue()
        self._wake = threading.Event()
        self._producers: list[Any] = []
        self._stopped: BaseException | None = None

    def wake(self) -> None:
        """Wake the pump (a task arrived, a stream has room, work ended)."""
        self._wake.set()

    def add_producer(self, producer: Any) -> None:
        """A main-thread producer, asked for one batch per turn."""
        self._producers.append(producer)

    def post(self, function: Callable[[], Any]) -> None:
        """Run `function` on the main thread soon; do not wait."""
        if on_main_thread():
            function()
            return
        self._tasks.put((function, None))
        self.wake()

    def call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run `function` on the main thread and return its result.

        From the main thread it runs at once; from another thread the
        caller waits, and exceptions come back to it.
        """
        if on_main_thread():
            return function(*args, **kwargs)
        if self._stopped is not None:
            raise PumpStopped("training is being stopped") from self._stopped
        future: Future[Any] = Future()
        self._tasks.put((lambda: function(*args, **kwargs), future))
        self.wake()
        return future.result()

    def _run_tasks(self) -> bool:
        ran = False
        while True:
            try:
                function, future = self._tasks.get_nowait()
            except queue.Empty:
                return ran
            ran = True
            if future is None:
                function()
                continue
            try:
                future.set_result(function())
            except BaseException as error:  # handed back to the waiting thread
                future.set_exception(error)
                if not isinstance(error, Exception):
                    raise

    def _fail_tasks(self) -> None:
        while True:
            try:
                _, future = self._tasks.get_nowait()
            except queue.Empty:
                return
            if future is not None:
                future.set_exception(PumpStopped("training was stopped"))

    def run(self, worker: threading.Thread, cancel: Callable[[], None]) -> None:
        """Pump until `worker` ends. On an interrupt, cancel and re-raise."""
        check_main_thread("the pump")
        try:
            while True:
                self._wake.clear()
                busy = self._run_tasks()
                if not worker.is_alive():
                    self._run_tasks()
                    return
                for producer in self._producers:
                    busy = producer.produce_one() or busy
                if not busy:
                    self._wake.wait(_IDLE_SECONDS)
        except BaseException as error:
            self._stopped = error
            cancel()
            while worker.is_alive():
                self._fail_tasks()
                worker.join(_IDLE_SECONDS)
            self._fail_tasks()
            raise
