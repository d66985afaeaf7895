"""Quitting in a fixed order, so nothing calls into Python after Qt or the interpreter
began tearing down (desktop.md, "Shutting down"; the PYSIDE-2254 class of exit crashes):

1. stop the window's timers and the bridge (no more reads, no more signals);
2. cancel the window's background operations and wait for the pool threads;
3. stop and join the job manager (dispatcher thread, worker processes);
4. after ``exec()`` returned: stop every remaining task, release the tray icon and
   delete the window while the QApplication and the interpreter are still whole.
"""

from __future__ import annotations

import gc
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent

from ..store.jobs_log import Status
from . import dialogs, notifications, tasks

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger(__name__)

#: How long quitting waits for a background task inside one long call (reading a
#: 150,000-track library takes a few seconds on a slow machine).
TASK_WAIT_MS = 60_000


def confirm_quit(window: "MainWindow", jobs_running: bool) -> bool:
    """Ask what must be asked before the window closes; False keeps it open."""
    if jobs_running:
        count = sum(1 for r in window.bridge.records if r.status in Status.ACTIVE) or 1
        if not dialogs.ask_quit_with_jobs(window, count):
            return False
    model = window.review.model
    if window.review_edits_unwritten() and model.has_edits():
        count = len({*model.edited_ids(), *model.locked_ids()})
        if not dialogs.ask_quit_with_review_edits(window, count):
            return False
    return True


def shutdown_window(window: "MainWindow", manager: Any, for_resume: bool) -> None:
    """Steps 1-3 (idempotent; tests call it in teardown)."""
    window.stop_timers()
    window.bridge.close()
    if not window.ops.shutdown(TASK_WAIT_MS):
        log.warning("a background task was still running after %d ms", TASK_WAIT_MS)
    if manager is not None:
        if for_resume:
            manager.shutdown(cancel_running=False, timeout=0.0)
        else:
            manager.shutdown(cancel_running=True)


def finish(window: "MainWindow") -> None:
    """Step 4, after the event loop returned."""
    window.shutdown()
    if not tasks.stop_all(TASK_WAIT_MS):
        log.warning("background tasks still running at exit")
    notifications.release()
    window.deleteLater()
    # Deliver the deferred delete now: the window's C++ side (and every child QObject with
    # a Python slot) goes while the application and the interpreter are still whole.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
