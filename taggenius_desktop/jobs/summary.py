"""The library-wide summary of a tag job: what would change, before anything is written.

One :class:`SummaryBuilder` sees every track of a job (or of a dry run) once, right after
its fields were planned, and counts: tracks changed per field, genre families before and
after, the energy histogram and colour spread of what is written, unsure and skipped
tracks (with why), the DJ's own Genre labels kept or replaced, and tracks whose Comments
are full. The same dict goes into ``taggenius tag --json`` and the GUI's library preview;
with ``keep_rows`` it also keeps what the per-track report needs (:mod:`.report`).

Qt-free and cheap: a few dict updates per track (the genre strings are read once each).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Mapping, NamedTuple

from ..vocabulary import load_vocabulary
from ..vocabulary.profile import ENERGY_MAX, ENERGY_MIN, Confidence, TagProfile
from ..writeback.block import NOTE_COMMENTS_FULL
from ..writeback.options import COLOUR_PALETTE, WriteOptions
from ..writeback.plan import COLOUR, GENRE, MANAGED_FIELDS, NOTE_RED, NOTE_UNSURE, own_labels

#: family names for Genre values that name no genre
NO_GENRE = "(no genre)"
NOT_A_GENRE = "(not a genre)"
NO_COLOUR = "(none)"
#: why a track in scope got no profile, beside the taggers' own reasons ("not music: ...")
SKIP_LOCKED = "locked in the review: left alone"
#: how many of the DJ's labels the summary names (the counts cover all of them)
TOP_LABELS = 20
NEEDS_A_LOOK = frozenset({Confidence.LOW.value, Confidence.GUESS.value})


class TrackRow(NamedTuple):
    """What the report needs of one track: before and after of every managed field."""

    track_id: str
    artist: str
    title: str
    before: tuple[str | None, ...]  # in MANAGED_FIELDS order
    after: tuple[str | None, ...]
    profile: TagProfile | None
    notes: tuple[str, ...]


class SummaryBuilder:
    """Counts one job's tracks; :meth:`result` gives the JSON-safe summary."""

    def __init__(self, options: WriteOptions, keep_rows: bool = False) -> None:
        self.options = options
        self.genres = load_vocabulary().genres
        self.tracks = 0
        self.changed = 0
        self.per_field: Counter[str] = Counter()
        self.before: Counter[str] = Counter()
        self.after: Counter[str] = Counter()
        self.energy: Counter[int] = Counter()
        self.colours: Counter[str] = Counter()
        self.genre_confidence: Counter[str] = Counter()
        self.unsure = 0
        self.needs_a_look = 0
        self.skipped: Counter[str] = Counter()
        self.comments_full = 0
        self.red = 0
        self.labels_kept: Counter[str] = Counter()
        self.labels_replaced: Counter[str] = Counter()
        self.rows: list[TrackRow] | None = [] if keep_rows else None
        self._family: dict[str, str] = {}

    def family(self, genre: str | None) -> str:
        """The genre family (primary genre) a Genre value names, read like the tagger does."""
        if not genre or genre.isspace():
            return NO_GENRE
        found = self._family.get(genre)
        if found is None:
            # A vague bucket ("Electronic", "Dance") is shown as itself: it names no family.
            names = self.genres.analyze(genre).names
            specific = [n for n in names if not self.genres.is_vague(n)]
            found = self.genres.primary_of(specific[0]) if specific else names[0] if names else NOT_A_GENRE
            if len(self._family) < 100_000:
                self._family[genre] = found
        return found

    def add(self, track_id: str, attrs: Mapping[str, str], profile: TagProfile | None,
            changes: Mapping[str, str], notes: tuple[str, ...] = ()) -> None:
        """One track, with ``attrs`` as they were before ``changes`` are applied."""
        self.tracks += 1
        get = attrs.get
        genre_now = get(GENRE)
        genre_after = changes.get(GENRE, genre_now)
        self.before[self.family(genre_now)] += 1
        self.after[self.family(genre_after)] += 1
        colour = changes.get(COLOUR) or get(COLOUR) or ""
        self.colours[COLOUR_PALETTE.get(colour.upper().replace("0X", "0x"), colour) or NO_COLOUR] += 1
        if changes:
            self.changed += 1
            self.per_field.update(changes.keys())
        if profile is None:
            for note in notes:  # "not music: shorter than 30 seconds" counts as "not music"
                self.skipped[note.partition(":")[0]] += 1
        else:
            level = profile.confidence.get("primary_genre", "")
            self.genre_confidence[level or "unknown"] += 1
            if NEEDS_A_LOOK.intersection(profile.confidence.values()):
                self.needs_a_look += 1
            if NOTE_UNSURE in notes:
                self.unsure += 1
            elif NOTE_RED in notes:
                self.red += 1
            else:
                self.energy[profile.energy] += 1
            if NOTE_COMMENTS_FULL in notes:
                self.comments_full += 1
            if genre_now and GENRE in changes:
                labels = own_labels(genre_now)
                if labels:
                    kept = self.labels_kept if self.options.keep_genre_labels else self.labels_replaced
                    kept.update(labels)
        if self.rows is not None:
            before = tuple(get(name) for name in MANAGED_FIELDS)
            after = tuple(changes.get(name, value) for name, value in zip(MANAGED_FIELDS, before, strict=True))
            self.rows.append(TrackRow(track_id, get("Artist") or "", get("Name") or "", before, after,
                                      profile, notes))

    def result(self) -> dict[str, Any]:
        """The summary as plain JSON-safe values (also stored with the job)."""
        kept, replaced = self.labels_kept, self.labels_replaced
        return {
            "tracks": self.tracks,
            "tracks_changed": self.changed,
            "changes_per_field": {name: self.per_field.get(name, 0) for name in MANAGED_FIELDS},
            "families_before": dict(self.before.most_common()),
            "families_after": dict(self.after.most_common()),
            "energy_histogram": {str(e): self.energy.get(e, 0) for e in range(ENERGY_MIN, ENERGY_MAX + 1)},
            "colours_after": dict(self.colours.most_common()),
            "genre_confidence": {c.value: self.genre_confidence.get(c.value, 0) for c in Confidence},
            "needs_a_look": self.needs_a_look,
            "unsure": self.unsure,
            "skipped": sum(self.skipped.values()),
            "skipped_reasons": dict(self.skipped.most_common()),
            "red_left_alone": self.red,
            "comments_full": self.comments_full,
            "labels_kept": sum(kept.values()),
            "labels_replaced": sum(replaced.values()),
            "top_labels": dict((kept + replaced).most_common(TOP_LABELS)),
        }


def summary_lines(summary: Mapping[str, Any]) -> list[str]:
    """The summary in plain words, one line per fact (CLI stderr, tooltips)."""
    per_field = summary.get("changes_per_field", {})
    fields = ", ".join(f"{name} {count:,}" for name, count in per_field.items() if count) or "none"
    lines = [
        f"{summary.get('tracks_changed', 0):,} of {summary.get('tracks', 0):,} tracks change ({fields})",
    ]
    if summary.get("unsure"):
        lines.append(f"{summary['unsure']:,} unsure (genre or energy only a guess from the tempo): left as they were")
    if summary.get("skipped"):
        reasons = "; ".join(f"{n:,} {why}" for why, n in summary.get("skipped_reasons", {}).items())
        lines.append(f"{summary['skipped']:,} skipped ({reasons})")
    if summary.get("comments_full"):
        lines.append(f"{summary['comments_full']:,} with full Comments: no room for the tag block")
    if summary.get("labels_kept"):
        lines.append(f"{summary['labels_kept']:,} of your own Genre labels kept after the genres")
    if summary.get("labels_replaced"):
        lines.append(f"{summary['labels_replaced']:,} of your own Genre labels replaced")
    return lines
