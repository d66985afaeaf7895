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
#: the note of a track the tagger failed on (followed by ": " and the reason)
NOTE_FAILED = "tagging failed"
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
    """Counts one job's tracks; :meth:`result` gives the JSON-safe summary.

    Why raw counts: :meth:`add` runs once per track of a 100,000-track job, so it only
    counts the raw values (genre strings, colours, profile objects, which repeat a lot) and
    :meth:`result` reads each distinct one once."""

    def __init__(self, options: WriteOptions, keep_rows: bool = False) -> None:
        self.options = options
        self.genres = load_vocabulary().genres
        self.tracks = 0
        self.changed = 0
        self.failed = 0
        self._fields: dict[tuple[str, ...], int] = {}
        self._before: dict[str | None, int] = {}
        self._after: dict[str | None, int] = {}
        self._colours: dict[str | None, int] = {}
        self._relabelled: dict[str, int] = {}  # Genre values that change, for the DJ's labels
        self._profiles: dict[tuple[int, tuple[str, ...]], list[Any]] = {}  # (id, notes) -> [profile, count]
        self._skipped: Counter[str] = Counter()
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
            self._family[genre] = found
        return found

    def add(self, track_id: str, attrs: Mapping[str, str], profile: TagProfile | None,
            changes: Mapping[str, str], notes: tuple[str, ...] = ()) -> None:
        """One track, with ``attrs`` as they were before ``changes`` are applied."""
        self.tracks += 1
        get = attrs.get
        genre_now = get(GENRE)
        before = self._before
        before[genre_now] = before.get(genre_now, 0) + 1
        if changes:
            self.changed += 1
            keys = tuple(changes)
            self._fields[keys] = self._fields.get(keys, 0) + 1
            genre_after = changes.get(GENRE, genre_now)
            colour = changes.get(COLOUR) or get(COLOUR)
            if genre_now and GENRE in changes:
                self._relabelled[genre_now] = self._relabelled.get(genre_now, 0) + 1
        else:
            genre_after, colour = genre_now, get(COLOUR)
        after = self._after
        after[genre_after] = after.get(genre_after, 0) + 1
        colours = self._colours
        colours[colour] = colours.get(colour, 0) + 1
        if profile is None:
            for note in notes:  # "not music: shorter than 30 seconds" counts as "not music"
                reason = note.partition(":")[0]
                if reason == NOTE_FAILED:
                    self.failed += 1
                else:
                    self._skipped[reason] += 1
        else:
            key = (id(profile), notes)
            entry = self._profiles.get(key)
            if entry is None:
                self._profiles[key] = [profile, 1]  # holds the profile: its id stays unique
            else:
                entry[1] += 1
        if self.rows is not None:
            values = tuple(get(name) for name in MANAGED_FIELDS)
            written = tuple(changes.get(name, value) for name, value in zip(MANAGED_FIELDS, values, strict=True))
            self.rows.append(TrackRow(track_id, get("Artist") or "", get("Name") or "", values, written,
                                      profile, notes))

    def result(self) -> dict[str, Any]:
        """The summary as plain JSON-safe values (also stored with the job)."""
        per_field: Counter[str] = Counter()
        for keys, count in self._fields.items():
            for name in keys:
                per_field[name] += count
        families_before: Counter[str] = Counter()
        for genre, count in self._before.items():
            families_before[self.family(genre)] += count
        families_after: Counter[str] = Counter()
        for genre, count in self._after.items():
            families_after[self.family(genre)] += count
        colours: Counter[str] = Counter()
        for colour, count in self._colours.items():
            raw = (colour or "").strip()
            colours[COLOUR_PALETTE.get(raw.upper().replace("0X", "0x"), raw) or NO_COLOUR] += count
        energy: Counter[int] = Counter()
        genre_confidence: Counter[str] = Counter()
        needs_a_look = unsure = red = comments_full = 0
        for (_, notes), (profile, count) in self._profiles.items():
            genre_confidence[profile.confidence.get("primary_genre") or "unknown"] += count
            if NEEDS_A_LOOK.intersection(profile.confidence.values()):
                needs_a_look += count
            if NOTE_UNSURE in notes:
                unsure += count
            elif NOTE_RED in notes:
                red += count
            else:
                energy[profile.energy] += count
            if NOTE_COMMENTS_FULL in notes:
                comments_full += count
        labels: Counter[str] = Counter()
        for genre, count in self._relabelled.items():
            for label in own_labels(genre):
                labels[label] += count
        kept = sum(labels.values()) if self.options.keep_genre_labels else 0
        return {
            "tracks": self.tracks,
            "tracks_changed": self.changed,
            "changes_per_field": {name: per_field.get(name, 0) for name in MANAGED_FIELDS},
            "families_before": dict(families_before.most_common()),
            "families_after": dict(families_after.most_common()),
            "energy_histogram": {str(e): energy.get(e, 0) for e in range(ENERGY_MIN, ENERGY_MAX + 1)},
            "colours_after": dict(colours.most_common()),
            "genre_confidence": {c.value: genre_confidence.get(c.value, 0) for c in Confidence},
            "needs_a_look": needs_a_look,
            "unsure": unsure,
            "skipped": sum(self._skipped.values()),
            "skipped_reasons": dict(self._skipped.most_common()),
            "failed": self.failed,
            "red_left_alone": red,
            "comments_full": comments_full,
            "labels_kept": kept,
            "labels_replaced": sum(labels.values()) - kept,
            "top_labels": dict(labels.most_common(TOP_LABELS)),
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
