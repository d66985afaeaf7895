"""Background tasks for the GUI: run a plain function on a thread pool, get the result
back in the GUI thread through a queued signal (threading rule 2 in the package docstring).

Why one thread for CPU work: Python runs one thread at a time (the GIL). With two busy
background threads the GUI thread lost the GIL for 600 ms while a 10,000-track library
opened (bench/bench_gui.py). Every time the GUI thread comes back from C++ into Python
(a timer, a data() call while painting) it waits up to one switch interval for the GIL,
so the app also shortens that interval (:func:`configure_gil`) and long tasks pause
between slices (:func:`yield_to_gui`). Tasks that mostly wait on the network ("Test
connection") use Qt's global pool instead.
"""


from __future__ import annotations

import logging
import threading
import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Qt, Signal

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside a task at a checkpoint once the app is quitting or the request was
    superseded: the task ends early and nothing is delivered."""


#: Set once the app is quitting: no task may start, and running ones stop at their next
#: checkpoint. A pool thread still running Python while the interpreter finalises is what
#: aborts the process at exit (PYSIDE-2254 class: "Signal source has been deleted",
#: ``Fatal Python error: bool_dealloc``).
_stopping = threading.Event()


class TaskSignals(QObject):
    """Lives in the GUI thread; emitted from the pool thread, delivered queued."""

    succeeded = Signal(object)
    failed = Signal(object)  # the exception


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: TaskSignals) -> None:
        super().__init__()
        self._fn = fn
        self._signals = signals

    def run(self) -> None:  # pool thread: no widgets here
        if _stopping.is_set():
            return
        try:
            result = self._fn()
        except Cancelled as exc:
            if not _stopping.is_set():
                self._signals.failed.emit(exc)  # releases the signals object; callers drop it
            return
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI, which words it
            log.info("background task failed: %s", "".join(traceback.format_exception_only(type(exc), exc)).strip())
            if not _stopping.is_set():
                self._signals.failed.emit(exc)
        else:
            if not _stopping.is_set():
                self._signals.succeeded.emit(result)


# Signals objects of running tasks: kept alive until their result has been delivered.
_live: set[TaskSignals] = set()
_cpu_pool: QThreadPool | None = None


def cpu_pool() -> QThreadPool:
    global _cpu_pool
    if _cpu_pool is None:
        _cpu_pool = QThreadPool()
        _cpu_pool.setMaxThreadCount(1)
        _cpu_pool.setExpiryTimeout(30_000)
    return _cpu_pool


def run_task(
    fn: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None] | None = None,
    io: bool = False,
) -> TaskSignals:
    """Run ``fn()`` on the global pool; ``on_success(result)`` / ``on_failure(exc)`` run in
    the GUI thread. Pass bound methods of QObjects: Qt drops the call if that object was
    deleted meanwhile. Callers that may start a newer task for the same thing compare a
    generation number so a stale result is ignored. ``io=True`` for work that mostly waits
    (network): it runs beside the CPU tasks instead of queueing behind them. Call from the
    GUI thread only. After :func:`stop_all` nothing starts (and nothing is delivered)."""
    signals = TaskSignals()
    _live.add(signals)

    def finish() -> None:
        _live.discard(signals)

    kind = Qt.ConnectionType.QueuedConnection
    signals.succeeded.connect(on_success, kind)
    signals.succeeded.connect(finish, kind)
    if on_failure is not None:
        signals.failed.connect(on_failure, kind)
    signals.failed.connect(finish, kind)
    (QThreadPool.globalInstance() if io else cpu_pool()).start(_Runnable(fn, signals))
    return signals


#: GIL switch interval in the GUI process (CPython's default is 5 ms).
SWITCH_INTERVAL_S = 0.0005


def configure_gil() -> None:
    """A busy task thread hands the GIL back to the GUI thread within 0.5 ms instead of 5."""
    import sys

    sys.setswitchinterval(SWITCH_INTERVAL_S)


def yield_to_gui(seconds: float = 0.003) -> None:
    """Called between slices of long work in a task: sleeping releases the GIL, so the GUI
    thread runs uncontended for a moment (handles input, paints) before the next slice.
    Also the quit checkpoint: raises :class:`Cancelled` once :func:`stop_all` ran."""
    time.sleep(seconds)
    if _stopping.is_set():
        raise Cancelled()


def wait_for_tasks(msecs: int = 10_000) -> bool:
    """Block until every background task has finished (app exit and tests)."""
    return cpu_pool().waitForDone(msecs) and QThreadPool.globalInstance().waitForDone(msecs)


def stop_all(msecs: int = 60_000) -> bool:
    """Quitting: drop queued tasks, make running ones stop at their next checkpoint, and
    wait for the pool threads to be idle. True when no task is left running. A task inside
    one long uninterruptible call (reading a 150,000-track file) is waited for: leaving it
    running into interpreter shutdown is exactly the crash this prevents."""
    _stopping.set()
    for pool in (cpu_pool(), QThreadPool.globalInstance()):
        pool.clear()
    return wait_for_tasks(msecs)


def stopping() -> bool:
    return _stopping.is_set()


def reset_for_tests() -> None:
    """Allow tasks again after :func:`stop_all` (one test process builds many windows)."""
    _stopping.clear()
