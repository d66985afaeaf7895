"""THE bridge from background jobs to Qt (threading rule 3 in the package docstring).

Workers report only through ``processing_log``. One QTimer in the GUI thread reads it
every ~200 ms and turns what changed into coalesced, past-tense signals:

* ``job_progressed(JobRecord)``: a job's row changed and it is still queued or running;
* ``job_finished(JobRecord)``: a job reached a final status since the last read;
* ``jobs_changed(list[JobRecord])``: the whole list (newest first) whenever anything did.

The query stays tiny: after the first full read, only rows that are new, active, or were
active at the previous read are fetched (the large ``spec`` column is never read). A full
re-read every few seconds catches anything another process did (``taggenius cancel``,
jobs deleted). Reading here in the GUI thread takes well under a millisecond.
"""

from __future__ import annotations

import logging
import sqlite3
import time

from PySide6.QtCore import QObject, QTimer, Signal

from ..store import connect, jobs_log
from ..store.jobs_log import JobRecord, Status

log = logging.getLogger(__name__)

HISTORY_LIMIT = 500
FULL_REFRESH_S = 5.0


class JobBridge(QObject):
    job_progressed = Signal(object)  # JobRecord
    job_finished = Signal(object)  # JobRecord
    jobs_changed = Signal(list)  # list[JobRecord], newest first

    def __init__(self, db_path: str | None = None, interval_ms: int = 200, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._conn = connect(db_path)
        self._records: dict[int, JobRecord] = {}
        self._max_id = 0
        self._started = False
        self._last_full = 0.0
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.refresh)

    # -- public ------------------------------------------------------------------------
    def start(self) -> None:
        """First full read (quietly: history is not "finished just now"), then the timer."""
        if not self._started:
            try:
                jobs_log.mark_interrupted_jobs(self._conn)
            except sqlite3.Error as exc:  # a busy database must not stop the app opening
                log.warning("could not check for interrupted jobs: %s", exc)
            self._started = True
            self._read(full=True, announce_finished=False)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def close(self) -> None:
        """Quitting: the timer stops for good and no signal is emitted after this."""
        self._closed = True
        self._timer.stop()
        try:
            self._conn.close()
        except sqlite3.Error:
            pass

    def remove_jobs(self, job_ids: list[int]) -> None:
        """Drop finished jobs from the history (their output files stay)."""
        ids = [i for i in job_ids if (r := self._records.get(i)) is not None and r.status in Status.FINISHED]
        if not ids or self._closed:
            return
        try:
            jobs_log.delete_jobs(self._conn, ids)
        except sqlite3.Error as exc:
            log.warning("could not remove jobs from the history: %s", exc)
            return
        self._read(full=True, announce_finished=False)

    @property
    def records(self) -> list[JobRecord]:
        return sorted(self._records.values(), key=lambda r: r.id, reverse=True)

    def record(self, job_id: int) -> JobRecord | None:
        return self._records.get(job_id)

    def refresh(self) -> None:
        """Read now (the timer calls this; the window calls it right after a submit so the
        new row appears without waiting for the next tick)."""
        if self._closed:
            return
        if not self._started:
            self.start()
            return
        now = time.monotonic()
        full = now - self._last_full > FULL_REFRESH_S
        if full:
            try:
                jobs_log.mark_interrupted_jobs(self._conn)
            except sqlite3.Error:
                pass
        self._read(full=full, announce_finished=True)

    # -- reading -----------------------------------------------------------------------
    def _fetch(self, full: bool) -> list[JobRecord] | None:
        try:
            if full:
                return jobs_log.list_jobs(self._conn, limit=HISTORY_LIMIT, with_spec=False)
            watched = [r.id for r in self._records.values() if r.status in Status.ACTIVE]
            return jobs_log.changed_since(self._conn, self._max_id, watched)
        except sqlite3.Error as exc:
            log.warning("could not read the job log: %s", exc)
            return None

    def _read(self, full: bool, announce_finished: bool) -> None:
        fetched = self._fetch(full)
        if fetched is None:
            return
        if full:
            self._last_full = time.monotonic()
        changed: list[JobRecord] = []
        finished: list[JobRecord] = []
        seen = set()
        for record in fetched:
            seen.add(record.id)
            previous = self._records.get(record.id)
            if previous == record:
                continue
            self._records[record.id] = record
            self._max_id = max(self._max_id, record.id)
            changed.append(record)
            # A new final status, or the same one with a new finish time (a resumed job
            # that ran to the end between two reads).
            known_final = (previous is not None and previous.status in Status.FINISHED
                           and previous.finished_at == record.finished_at)
            if record.status in Status.FINISHED and not known_final:
                finished.append(record)
        removed = False
        if full:
            # Rows gone from the newest HISTORY_LIMIT (deleted, or aged out) leave the list,
            # except active ones, which are always kept.
            for job_id in [i for i in self._records if i not in seen]:
                if self._records[job_id].status not in Status.ACTIVE:
                    del self._records[job_id]
                    removed = True
        if not changed and not removed:
            return
        # The list first, so views are up to date when per-job handlers run.
        self.jobs_changed.emit(self.records)
        for record in sorted(changed, key=lambda r: r.id):
            if record.status in Status.ACTIVE:
                self.job_progressed.emit(record)
        if announce_finished:
            for record in sorted(finished, key=lambda r: r.id):
                self.job_finished.emit(record)
