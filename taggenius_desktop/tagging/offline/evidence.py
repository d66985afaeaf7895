"""How sure the offline tagger is of each value, and which tracks are not music.

Confidence follows the evidence (see :class:`~taggenius_desktop.vocabulary.profile.Confidence`):
the DJ's own genre string, a Mixed In Key energy, a year or explicit title words are
*high*; a genre read from a title's version part, the Comments or Grouping, or a folder
named after a genre is *medium*; an album or label name, or only a vague bucket such as
"Electronic", is *low*; the tempo table or the default genre is a *guess*. Everything
derived from a genre's usual values (energy, vibes, situations, components) is never
surer than *medium* and never surer than the genre itself.
"""

from __future__ import annotations

import re

from ...vocabulary.genres import URL_RE
from ...vocabulary.profile import (
    SOURCE_ALBUM_LABEL,
    SOURCE_COMMENTS,
    SOURCE_FOLDER,
    SOURCE_GENRE_DEFAULT,
    SOURCE_GENRE_TAG,
    SOURCE_GROUPING,
    SOURCE_MIXED_IN_KEY,
    SOURCE_TEMPO,
    SOURCE_TITLE,
    Confidence,
    TrackInfo,
)

HIGH, MEDIUM, LOW, GUESS = Confidence.HIGH.value, Confidence.MEDIUM.value, Confidence.LOW.value, Confidence.GUESS.value

#: confidence of a primary genre by the evidence it came from
GENRE_CONFIDENCE = {
    SOURCE_GENRE_TAG: HIGH,
    SOURCE_TITLE: MEDIUM,
    SOURCE_COMMENTS: MEDIUM,
    SOURCE_GROUPING: MEDIUM,
    SOURCE_FOLDER: MEDIUM,
    SOURCE_ALBUM_LABEL: LOW,
    SOURCE_TEMPO: GUESS,
    SOURCE_GENRE_DEFAULT: GUESS,
}

#: shorter than this, a track is a tone, a jingle or a sample, not something to tag
MIN_MUSIC_SECONDS = 30
SKIP_TOO_SHORT = f"not music: shorter than {MIN_MUSIC_SECONDS} seconds"
SKIP_NO_EVIDENCE = "not music: no tempo and nothing that names a genre"
#: prefix every not-music reason starts with (summaries count them together)
NOT_MUSIC = "not music"

# Machine-written notes ("/* E: 08 / ... */" blocks) and Mixed In Key's "8A - Energy 6"
# are not the DJ's genre words.
_MACHINE_TEXT_RE = re.compile(r"/\*.*?(?:\*/|$)|\b\d{1,2}[ABab]\s*-\s*energy\s*\d+", re.IGNORECASE | re.DOTALL)


def derived(genre_confidence: str) -> str:
    """The confidence of a value taken from the genre's usual values."""
    return MEDIUM if genre_confidence == HIGH else genre_confidence


def profile_confidence(
    genre: str, sources: dict[str, str], has_era: bool
) -> dict[str, str]:
    """A confidence for every category ``sources`` names, from the genre's confidence and
    each category's own evidence."""
    base = derived(genre)
    energy = HIGH if sources.get("energy") == SOURCE_MIXED_IN_KEY else base
    confidence = {"primary_genre": genre, "energy": energy}
    if "sub_genres" in sources:
        confidence["sub_genres"] = genre
    if "vibes" in sources:
        confidence["vibes"] = MEDIUM if sources["vibes"] == SOURCE_TITLE and base != HIGH else base
    if "situations" in sources:
        confidence["situations"] = derived(energy)
    if "components" in sources:
        confidence["components"] = HIGH if sources["components"] == SOURCE_TITLE else base
    if has_era:
        confidence["era"] = HIGH
    return confidence


def machine_text_removed(text: str) -> str:
    """Free text without machine-written parts and links ("vk.com/world_club" names no genre)."""
    if "/*" in text or "nergy" in text or "NERGY" in text:
        text = _MACHINE_TEXT_RE.sub(" ", text)
    return URL_RE.sub(" ", text) if "." in text or "@" in text else text


def not_music(track: TrackInfo, genre_source: str) -> str | None:
    """Why a track is not music (a test tone, a 5-second sample), or None."""
    if 0 < track.duration_s < MIN_MUSIC_SECONDS:
        return SKIP_TOO_SHORT
    if genre_source == SOURCE_GENRE_DEFAULT and not 0.0 < track.bpm < 1000.0:
        return SKIP_NO_EVIDENCE
    return None
