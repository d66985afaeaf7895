"""The per-track report: one CSV row per track, what was there, what is written, and why.

Columns (``REPORT_COLUMNS``): TrackID, Artist, Title, before and after of every field
Tag Genius manages (Genre, Comments, Colour as rekordbox's colour name, Rating as stars,
Grouping), the energy with its source and confidence, the genre's confidence, every
category's source, and a note for anything skipped or not written (full Comments, not
music, unsure, a Red track, locked in the review).

UTF-8 with a byte-order mark so spreadsheet apps (Excel, Numbers) read the accents, and
written atomically: a crash leaves either the old file or the whole new one.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from ..library import Library
from ..library.writer import _atomic_write  # the library's own temp-file + os.replace
from ..vocabulary.profile import TagProfile
from ..writeback.options import COLOUR_PALETTE, RATING_VALUES, WriteOptions
from ..writeback.plan import MANAGED_FIELDS, plan_fields
from .summary import SummaryBuilder, TrackRow

_FIELD_LABELS = {"Colour": "Colour", "Rating": "Rating (stars)"}
REPORT_COLUMNS: tuple[str, ...] = (
    "TrackID", "Artist", "Title",
    *(f"{_FIELD_LABELS.get(name, name)} {when}" for name in MANAGED_FIELDS for when in ("before", "after")),
    "Energy", "Energy source", "Energy confidence", "Genre confidence", "Sources", "Note",
)
_CATEGORY_ORDER = ("primary_genre", "sub_genres", "energy", "vibes", "situations", "components", "era")
_BOM = "\ufeff"


def _shown(name: str, value: str | None) -> str:
    """A field's value as a DJ reads it: colour names, stars; empty when absent."""
    if value is None:
        return ""
    if name == "Colour":
        return COLOUR_PALETTE.get(value.strip().upper().replace("0X", "0x"), value)
    if name == "Rating":
        try:
            return str(RATING_VALUES.index(int(value)))
        except ValueError:
            return value
    return value


def row_cells(row: TrackRow) -> list[str]:
    """One track's cells, in REPORT_COLUMNS order."""
    cells = [row.track_id, row.artist, row.title]
    for name, before, after in zip(MANAGED_FIELDS, row.before, row.after, strict=True):
        cells += [_shown(name, before), _shown(name, after)]
    profile = row.profile
    if profile is None:
        cells += ["", "", "", "", ""]
    else:
        sources = "; ".join(f"{c}: {profile.sources[c]}" for c in _CATEGORY_ORDER if c in profile.sources)
        cells += [
            str(profile.energy),
            profile.sources.get("energy", ""),
            profile.confidence.get("energy", ""),
            profile.confidence.get("primary_genre", ""),
            sources,
        ]
    cells.append("; ".join(row.notes))
    return cells


def report_text(rows: Iterable[TrackRow]) -> Iterator[str]:
    """The CSV, header first, in pieces (the BOM leads the first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(REPORT_COLUMNS)
    yield _BOM + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row_cells(row))
        yield buffer.getvalue()


def write_report(path: str | Path, rows: Iterable[TrackRow]) -> Path:
    """Write the report atomically; raises LibraryError (one line) when it cannot."""
    target = Path(path).expanduser()

    def produce(write: object) -> None:
        for piece in report_text(rows):
            write(piece.encode("utf-8"))  # type: ignore[operator]

    _atomic_write(target, produce)
    return target


def rows_for_profiles(
    library: Library,
    profiles: Mapping[str, TagProfile | None],
    options: WriteOptions,
    skipped: Mapping[str, str] | None = None,
) -> list[TrackRow]:
    """Report rows for proposals not written yet (the review's "Export report"): every
    track of ``profiles`` planned against the library as it is now. A track whose
    profile is None is reported with its reason from ``skipped`` (or "not tagged")."""
    return _planned(library, profiles, options, skipped, keep_rows=True).rows or []


def summary_for_profiles(
    library: Library,
    profiles: Mapping[str, TagProfile | None],
    options: WriteOptions,
    skipped: Mapping[str, str] | None = None,
    pause: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """The library-wide summary (:mod:`.summary`) of writing ``profiles``: the GUI's
    preview of the review's proposals and edits, counted exactly as a job counts.
    ``pause`` is called every :data:`PAUSE_EVERY` tracks (a GUI thread's turn, a cancel)."""
    return _planned(library, profiles, options, skipped, keep_rows=False, pause=pause).result()


#: tracks planned between two calls of a ``pause`` callback
PAUSE_EVERY = 500


def _planned(library: Library, profiles: Mapping[str, TagProfile | None], options: WriteOptions,
             skipped: Mapping[str, str] | None, keep_rows: bool,
             pause: Callable[[], None] | None = None) -> SummaryBuilder:
    builder = SummaryBuilder(options, keep_rows=keep_rows)
    reasons = skipped or {}
    for done, (track_id, profile) in enumerate(profiles.items()):
        if pause is not None and done % PAUSE_EVERY == 0:
            pause()
        attrs = library.track_by_id(track_id).attrs
        if profile is None:
            builder.add(track_id, attrs, None, {}, (reasons.get(track_id, "not tagged"),))
            continue
        changes, notes, _ = plan_fields(attrs, profile, options)
        builder.add(track_id, attrs, profile, changes, notes)
    return builder
