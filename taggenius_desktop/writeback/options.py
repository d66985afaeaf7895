"""What may be written, and how: write modes, the rekordbox palette, energy maps.

Defaults never destroy what the DJ set by hand:

* ``genre=REPLACE``: writing genres is the product's point, and the store keeps every
  original value so a restore gives back the exact text.
* ``comments=REPLACE``: the user's own comment text is always kept; the mode only governs
  Tag Genius's block inside it (see :mod:`.block`).
* ``colour=FILL_IF_EMPTY`` and ``rating=FILL_IF_EMPTY``: a colour or star rating chosen
  by hand is never overwritten.
* ``grouping=KEEP``: writing situations into Grouping is opt-in.
* ``protect_red=True``: a track coloured Red (the DJ's usual "review / delete" mark) is
  left entirely alone.
* ``fill_unknown_genres=False``: a track whose genre or energy is only a guess (from the
  tempo or a default, ``Confidence.GUESS``) keeps all its fields and is listed as unsure;
  set it to write such guesses anyway.
* ``keep_genre_labels=True``: words in the Genre field that are the DJ's own labels rather
  than genres ("Dance Floor Filth", "trap banger") are kept after the genres written.

:class:`WriteOptions` round-trips through :meth:`WriteOptions.to_dict` /
:meth:`WriteOptions.from_dict` (JSON-safe) so job specs can carry it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from enum import Enum
from types import MappingProxyType
from typing import Any, Mapping

from ..vocabulary.profile import ENERGY_MAX, ENERGY_MIN, Level


class WriteMode(str, Enum):
    """How one field is treated when a track already has a value there."""

    REPLACE = "replace"
    FILL_IF_EMPTY = "fill_if_empty"
    KEEP = "keep"


#: rekordbox's eight track colours, hex as rekordbox writes it -> the name its UI shows.
#: Any other value (web hex such as 0xFF00FF) does not display in rekordbox.
COLOUR_PALETTE: Mapping[str, str] = MappingProxyType(
    {
        "0xFF007F": "Pink",
        "0xFF0000": "Red",
        "0xFFA500": "Orange",
        "0xFFFF00": "Yellow",
        "0x00FF00": "Green",
        "0x25FDE9": "Aqua",
        "0x0000FF": "Blue",
        "0x660099": "Purple",
    }
)
COLOUR_RED = "0xFF0000"

#: Rating attribute values for 0 to 5 stars; rekordbox accepts nothing else.
RATING_VALUES: tuple[int, ...] = (0, 51, 102, 153, 204, 255)


def rating_stars(value: int) -> int:
    """The stars (0..5) rekordbox shows for a Rating value; in-between values round down."""
    return max(0, min(len(RATING_VALUES) - 1, value // RATING_VALUES[1]))


def stars_text(stars: int) -> str:
    """How a number of stars (0..5) is shown: filled stars, then empty ones up to five."""
    return "★" * stars + "☆" * (len(RATING_VALUES) - 1 - stars)

ENERGIES: tuple[int, ...] = tuple(range(ENERGY_MIN, ENERGY_MAX + 1))

#: energy -> colour: 9-10 Pink, 8 Orange, 6-7 Yellow, 4-5 Green, 1-3 Aqua.
DEFAULT_COLOUR_MAP: Mapping[int, str] = MappingProxyType(
    {1: "0x25FDE9", 2: "0x25FDE9", 3: "0x25FDE9",
     4: "0x00FF00", 5: "0x00FF00",
     6: "0xFFFF00", 7: "0xFFFF00",
     8: "0xFFA500",
     9: "0xFF007F", 10: "0xFF007F"}
)

#: energy -> rating: 1-2 one star (51), 3-4 two (102), 5-6 three (153), 7-8 four (204),
#: 9-10 five (255).
DEFAULT_RATING_MAP: Mapping[int, int] = MappingProxyType(
    {1: 51, 2: 51, 3: 102, 4: 102, 5: 153, 6: 153, 7: 204, 8: 204, 9: 255, 10: 255}
)

_MODE_FIELDS = ("genre", "comments", "colour", "rating", "grouping")
_FLAG_FIELDS = ("protect_red", "fill_unknown_genres", "keep_genre_labels")


def _energy_key(key: Any) -> int:
    """Map keys arrive as ints from code and as strings from JSON."""
    try:
        energy = int(key)
    except (TypeError, ValueError):
        raise ValueError(f"energy map key {key!r} is not a whole number") from None
    if isinstance(key, float) or energy not in ENERGIES:
        raise ValueError(f"energy map key {key!r} is not an energy {ENERGY_MIN}..{ENERGY_MAX}")
    return energy


def _require_mapping(raw: Any, what: str) -> None:
    if not isinstance(raw, Mapping):
        raise ValueError(f"{what} must map energy to a value, not {type(raw).__name__}")


def _checked_colour_map(raw: Mapping[Any, Any]) -> Mapping[int, str]:
    _require_mapping(raw, "colour map")
    result: dict[int, str] = {}
    for key, value in raw.items():
        colour = str(value).strip()
        canonical = next((c for c in COLOUR_PALETTE if c.lower() == colour.lower()), None)
        if canonical is None:
            raise ValueError(f"colour {value!r} is not one of rekordbox's colours {list(COLOUR_PALETTE)}")
        # Red is the DJ's own review/delete mark and makes protect_red skip the track on
        # every later run: it must never come from energy.
        if canonical == COLOUR_RED:
            raise ValueError("Red (0xFF0000) is reserved for the DJ's own marks and cannot be mapped from energy")
        result[_energy_key(key)] = canonical
    missing = sorted(set(ENERGIES) - set(result))
    if missing:
        raise ValueError(f"colour map has no colour for energy {missing}")
    return MappingProxyType(dict(sorted(result.items())))


def _checked_rating_map(raw: Mapping[Any, Any]) -> Mapping[int, int]:
    _require_mapping(raw, "rating map")
    result: dict[int, int] = {}
    for key, value in raw.items():
        if isinstance(value, bool):
            raise ValueError(f"rating {value!r} is not a rating value")
        try:
            rating = int(value)
        except (TypeError, ValueError):
            raise ValueError(f"rating {value!r} is not a whole number") from None
        # 0 means "no stars": writing it would erase instead of fill.
        if rating not in RATING_VALUES or rating == 0:
            raise ValueError(f"rating {value!r} must be one of {list(RATING_VALUES[1:])}")
        result[_energy_key(key)] = rating
    missing = sorted(set(ENERGIES) - set(result))
    if missing:
        raise ValueError(f"rating map has no rating for energy {missing}")
    return MappingProxyType(dict(sorted(result.items())))


@dataclass(frozen=True)
class WriteOptions:
    """Which fields are written, how much of the profile, and how energy maps to colour/stars.

    Modes may be given as :class:`WriteMode` or its string value; maps as any mapping of
    energy (int or numeric string) to value. Everything is validated on construction.
    """

    level: Level = Level.RECOMMENDED
    genre: WriteMode = WriteMode.REPLACE
    comments: WriteMode = WriteMode.REPLACE
    colour: WriteMode = WriteMode.FILL_IF_EMPTY
    rating: WriteMode = WriteMode.FILL_IF_EMPTY
    grouping: WriteMode = WriteMode.KEEP
    protect_red: bool = True
    fill_unknown_genres: bool = False
    keep_genre_labels: bool = True
    colour_map: Mapping[int, str] = field(default_factory=lambda: DEFAULT_COLOUR_MAP)
    rating_map: Mapping[int, int] = field(default_factory=lambda: DEFAULT_RATING_MAP)

    def __post_init__(self) -> None:
        # Frozen: normalise through object.__setattr__ so callers may pass plain strings.
        object.__setattr__(self, "level", Level(self.level))
        for name in _MODE_FIELDS:
            object.__setattr__(self, name, WriteMode(getattr(self, name)))
        for name in _FLAG_FIELDS:
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false, not {getattr(self, name)!r}")
        object.__setattr__(self, "colour_map", _checked_colour_map(self.colour_map))
        object.__setattr__(self, "rating_map", _checked_rating_map(self.rating_map))

    # The maps are read-only proxies, which neither hash nor pickle by themselves; options
    # travel to worker processes and may key caches, so both go through the JSON form.
    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True))

    def __reduce__(self) -> tuple[Any, ...]:
        return (WriteOptions.from_dict, (self.to_dict(),))

    def mode(self, option_name: str) -> WriteMode:
        mode: WriteMode = getattr(self, option_name)
        return mode

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (map keys become strings, as JSON requires)."""
        data: dict[str, Any] = {"level": self.level.value}
        data.update({name: self.mode(name).value for name in _MODE_FIELDS})
        data.update({name: getattr(self, name) for name in _FLAG_FIELDS})
        data["colour_map"] = {str(k): v for k, v in self.colour_map.items()}
        data["rating_map"] = {str(k): v for k, v in self.rating_map.items()}
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "WriteOptions":
        """Inverse of :meth:`to_dict`; missing keys take defaults, unknown keys are refused
        (a misspelt option in a job spec must not silently fall back to a default)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown write option(s): {', '.join(unknown)}")
        try:
            return cls(**dict(data))
        except TypeError as exc:
            raise ValueError(f"invalid write options: {exc}") from None
