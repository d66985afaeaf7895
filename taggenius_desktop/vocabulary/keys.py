"""Musical keys in every notation rekordbox exports, read into one :class:`Key`.

rekordbox writes ``Tonality`` in the notation the user chose for display: classic
(``Am``, ``F#m``, ``Db``, ``Abm``), Camelot (``8A``, ``12B``), Open Key (``1m``,
``12d``), or text copied from file tags (``Amin``, ``A minor``, ``A#min``, ``Gmaj``).
:func:`parse_key` accepts a whole value only: "8A - Energy 6" (a Mixed In Key comment)
is not a key, so a stray comment never becomes one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..caches import registered

# Pitch-class names as rekordbox writes them (flats except F#), for major and minor alike.
CLASSIC_NAMES = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
NOTATIONS = ("classic", "camelot", "open_key")
_LETTER_PC = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}
_MINOR_WORDS = frozenset({"m", "min", "minor", "mi", "moll", "mol", "-"})

_WHEEL_RE = re.compile(r"^0?(1[0-2]|[1-9])\s*([abmdABMD])$")
_CLASSIC_RE = re.compile(
    r"^([A-Ga-g])\s*(##|#|♯|bb|b|♭|-?sharp|-?flat|is|es|s)?\s*(m|min|minor|mi|moll|mol|-|maj|major|ma|dur|M)?\.?$",
    re.IGNORECASE,
)
_ACCIDENTAL = {"#": 1, "♯": 1, "##": 2, "sharp": 1, "-sharp": 1, "is": 1,
               "b": -1, "♭": -1, "bb": -2, "flat": -1, "-flat": -1, "es": -1, "s": -1}


@dataclass(frozen=True, slots=True)
class Key:
    """A key: tonic pitch class (0 = C ... 11 = B) and mode."""

    tonic: int
    minor: bool

    @property
    def is_minor(self) -> bool:
        return self.minor

    @property
    def classic(self) -> str:
        return CLASSIC_NAMES[self.tonic] + ("m" if self.minor else "")

    @property
    def camelot_number(self) -> int:
        # Camelot counts fifths from C major = 8B (A minor = 8A shares its number).
        relative_major = (self.tonic + 3) % 12 if self.minor else self.tonic
        return (relative_major * 7 + 7) % 12 + 1

    @property
    def camelot(self) -> str:
        return f"{self.camelot_number}{'A' if self.minor else 'B'}"

    @property
    def open_key(self) -> str:
        # Open Key starts the same wheel at C major = 1d (Camelot 8B).
        number = (self.camelot_number - 8) % 12 + 1
        return f"{number}{'m' if self.minor else 'd'}"

    def render(self, notation: str) -> str:
        """The key in ``notation``: "classic", "camelot" or "open_key"."""
        name = notation.lower().replace(" ", "_").replace("-", "_")
        if name == "classic":
            return self.classic
        if name == "camelot":
            return self.camelot
        if name in ("open_key", "openkey"):
            return self.open_key
        raise ValueError(f"unknown key notation {notation!r}; use one of {', '.join(NOTATIONS)}")

    @classmethod
    def from_camelot(cls, number: int, minor: bool) -> "Key":
        if not 1 <= number <= 12:
            raise ValueError(f"Camelot numbers run 1..12, got {number}")
        relative_major = ((number - 8) * 7) % 12
        return cls((relative_major - 3) % 12 if minor else relative_major, minor)

    def __str__(self) -> str:
        return self.classic


@registered("vocabulary.keys.parse_key")
@lru_cache(maxsize=1024)
def parse_key(text: str | None) -> Key | None:
    """The key a Tonality value names, or None when it names none (empty, "8A - Energy 6",
    "Unknown", "H")."""
    if not text:
        return None
    value = text.strip()
    if not value or len(value) > 16:
        return None
    wheel = _WHEEL_RE.match(value)
    if wheel:
        number, side = int(wheel.group(1)), wheel.group(2).lower()
        if side in "ab":
            return Key.from_camelot(number, minor=side == "a")
        # Open Key: 1d = C major = Camelot 8B.
        return Key.from_camelot((number + 6) % 12 + 1, minor=side == "m")
    classic = _CLASSIC_RE.match(value)
    if classic:
        letter, accidental, mode = classic.groups()
        # A lone capital M means major ("AM"); every other spelling the regex allows is
        # either a minor word or a major word.
        minor = mode is not None and mode != "M" and mode.lower() in _MINOR_WORDS
        shift = _ACCIDENTAL[accidental.lower()] if accidental else 0
        return Key((_LETTER_PC[letter.lower()] + shift) % 12, minor)
    return None
