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
import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Qt, Signal

log = logging.getLogger(__name__)


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
        try:
            result = self._fn()
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI, which words it
            log.info("background task failed: %s", "".join(traceback.format_exception_only(type(exc), exc)).strip())
            self._signals.failed.emit(exc)
        else:
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
    GUI thread only."""
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
    thread runs uncontended for a moment (handles input, paints) before the next slice."""
    time.sleep(seconds)


def wait_for_tasks(msecs: int = 10_000) -> bool:
    """Block until every background task has finished (app exit and tests)."""
    return cpu_pool().waitForDone(msecs) and QThreadPool.globalInstance().waitForDone(msecs)
