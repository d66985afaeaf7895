"""The restore job: give back the user's own values of every field Tag Genius changed.

The tagged file's SHA-256 names the job that wrote it; its stored originals are put back.
If the user edited the tagged file since (so the hash names nothing), each track is
matched by Location to the newest job whose written values it still carries. A field the
user changed after tagging is kept: restore never undoes the user's own edits.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from ..library import LibraryError, write_library
from ..store import originals as originals_store
from ..store.originals import TrackOriginals
from ..writeback import restore_changes
from .errors import JobFailed
from .progress import Reporter, open_library
from .specs import RestoreJobSpec
from .tagging import sha256_of


def _match_by_location(attrs: dict[str, str], candidates: list[TrackOriginals]) -> TrackOriginals | None:
    for record in candidates:  # newest job first
        if any(attrs.get(name) == value for name, value in record.written.items()):
            return record
    return None


def run_restore_job(spec: RestoreJobSpec, reporter: Reporter, conn: sqlite3.Connection) -> dict[str, Any]:
    library = open_library(spec.input_path, reporter)
    counters = reporter.counters

    job_id = originals_store.job_for_output_hash(conn, sha256_of(Path(spec.input_path)))
    by_track: dict[str, TrackOriginals] = originals_store.for_job(conn, job_id) if job_id else {}
    by_location: dict[str, list[TrackOriginals]] = {}
    if not by_track:
        by_location = originals_store.latest_by_location(
            conn, (t.attrs.get("Location", "") for t in library.tracks)
        )
        if not by_location:
            raise JobFailed(
                f"{Path(spec.input_path).name}: Tag Genius has no record of tagging this library, so there is nothing to restore"
            )

    restored = kept_edits = 0
    for track in library.tracks:
        if job_id:
            record = by_track.get(track.track_id)
        else:
            record = _match_by_location(track.attrs, by_location.get(track.attrs.get("Location", ""), []))
        if record is None:
            counters.skipped += 1
        else:
            changes, skipped_fields = restore_changes(track.attrs, record.originals, record.written)
            kept_edits += len(skipped_fields)
            if changes:
                library.set_track_attributes(track.track_id, changes)
                restored += 1
            counters.tagged += 1
        reporter.tick()

    try:
        write_library(library, spec.output_path)
    except LibraryError as error:
        raise JobFailed(str(error), bad_input=True) from None
    reporter.tick(force=True)
    return {
        "output_file_path": spec.output_path,
        "tracks_restored": restored,
        "fields_kept_as_user_edited": kept_edits,
        "matched_by": "file hash" if job_id else "location",
        "source_job_id": job_id,
    }
