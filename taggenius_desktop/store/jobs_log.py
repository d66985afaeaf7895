"""``processing_log``: one row per job, the single source of truth for job progress.

Workers write here (a few times a second at most); the GUI's bridge and ``taggenius
jobs`` read here. This module is the only one that names the table.

Liveness: a worker holds an exclusive lock on ``<database>.locks/job-<id>.lock`` while it
runs a job, and a job manager one on ``host-<pid>.lock`` while it has jobs queued. The
operating system drops a lock the moment its process dies (kill -9 included; a zombie
holds none), so a job whose process died shows as Interrupted to the next reader. The pid
is only consulted for rows that have no lock file (written before locks existed).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping

from . import locks
from .db import database_file
from .errors import plain_errors

log = logging.getLogger(__name__)


class Status:
    QUEUED = "Queued"
    IN_PROGRESS = "In Progress"
    COMPLETED = "Completed"
    FAILED = "Failed"
    CANCELLED = "Cancelled"
    INTERRUPTED = "Interrupted"

    ACTIVE = (QUEUED, IN_PROGRESS)
    FINISHED = (COMPLETED, FAILED, CANCELLED, INTERRUPTED)


#: A running job whose heartbeat is older than this is treated as dead even if its pid
#: exists (pids are reused; a machine that slept wakes with stale jobs).
HEARTBEAT_TIMEOUT_S = 15.0


@dataclass(frozen=True, slots=True)
class JobRecord:
    id: int
    timestamp: str
    job_display_name: str
    original_filename: str
    input_file_path: str
    output_file_path: str | None
    track_count: int
    status: str
    job_type: str
    result_data: str | None
    spec: str
    tracks_done: int
    tracks_total: int
    current_track: str | None
    tagged: int
    cached: int
    skipped: int
    failed: int
    requests: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    provider: str | None
    model: str | None
    level: str | None
    error: str | None
    started_at: float | None
    finished_at: float | None
    heartbeat_at: float | None
    worker_pid: int | None
    host_pid: int | None
    cancel_requested: int
    output_sha256: str | None

    @property
    def is_active(self) -> bool:
        return self.status in Status.ACTIVE

    @property
    def fraction_done(self) -> float:
        return self.tracks_done / self.tracks_total if self.tracks_total else 0.0

    def eta_seconds(self, now: float | None = None) -> float | None:
        """Remaining time from the average rate so far; None until there is a rate."""
        if self.status != Status.IN_PROGRESS or not self.started_at or self.tracks_done <= 0:
            return None
        elapsed = (now or time.time()) - self.started_at
        rate = self.tracks_done / elapsed if elapsed > 0 else 0
        return (self.tracks_total - self.tracks_done) / rate if rate > 0 else None

    def to_json_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["spec"] = json.loads(self.spec) if self.spec else None
        data["result_data"] = json.loads(self.result_data) if self.result_data else None
        return data


_COLUMNS = [f.name for f in fields(JobRecord)]
# Every column but ``spec`` (a tag job's spec can hold thousands of review overrides):
# what a view that polls the log reads.
_SUMMARY_COLUMNS = ", ".join("'' AS spec" if name == "spec" else name for name in _COLUMNS)


def row_to_record(row: sqlite3.Row) -> JobRecord:
    return JobRecord(**{name: row[name] for name in _COLUMNS})



def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def insert_job(conn: sqlite3.Connection, values: Mapping[str, Any]) -> int:
    row = {"timestamp": now_iso(), "status": Status.QUEUED, **values}
    names = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    with plain_errors(conn):
        cur = conn.execute(f"INSERT INTO processing_log ({names}) VALUES ({marks})", list(row.values()))
    assert cur.lastrowid is not None
    return int(cur.lastrowid)


def update_job(conn: sqlite3.Connection, job_id: int, **values: Any) -> None:
    if not values:
        return
    unknown = set(values) - set(_COLUMNS)
    if unknown:
        raise KeyError(f"unknown processing_log columns: {sorted(unknown)}")
    assignments = ", ".join(f"{name} = ?" for name in values)
    with plain_errors(conn):
        conn.execute(f"UPDATE processing_log SET {assignments} WHERE id = ?", [*values.values(), job_id])


def get_job(conn: sqlite3.Connection, job_id: int) -> JobRecord | None:
    row = conn.execute("SELECT * FROM processing_log WHERE id = ?", (job_id,)).fetchone()
    return row_to_record(row) if row else None


def list_jobs(conn: sqlite3.Connection, limit: int | None = None, *, with_spec: bool = True) -> list[JobRecord]:
    """Jobs, newest first; ``with_spec=False`` leaves ``spec`` empty (cheap to poll)."""
    sql = f"SELECT {'*' if with_spec else _SUMMARY_COLUMNS} FROM processing_log ORDER BY id DESC"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [row_to_record(r) for r in conn.execute(sql)]


def changed_since(conn: sqlite3.Connection, max_id: int, watched: Iterable[int]) -> list[JobRecord]:
    """Jobs that may have changed since a read that saw ids up to ``max_id``: newer rows,
    active rows, and the ``watched`` ones (active at that read). ``spec`` is left empty."""
    ids = list(watched)
    marks = ",".join("?" for _ in ids) or "NULL"
    rows = conn.execute(
        f"SELECT {_SUMMARY_COLUMNS} FROM processing_log WHERE id > ? OR status IN (?, ?) OR id IN ({marks})",
        (max_id, *Status.ACTIVE, *ids),
    ).fetchall()
    return [row_to_record(r) for r in rows]


def cancel_requested(conn: sqlite3.Connection, job_id: int) -> bool:
    """Whether someone asked this job to stop (the one query for the flag)."""
    row = conn.execute("SELECT cancel_requested FROM processing_log WHERE id = ?", (job_id,)).fetchone()
    return bool(row and row[0])


def cancel_state(conn: sqlite3.Connection, job_id: int) -> tuple[bool, bool]:
    """(cancel requested, every track done): a job whose tracks are all done is only
    writing its output, and finished work is not cancelled."""
    row = conn.execute(
        "SELECT cancel_requested, tracks_done, tracks_total FROM processing_log WHERE id = ?", (job_id,)
    ).fetchone()
    if row is None:
        return False, False
    return bool(row[0]), bool(row[2]) and row[1] >= row[2]


def heartbeat(conn: sqlite3.Connection, job_id: int, now: float | None = None) -> None:
    """The running job is alive (readers treat a long-silent one as dead)."""
    with plain_errors(conn):
        conn.execute("UPDATE processing_log SET heartbeat_at = ? WHERE id = ?", (now or time.time(), job_id))


def finish_abandoned(
    conn: sqlite3.Connection, job_id: int, status: str, error: str | None, now: float | None = None
) -> bool:
    """Give a job whose worker stopped holding it a final status, unless it already has
    one (the worker may have written its own end first). Returns whether it changed."""
    with plain_errors(conn):
        cur = conn.execute(
            "UPDATE processing_log SET status = ?, error = COALESCE(?, error), finished_at = ? "
            "WHERE id = ? AND status IN (?, ?)",
            (status, error, now or time.time(), job_id, *Status.ACTIVE),
        )
    return cur.rowcount > 0


def job_for_output_hash(conn: sqlite3.Connection, sha256: str) -> int | None:
    """The newest tag job whose output had this SHA-256 (what ``restore`` undoes)."""
    row = conn.execute(
        "SELECT id FROM processing_log WHERE output_sha256 = ? AND job_type = 'tag' ORDER BY id DESC LIMIT 1",
        (sha256,),
    ).fetchone()
    return int(row[0]) if row else None


def request_cancel(conn: sqlite3.Connection, job_id: int) -> bool:
    """Ask a job to stop; returns False if it had already finished."""
    cur = conn.execute(
        "UPDATE processing_log SET cancel_requested = 1 WHERE id = ? AND status IN (?, ?)",
        (job_id, *Status.ACTIVE),
    )
    return cur.rowcount > 0


def process_alive(pid: int | None) -> bool:
    """Whether a process with this pid exists (our own pid always does)."""
    if not pid:
        return False
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)  # signal 0: existence check only
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OSError:
        return False
    return True


def _windows_process_alive(pid: int) -> bool:
    # os.kill(pid, 0) would terminate the process on Windows: ask the kernel instead.
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    query_limited_information, still_active = 0x1000, 259
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return code.value == still_active
    finally:
        kernel32.CloseHandle(handle)


def _lock_dir(conn: sqlite3.Connection) -> Path | None:
    path = database_file(conn)
    return path.with_name(f"{path.name}.locks") if path is not None else None


def _lock(conn: sqlite3.Connection, name: str) -> locks.HeldLock | None:
    """The lock, or None when its folder cannot be written: then readers fall back to
    the pid (weaker, but a job must not fail for want of a lock file)."""
    folder = _lock_dir(conn)
    if folder is None:
        return None
    try:
        return locks.acquire(folder / name)
    except OSError as error:
        log.warning("no liveness lock %s: %s", folder / name, error)
        return None


def hold_job_lock(conn: sqlite3.Connection, job_id: int) -> locks.HeldLock | None:
    """Taken by the worker before it marks the job In Progress, released (and removed)
    after it has written the final status: held exactly while the job runs."""
    return _lock(conn, f"job-{job_id}.lock")


class HostLock:
    """This process's host lock on one database, shared by every job manager in it (a
    second exclusive lock from the same process would wait for the first)."""

    _held: dict[Path, tuple[locks.HeldLock, int]] = {}

    def __init__(self, path: Path, held: locks.HeldLock) -> None:
        self.path = path
        shared, count = self._held.get(path, (held, 0))
        self._held[path] = (shared, count + 1)

    def release(self) -> None:
        entry = self._held.pop(self.path, None)
        if entry is None:
            return
        held, count = entry
        if count > 1:
            self._held[self.path] = (held, count - 1)
        else:
            held.release(remove=True)


def hold_host_lock(conn: sqlite3.Connection) -> HostLock | None:
    """Taken by a job manager for its lifetime: its Queued jobs live while it does."""
    folder = _lock_dir(conn)
    if folder is None:
        return None
    path = folder / f"host-{os.getpid()}.lock"
    if path in HostLock._held:
        return HostLock(path, HostLock._held[path][0])
    held = _lock(conn, path.name)
    return HostLock(path, held) if held is not None else None


def _alive(conn: sqlite3.Connection, lock_name: str, pid: int | None) -> bool:
    folder = _lock_dir(conn)
    held = locks.is_held(folder / lock_name) if folder is not None else None
    return held if held is not None else process_alive(pid)


def mark_interrupted_jobs(conn: sqlite3.Connection, now: float | None = None) -> list[int]:
    """Turn jobs whose worker or host process is gone into Interrupted; return their ids.

    Called by every reader of the log (``taggenius jobs``, the GUI bridge, the manager at
    start), so a crash is visible wherever the user looks next.
    """
    now = now or time.time()
    interrupted: list[int] = []
    rows = conn.execute(
        "SELECT id, status, worker_pid, host_pid, heartbeat_at FROM processing_log WHERE status IN (?, ?)",
        Status.ACTIVE,
    ).fetchall()
    for row in rows:
        if row["status"] == Status.IN_PROGRESS:
            dead = not _alive(conn, f"job-{row['id']}.lock", row["worker_pid"]) or (
                row["heartbeat_at"] is not None and now - row["heartbeat_at"] > HEARTBEAT_TIMEOUT_S
            )
        else:  # Queued: only the process that queued it will ever start it
            host = row["host_pid"]
            dead = not _alive(conn, f"host-{host}.lock", host) if host else True
        if dead:
            cur = conn.execute(
                "UPDATE processing_log SET status = ?, finished_at = ?, error = COALESCE(error, ?) "
                "WHERE id = ? AND status = ?",
                (Status.INTERRUPTED, now, "The job was interrupted before it finished.", row["id"], row["status"]),
            )
            if cur.rowcount:
                interrupted.append(row["id"])
    return interrupted


def delete_jobs(conn: sqlite3.Connection, job_ids: Iterable[int]) -> None:
    conn.executemany("DELETE FROM processing_log WHERE id = ?", [(i,) for i in job_ids])
