"""The user's own values of every field a job changed, so ``restore`` is exact."""

from __future__ import annotations

import json
import sqlite3
import zlib
from dataclasses import dataclass
from typing import Iterable

from . import jobs_log
from .cache import transaction


@dataclass(frozen=True, slots=True)
class TrackOriginals:
    job_id: int
    track_id: str
    location: str | None
    originals: dict[str, str | None]  # None: the attribute did not exist
    written: dict[str, str]


_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode


def replace_for_job(conn: sqlite3.Connection, job_id: int, rows: Iterable[TrackOriginals]) -> None:
    """Store a job's originals, replacing any from an earlier (interrupted) run of it."""
    records = [[r.track_id, r.location, r.originals, r.written] for r in rows]
    # One encode of the whole list runs in C from end to end; level 1 compression is
    # fast and still shrinks the repetitive JSON several times.
    blob = zlib.compress(_encode(records).encode("utf-8"), 1)
    with transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO track_originals (job_id, tracks, data) VALUES (?, ?, ?)",
            (job_id, len(records), blob),
        )


def _decode(job_id: int, blob: bytes) -> list[TrackOriginals]:
    return [
        TrackOriginals(job_id, track_id, location, originals, written)
        for track_id, location, originals, written in json.loads(zlib.decompress(blob))
    ]


def for_job(conn: sqlite3.Connection, job_id: int) -> dict[str, TrackOriginals]:
    row = conn.execute("SELECT data FROM track_originals WHERE job_id = ?", (job_id,)).fetchone()
    return {r.track_id: r for r in _decode(job_id, row[0])} if row else {}


def latest_by_location(conn: sqlite3.Connection, locations: Iterable[str]) -> dict[str, list[TrackOriginals]]:
    """Every stored record for these locations, newest job first (used when a tagged file
    was edited after tagging, so its hash no longer names the job). Reads every job's
    records: rare, and bounded by the user's job history."""
    wanted = set(locations)
    found: dict[str, list[TrackOriginals]] = {}
    for job_id, blob in conn.execute("SELECT job_id, data FROM track_originals ORDER BY job_id DESC"):
        for record in _decode(job_id, blob):
            if record.location in wanted:
                found.setdefault(record.location or "", []).append(record)
    return found


def by_job_for_locations(conn: sqlite3.Connection, locations: Iterable[str]) -> dict[int, list[TrackOriginals]]:
    """Per job, newest first, its records for tracks at these locations: restore of an
    edited tagged file picks the job that wrote the file from these as a whole."""
    wanted = set(locations)
    found: dict[int, list[TrackOriginals]] = {}
    for job_id, blob in conn.execute("SELECT job_id, data FROM track_originals ORDER BY job_id DESC"):
        records = [record for record in _decode(job_id, blob) if record.location in wanted]
        if records:
            found[job_id] = records
    return found


def job_for_output_hash(conn: sqlite3.Connection, sha256: str) -> int | None:
    return jobs_log.job_for_output_hash(conn, sha256)
