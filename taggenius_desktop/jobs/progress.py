"""Progress reporting from a running job into the job log (``store.jobs_log``).

Why throttled: a 100,000-track offline job finishes tracks every few microseconds; writing
each would cost more than the tagging. Counters live in memory and are flushed at most
``interval`` seconds apart, in one short UPDATE. A heartbeat thread keeps ``heartbeat_at``
fresh even while the job waits on a slow request, reads the cancel flag (so
``is_cancelled()`` costs nothing), and notices when the process that started the worker
has died.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any, Callable

from ..store import db, jobs_log
from ..store.errors import StoreError
from ..store.jobs_log import Status

log = logging.getLogger(__name__)


@dataclass
class Counters:
    tracks_total: int = 0
    tagged: int = 0
    cached: int = 0
    skipped: int = 0
    failed: int = 0
    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0

    @property
    def tracks_done(self) -> int:
        return self.tagged + self.cached + self.skipped + self.failed


class Reporter:
    """What a job runner talks to. The base class reports nowhere (used in benchmarks
    to measure the cost of reporting, and by in-process callers that need no log)."""

    def __init__(self) -> None:
        self.counters = Counters()
        self.current_track: str | None = None
        #: The last store error a progress write met (None: every write landed).
        self.store_trouble: StoreError | None = None

    def tick(self, force: bool = False) -> None:
        """Counters changed; publish them if it is time."""

    def is_cancelled(self) -> bool:
        return False

    def cancelled_now(self) -> bool:
        """:meth:`is_cancelled`, asked of the source at once: at the end of a phase, where
        a cancel seen up to a heartbeat later would no longer stop the job."""
        return self.is_cancelled()

    def set_fields(self, **values: object) -> None:
        """Record job fields other than counters (output path, track_count...)."""

    def close(self) -> None:
        pass


class DatabaseReporter(Reporter):
    def __init__(
        self,
        job_id: int,
        db_path: str | None = None,
        interval: float = 0.25,
        heartbeat_interval: float = 0.5,
        host_alive: Callable[[], bool] | None = None,
    ) -> None:
        super().__init__()
        self.job_id = job_id
        self.interval = interval
        self._db_path = db_path
        self._conn = db.connect(db_path)
        self._last_flush = 0.0
        self._cancelled = threading.Event()
        self._host_lost = threading.Event()
        self._stop = threading.Event()
        self._host_alive = host_alive
        self._heartbeat_interval = heartbeat_interval
        self._thread = threading.Thread(target=self._heartbeat_loop, name=f"job-{job_id}-heartbeat", daemon=True)
        self._thread.start()

    # -- the job's side -------------------------------------------------------------
    def tick(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_flush < self.interval:
            return
        self._last_flush = now
        values = asdict(self.counters)
        values["tracks_done"] = self.counters.tracks_done
        values["current_track"] = self.current_track
        values["heartbeat_at"] = time.time()
        self._write(values)

    def _write(self, values: dict[str, Any]) -> None:
        """Progress is not the DJ's data: when the disk under the data folder is full the
        job goes on (it may still write its output); the trouble is kept for the runner."""
        try:
            jobs_log.update_job(self._conn, self.job_id, **values)
        except StoreError as trouble:
            if self.store_trouble is None:
                log.warning("job %s: progress not recorded: %s", self.job_id, trouble)
            self.store_trouble = trouble

    def is_cancelled(self) -> bool:
        return self._cancelled.is_set() or self._host_lost.is_set()

    def cancelled_now(self) -> bool:
        try:
            if jobs_log.cancel_requested(self._conn, self.job_id):
                self._cancelled.set()
        except sqlite3.Error:
            pass  # a busy database: the heartbeat thread will see the flag
        return self.is_cancelled()

    @property
    def host_lost(self) -> bool:
        return self._host_lost.is_set()

    def set_fields(self, **values: object) -> None:
        self._write(values)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._conn.close()

    # -- heartbeat thread -------------------------------------------------------------
    def _heartbeat_loop(self) -> None:
        conn = db.connect(self._db_path)
        try:
            while not self._stop.wait(self._heartbeat_interval):
                try:
                    jobs_log.heartbeat(conn, self.job_id)
                    cancel = jobs_log.cancel_requested(conn, self.job_id)
                except sqlite3.Error:
                    continue  # a busy database must not kill the heartbeat; retry next beat
                if cancel:
                    self._cancelled.set()
                if self._host_alive is not None and not self._host_alive():
                    self._host_lost.set()
        finally:
            conn.close()


def open_library(path: str, reporter: Reporter) -> Any:
    """Read a job's input library and publish its size; an unreadable file is bad input."""
    from ..library import LibraryError, read_library
    from .errors import JobFailed

    try:
        library = read_library(path)
    except LibraryError as error:
        raise JobFailed(str(error), bad_input=True) from None
    reporter.counters.tracks_total = len(library.tracks)
    reporter.set_fields(tracks_total=len(library.tracks), track_count=len(library.tracks))
    return library


def mark_started(conn: sqlite3.Connection, job_id: int, worker_pid: int) -> None:
    now = time.time()
    jobs_log.update_job(
        conn,
        job_id,
        status=Status.IN_PROGRESS,
        worker_pid=worker_pid,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        error=None,
    )
