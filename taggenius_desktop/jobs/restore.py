"""The restore job: give back the user's own values of every field Tag Genius changed.

The tagged file's SHA-256 names the job that wrote it; its stored originals are put back.
If the user edited the tagged file since (so the hash names nothing), the file is matched
to the one job whose written values its tracks carry most (the same input tagged twice
leaves two jobs with the same tracks: the other job's block is not the DJ's edit). Within
a job a track is found by its TrackID, by Location only when no other track of that job
shares it. A field the user changed after tagging is kept: restore never undoes the
user's own edits (in Comments, the user's text is kept and only our block removed).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..library import Track
from ..store import originals as originals_store
from ..store.originals import TrackOriginals
from ..writeback import restore_changes
from .errors import JobFailed
from .finish import clean_stale_temps, write_output
from .progress import Reporter, open_library
from .specs import RestoreJobSpec
from .tagging import sha256_of


class _JobRecords:
    """One job's records, found by TrackID first and by a Location unique in the job."""

    def __init__(self, job_id: int, records: Sequence[TrackOriginals]) -> None:
        self.job_id = job_id
        self.by_track = {r.track_id: r for r in records}
        by_location: dict[str | None, list[TrackOriginals]] = {}
        for record in records:
            by_location.setdefault(record.location, []).append(record)
        self.by_unique_location = {loc: rs[0] for loc, rs in by_location.items() if len(rs) == 1}

    def find(self, track_id: str, attrs: Mapping[str, str]) -> TrackOriginals | None:
        location = attrs.get("Location")
        record = self.by_track.get(track_id)
        if record is not None and record.location == location:
            return record
        return self.by_unique_location.get(location)


def _carries(attrs: Mapping[str, str], record: TrackOriginals, every: bool) -> bool:
    """Does the track still hold what this record wrote (every field, or any)?"""
    matches = (attrs.get(name) == value for name, value in record.written.items())
    return all(matches) if every else any(matches)


def _writer_of(tracks: Sequence[Track], jobs: Sequence[_JobRecords]) -> _JobRecords:
    """The job that most likely wrote this file: most tracks carrying all it wrote, the
    newest on a tie (``jobs`` is newest first)."""

    scores = [0] * len(jobs)
    for track in tracks:
        attrs = track.attrs  # parsed once per track, not once per job
        for index, job in enumerate(jobs):
            record = job.find(track.track_id, attrs)
            if record is not None and _carries(attrs, record, every=True):
                scores[index] += 1
    return jobs[scores.index(max(scores))]  # the first of equals: the newest


def run_restore_job(spec: RestoreJobSpec, reporter: Reporter, conn: sqlite3.Connection) -> dict[str, Any]:
    clean_stale_temps(spec.output_path, time.time())
    library = open_library(spec.input_path, reporter)
    counters = reporter.counters

    job_id = originals_store.job_for_output_hash(conn, sha256_of(Path(spec.input_path)))
    records = originals_store.for_job(conn, job_id) if job_id else {}
    if records:
        writer, others = _JobRecords(job_id or 0, list(records.values())), []
    else:
        job_id = None
        stored = originals_store.by_job_for_locations(conn, (t.attrs.get("Location", "") for t in library.tracks))
        if not stored:
            raise JobFailed(
                f"{Path(spec.input_path).name}: Tag Genius has no record of tagging this library, so there is nothing to restore"
            )
        jobs = [_JobRecords(jid, recs) for jid, recs in stored.items()]
        writer = _writer_of(library.tracks, jobs)
        others = [job for job in jobs if job is not writer]

    restored = kept_edits = 0
    for track in library.tracks:
        attrs = track.attrs
        record = writer.find(track.track_id, attrs)
        if record is None:  # a track another job tagged (a library put together from several)
            record = next((r for job in others if (r := job.find(track.track_id, attrs)) is not None
                           and _carries(attrs, r, every=False)), None)
        if record is None:
            counters.skipped += 1
        else:
            changes, skipped_fields = restore_changes(attrs, record.originals, record.written)
            kept_edits += len(skipped_fields)
            if changes:
                library.set_track_attributes(track.track_id, changes)
                restored += 1
            counters.tagged += 1
        reporter.tick()

    write_output(library, spec.output_path)
    reporter.tick(force=True)
    return {
        "output_file_path": spec.output_path,
        "tracks_restored": restored,
        "fields_kept_as_user_edited": kept_edits,
        "matched_by": "file hash" if job_id else "written values",
        "source_job_id": job_id if job_id else writer.job_id,
    }
