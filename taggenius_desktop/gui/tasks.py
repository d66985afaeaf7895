"""Background tasks for the GUI: run a plain function on the QThreadPool, get the result
back in the GUI thread through a queued signal (threading rule 2 in the package docstring).
"""

from __future__ import annotations

import logging
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


def run_task(
    fn: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None] | None = None,
) -> TaskSignals:
    """Run ``fn()`` on the global pool; ``on_success(result)`` / ``on_failure(exc)`` run in
    the GUI thread. Pass bound methods of QObjects: Qt drops the call if that object was
    deleted meanwhile. Callers that may start a newer task for the same thing compare a
    generation number so a stale result is ignored. Call from the GUI thread only."""
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
    QThreadPool.globalInstance().start(_Runnable(fn, signals))
    return signals


def wait_for_tasks(msecs: int = 10_000) -> bool:
    """Block until every background task has finished (app exit and tests)."""
    return QThreadPool.globalInstance().waitForDone(msecs)
