"""The user's own values of every field a job changed, so ``restore`` is exact."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Iterable

from .cache import transaction


@dataclass(frozen=True, slots=True)
class TrackOriginals:
    job_id: int
    track_id: str
    location: str | None
    originals: dict[str, str | None]  # None: the attribute did not exist
    written: dict[str, str]


def replace_for_job(conn: sqlite3.Connection, job_id: int, rows: Iterable[TrackOriginals]) -> None:
    """Store a job's originals, replacing any from an earlier (interrupted) run of it."""
    data = [
        (r.job_id, r.track_id, r.location, json.dumps(r.originals, ensure_ascii=False), json.dumps(r.written, ensure_ascii=False))
        for r in rows
    ]
    with transaction(conn):
        conn.execute("DELETE FROM track_originals WHERE job_id = ?", (job_id,))
        conn.executemany(
            "INSERT INTO track_originals (job_id, track_id, location, originals, written) VALUES (?, ?, ?, ?, ?)",
            data,
        )


def _to_record(row: sqlite3.Row | tuple) -> TrackOriginals:
    job_id, track_id, location, originals, written = row
    return TrackOriginals(job_id, track_id, location, json.loads(originals), json.loads(written))


def for_job(conn: sqlite3.Connection, job_id: int) -> dict[str, TrackOriginals]:
    rows = conn.execute(
        "SELECT job_id, track_id, location, originals, written FROM track_originals WHERE job_id = ?", (job_id,)
    )
    return {r[1]: _to_record(r) for r in rows}


def latest_by_location(conn: sqlite3.Connection, locations: Iterable[str]) -> dict[str, list[TrackOriginals]]:
    """Every stored record for these locations, newest job first (used when a tagged file
    was edited after tagging, so its hash no longer names the job)."""
    wanted = list(dict.fromkeys(locations))
    found: dict[str, list[TrackOriginals]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" for _ in chunk)
        rows = conn.execute(
            "SELECT job_id, track_id, location, originals, written FROM track_originals "
            f"WHERE location IN ({marks}) ORDER BY job_id DESC",
            chunk,
        )
        for row in rows:
            record = _to_record(row)
            found.setdefault(record.location or "", []).append(record)
    return found


def job_for_output_hash(conn: sqlite3.Connection, sha256: str) -> int | None:
    row = conn.execute(
        "SELECT id FROM processing_log WHERE output_sha256 = ? AND job_type = 'tag' ORDER BY id DESC LIMIT 1",
        (sha256,),
    ).fetchone()
    return int(row[0]) if row else None


def has_any(conn: sqlite3.Connection, job_id: int) -> bool:
    return conn.execute("SELECT 1 FROM track_originals WHERE job_id = ? LIMIT 1", (job_id,)).fetchone() is not None


__all__ = ["TrackOriginals", "replace_for_job", "for_job", "latest_by_location", "job_for_output_hash", "has_any"]
