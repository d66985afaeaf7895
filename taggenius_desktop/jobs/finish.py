"""The end of a job that writes a library: store what restore needs, write the output,
and leave nothing half-done behind on any exit path.

Why a module of its own: the tag and restore jobs end the same way, and the rules here
(finished work is never discarded, temp files never outlive the job) must hold for both.
"""

from __future__ import annotations

import logging
import signal
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Iterator, Sequence

from ..library import Library, LibraryError
from ..library.writer import OutputWriteError, remove_stale_temps, write_library
from ..store import originals as originals_store
from ..store.originals import TrackOriginals
from .errors import RESTORE_DATA_NOT_SAVED, JobCancelled, JobFailed
from .progress import Reporter

log = logging.getLogger(__name__)

#: What a store that cannot be written raises: SQLite's "database or disk is full",
#: "disk I/O error", "attempt to write a readonly database", and the OS errors beneath.
STORE_WRITE_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, OSError)


class StoreTolerantReporter(Reporter):
    """Progress as best effort: once the data folder is full, a failing progress write is
    logged and skipped instead of ending the job, so the finished tags still reach the
    output. Counters are the wrapped reporter's own, cancel is its answer."""

    def __init__(self, inner: Reporter) -> None:
        super().__init__()
        self.inner = inner
        self.counters = inner.counters
        self.store_failed = False

    def tick(self, force: bool = False) -> None:
        self.inner.current_track = self.current_track
        try:
            self.inner.tick(force)
        except STORE_WRITE_ERRORS as error:
            self._failed(error)

    def set_fields(self, **values: object) -> None:
        try:
            self.inner.set_fields(**values)
        except STORE_WRITE_ERRORS as error:
            self._failed(error)

    def is_cancelled(self) -> bool:
        return self.inner.is_cancelled()

    def cancelled_now(self) -> bool:
        return self.inner.cancelled_now()

    def close(self) -> None:
        self.inner.close()

    def _failed(self, error: BaseException) -> None:
        if not self.store_failed:
            log.warning("progress can no longer be recorded, the job goes on: %s", error)
        self.store_failed = True


def clean_stale_temps(output_path: str | Path, job_started: float) -> None:
    """Remove our temp files for this output that an earlier, killed write left behind."""
    for path in remove_stale_temps(output_path, job_started):
        log.info("removed a temp file left by an interrupted write: %s", path.name)


def publish_finished(reporter: Reporter) -> None:
    """Publish the final counters now: once ``tracks_done`` reaches ``tracks_total`` the
    manager no longer stops the worker for a cancel, so the output write can finish."""
    reporter.tick(force=True)


def keep_finished_work(reporter: Reporter) -> None:
    """A cancel that arrives once every track is tagged: the work is finished, so the job
    completes, and the request is cleared (it was not carried out)."""
    log.info("cancel arrived after all tracks were tagged; finishing the job")
    reporter.set_fields(cancel_requested=0)


def save_originals(conn: sqlite3.Connection, job_id: int, records: Sequence[TrackOriginals]) -> str | None:
    """Store the job's originals; on a full or unwritable data folder return the warning
    for the user instead of failing: the finished tags are still written, and the input
    file (never modified) remains the undo."""
    try:
        originals_store.replace_for_job(conn, job_id, records)
    except STORE_WRITE_ERRORS as error:
        log.warning("restore data not saved for job %s: %s", job_id, error)
        _end_broken_transaction(conn)
        return RESTORE_DATA_NOT_SAVED
    return None


def _end_broken_transaction(conn: sqlite3.Connection) -> None:
    # A failed COMMIT can leave the transaction open; the next write on this connection
    # would fail with "cannot start a transaction within a transaction".
    if conn.in_transaction:
        try:
            conn.rollback()
        except sqlite3.Error:
            pass


@contextmanager
def terminate_raises() -> Iterator[None]:
    """While writing, turn SIGTERM (the manager's stop after a cancel deadline, an OS
    shutdown) into an exception, so the writer's cleanup removes its temp file. Only the
    main thread can set signal handlers; elsewhere (and on Windows, where terminate is
    not a signal) the next job's :func:`clean_stale_temps` is the safety net."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise JobCancelled("Cancelled")

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def write_output(library: Library, output_path: str | Path) -> None:
    """Write the output atomically; a failure after the job ran is a failed job, a wrong
    output path is bad input."""
    try:
        with terminate_raises():
            write_library(library, output_path)
    except OutputWriteError as error:
        raise JobFailed(str(error)) from None
    except LibraryError as error:
        raise JobFailed(str(error), bad_input=True) from None
