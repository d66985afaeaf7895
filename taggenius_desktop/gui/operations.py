"""Background operations of a window, in the shape of Anki's ``QueryOp``.

``ops.run("estimate", work, on_success, on_failure)`` runs ``work(ticket)`` on the task
pool and calls ``on_success(result)`` or ``on_failure(exc)`` in the GUI thread. A newer
request under the same name supersedes the older one: the older ticket is cancelled, so
its work stops at its next ``ticket.checkpoint()`` and its result is never delivered.
This replaces per-request generation counters and ready/failed slot pairs.

``shutdown()`` cancels everything and waits for the pool threads: after it, no callback
runs and no pool thread is inside Python on behalf of this window.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, TypeVar

from PySide6.QtCore import QObject

from . import tasks

T = TypeVar("T")


class Ticket:
    """One request: work checks it between slices (any thread)."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set() or tasks.stopping()

    def checkpoint(self) -> None:
        """Give the GUI thread the GIL for a moment; stop here if superseded or quitting."""
        tasks.yield_to_gui()
        if self._cancelled.is_set():
            raise tasks.Cancelled()


class Operations(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._current: dict[str, Ticket] = {}
        self._closed = False

    def run(
        self,
        name: str,
        work: Callable[[Ticket], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None] | None = None,
        io: bool = False,
    ) -> Ticket:
        """Start ``work`` as the current request called ``name`` (GUI thread only)."""
        previous = self._current.get(name)
        if previous is not None:
            previous.cancel()
        ticket = Ticket()
        self._current[name] = ticket
        if self._closed:
            ticket.cancel()
            return ticket

        def current() -> bool:
            return not self._closed and self._current.get(name) is ticket and not ticket.cancelled

        def succeeded(result: Any) -> None:
            if current():
                del self._current[name]
                on_success(result)

        def failed(exc: BaseException) -> None:
            if current():
                del self._current[name]
                if on_failure is not None:
                    on_failure(exc)

        tasks.run_task(lambda: work(ticket), succeeded, failed, io=io)
        return ticket

    def busy(self, name: str) -> bool:
        return name in self._current

    def cancel(self, name: str) -> None:
        ticket = self._current.pop(name, None)
        if ticket is not None:
            ticket.cancel()

    def shutdown(self, msecs: int = 60_000) -> bool:
        """Cancel every request and wait until the pool threads are idle (idempotent)."""
        self._closed = True
        for ticket in self._current.values():
            ticket.cancel()
        self._current.clear()
        return tasks.wait_for_tasks(msecs)
