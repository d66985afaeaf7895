"""The tag profile every tagger produces, and the track facts every tagger reads.

A tagger produces the *full* profile once (up to three values per multi-valued
category); a :class:`Level` only chooses how much of it is written. Profiles are plain,
immutable and JSON-serialisable so they can be cached in SQLite and sent between
processes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any, Mapping, NamedTuple

from ..caches import register


class Level(str, Enum):
    """How many values of each multi-valued category are written."""

    ESSENTIAL = "essential"
    RECOMMENDED = "recommended"
    DETAILED = "detailed"

    @property
    def values_per_category(self) -> int:
        return {"essential": 1, "recommended": 2, "detailed": 3}[self.value]

    @property
    def label(self) -> str:
        return self.value.capitalize()


MAX_VALUES_PER_CATEGORY = 3
ENERGY_MIN, ENERGY_MAX = 1, 10

#: Where a value came from; stored with the profile so users (and the review table) can
#: see whether energy was read from a Mixed In Key comment or guessed from tempo.
SOURCE_GENRE_TAG = "genre-tag"
SOURCE_MIXED_IN_KEY = "mixed-in-key"
SOURCE_TEMPO = "tempo"
SOURCE_GENRE_DEFAULT = "genre-default"
SOURCE_TITLE = "title"
SOURCE_YEAR = "year"
SOURCE_KEY = "key"
SOURCE_ENERGY = "energy"
SOURCE_LLM = "llm"
SOURCE_USER = "user"
SOURCE_FOLDER = "folder"
SOURCE_COMMENTS = "comments"
SOURCE_GROUPING = "grouping"
SOURCE_ALBUM_LABEL = "album-label"
SOURCE_AUDIO = "audio"
SOURCE_AUDIO_LLM = "audio+llm"
SOURCE_METADATA = "metadata"


class Confidence(str, Enum):
    """How sure a value is, stored per category beside its source.

    ``GUESS`` marks a value whose only evidence is the tempo or a default: by default it
    is never written into Genre, Colour or Rating (it would present a guess as a fact).
    """

    HIGH = "high"  # read from the DJ's own tags, Mixed In Key, or measured from the audio
    MEDIUM = "medium"  # inferred from good indirect evidence (title words, album, an LLM)
    LOW = "low"  # weak or conflicting evidence: listed under "needs a look"
    GUESS = "guess"  # tempo or default only


def _int(raw: str | None) -> int:
    if not raw:
        return 0
    # Memoized: Year and TotalTime take few distinct values across a library, and this
    # runs twice for every track of a job.
    value = _INTS.get(raw)
    if value is None:
        try:
            value = int(float(raw))
        except ValueError:
            value = 0
        if len(_INTS) < _MAX_INTS:
            _INTS[raw] = value
    return value


_MAX_INTS = 65_536
_INTS: dict[str, int] = register("vocabulary.profile.ints", {}, _MAX_INTS)


def _float(raw: str | None) -> float:
    try:
        return float(raw) if raw else 0.0
    except ValueError:
        return 0.0


class TrackInfo(NamedTuple):
    """What a tagger may know about a track: the metadata in its TRACK attributes.

    ``track_id`` is the rekordbox TrackID (unique within one library file). A NamedTuple
    rather than a dataclass because a job builds one per track (100,000 in a large
    library) and a tuple is several times cheaper to construct; it is just as immutable.
    """

    track_id: str
    title: str = ""
    artist: str = ""
    mix: str = ""
    remixer: str = ""
    album: str = ""
    label: str = ""
    genre: str = ""
    comments: str = ""
    grouping: str = ""
    year: int = 0
    bpm: float = 0.0
    key: str = ""
    duration_s: int = 0
    location: str = ""

    @classmethod
    def from_attributes(cls, attrs: Mapping[str, str]) -> "TrackInfo":
        """Build from a TRACK element's attributes; missing or malformed numbers become 0."""
        get = attrs.get
        # tuple.__new__ skips the NamedTuple's Python-level __new__ (all fields are given).
        return tuple.__new__(cls, (
            get("TrackID", ""),
            get("Name", ""),
            get("Artist", ""),
            get("Mix", ""),
            get("Remixer", ""),
            get("Album", ""),
            get("Label", ""),
            get("Genre", ""),
            get("Comments", ""),
            get("Grouping", ""),
            _int(get("Year")),
            _float(get("AverageBpm")),
            get("Tonality", ""),
            _int(get("TotalTime")),
            get("Location", ""),
        ))


@dataclass(frozen=True, slots=True)
class TagProfile:
    """A track's full descriptive profile, every value from the controlled vocabulary.

    Multi-valued categories are ordered most important first; a level writes a prefix.
    ``era`` is a decade like ``"1990s"`` or None when the year is unknown.
    ``sources`` maps a category name (``primary_genre``, ``energy``, ...) to where its
    value came from (one of the ``SOURCE_*`` strings, or ``"llm:<model>"``);
    ``confidence`` maps the same category names to a :class:`Confidence` value.
    """

    primary_genre: str
    sub_genres: tuple[str, ...] = ()
    energy: int = 5
    vibes: tuple[str, ...] = ()
    situations: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    era: str | None = None
    sources: Mapping[str, str] = field(default_factory=dict)
    confidence: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["sources"] = dict(self.sources)
        data["confidence"] = dict(self.confidence)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "TagProfile":
        return cls(
            primary_genre=data["primary_genre"],
            sub_genres=tuple(data.get("sub_genres", ())),
            energy=data.get("energy", 5),
            vibes=tuple(data.get("vibes", ())),
            situations=tuple(data.get("situations", ())),
            components=tuple(data.get("components", ())),
            era=data.get("era"),
            sources=dict(data.get("sources", {})),
            confidence=dict(data.get("confidence", {})),
        )

    @classmethod
    def from_json(cls, text: str) -> "TagProfile":
        return cls.from_dict(json.loads(text))
