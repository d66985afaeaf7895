"""Word tables of the offline tagger: what a title's version part, the Mix field and the
title say (components, energy, vibes), tempo steps, and components without contradictions.

Compiled once at import; everything here depends on the text alone (no vocabulary).
"""

from __future__ import annotations

import re

from ...vocabulary.profile import (
    MAX_VALUES_PER_CATEGORY,
    SOURCE_GENRE_DEFAULT,
    SOURCE_GENRE_TAG,
    SOURCE_TEMPO,
    SOURCE_TITLE,
    SOURCE_USER,
)

MIK_ENERGY_RE = re.compile(r"\benergy\s*[:=\-]?\s*(10|0?[1-9])\b", re.IGNORECASE)
MIK_KEY_RE = re.compile(r"^\s*(\d{1,2}[ABab]|[A-Ga-g][#b]?m?)\s*[-/|]\s*energy\b", re.IGNORECASE)
LEVEL_ENERGY_RE = re.compile(r"\b(high|medium|low)\s+energy\b", re.IGNORECASE)
VERSION_PART_RE = re.compile(r"[(\[]([^)\]]*)[)\]]")
FEAT_RE = re.compile(r"(?:^|[\s(\[])(?:feat\.?|ft\.|featuring)\s", re.IGNORECASE)

# Version-part words -> component, in one pass over the folded version text.
VERSION_COMPONENT_RE = re.compile(
    r"\b(?:(?P<Acapella>a ?capp?ella|acc?app?ella|acapela)"
    r"|(?P<Instrumental>instrumental|inst)"
    r"|(?P<Vocal>vocal|vox)"
    r"|(?P<Dub>dub)"
    r"|(?P<Remix>remix|rmx|re ?mix|rework|re ?work|refix|bootleg|vip|flip|remake)"
    r"|(?P<Edit>edit|re ?edit)"
    r"|(?P<Extended>extended|12 ?inch|long version)"
    r"|(?P<Intro>intro)"
    r"|(?P<Mashup>mash ?up))\b"
)
# "<Somebody> Mix" is a remix unless the word before "mix" names a plain version.
NAMED_MIX_RE = re.compile(r"(\w+)\s+mix\b")
PLAIN_MIXES = frozenset({
    "original", "extended", "radio", "club", "vocal", "dub", "instrumental", "main", "album",
    "single", "short", "long", "the", "dj", "intro", "outro", "clean", "dirty", "explicit", "mixed",
    "12", "inch", "full", "edit", "version", "a", "mono", "stereo", "continuous",
    # an instrument's mix is a version, and the instrument is a component of its own
    "piano", "keys", "organ", "synth", "guitar", "strings", "orchestral", "sax", "saxophone", "trumpet",
    "brass", "horn", "flute", "percussion", "drum", "drums", "acoustic",
})
# Instrument words and "feat." credits in the title (matched on the lower-cased title:
# a case-insensitive regex costs four times as much, and this runs for every track).
TITLE_WORDS_RE = re.compile(
    r"\b(piano|keys|rhodes|organ|synths?|guitars?|strings|violins?|cello|orchestra|orchestral|"
    r"symphonic|sax|saxophone|trumpets?|brass|horns?|trombone|flute|clarinet|woodwinds?|"
    r"percussion|drums|bongos?|congas?|feat|ft|featuring)\b"
)
TITLE_WORD_COMPONENT = {
    "piano": "Piano", "keys": "Keys", "rhodes": "Keys", "organ": "Keys", "synth": "Synth", "synths": "Synth",
    "guitar": "Guitar", "guitars": "Guitar", "strings": "Strings", "violin": "Strings", "violins": "Strings",
    "cello": "Strings", "orchestra": "Orchestral", "orchestral": "Orchestral", "symphonic": "Orchestral",
    "sax": "Saxophone", "saxophone": "Saxophone", "trumpet": "Trumpet", "trumpets": "Trumpet",
    "brass": "Brass", "horn": "Brass", "horns": "Brass", "trombone": "Brass", "flute": "Wind",
    "clarinet": "Wind", "woodwind": "Wind", "woodwinds": "Wind", "percussion": "Percussion",
    "drums": "Percussion", "bongo": "Percussion", "bongos": "Percussion", "conga": "Percussion",
    "congas": "Percussion", "feat": "Vocal", "ft": "Vocal", "featuring": "Vocal",
}
COMPONENT_ORDER = (
    "Acapella", "Instrumental", "Vocal", "Dub", "Remix", "Edit", "Extended", "Intro", "Mashup",
)
LEVEL_STEP = {"high": 1, "medium": 0, "low": -1}
NONE: tuple[str, ...] = ()
REMIXED = ("Remix",)

#: A version part names a version when it holds one of these words: "(Techno Mix)" does,
#: "(In The World)" and "(feat. World Choir)" do not, so only the former may name a genre.
VERSION_WORD_RE = re.compile(
    r"\b(?:mix|mixed|remix|rmx|edit|re ?edit|version|rework|re ?work|dub|vip|bootleg|flip|refix|remake|cut|"
    r"remaster(?:ed)?|interpretation|treatment|reprise)\b"
)
# Version-part words that name a vibe ("Dark Mix", "Sunrise Dub" does not).
VIBE_WORDS = frozenset({"dark", "happy", "funky", "groovy", "soulful", "hypnotic", "euphoric", "mellow",
                        "melancholic", "uplifting", "aggressive", "romantic", "driving", "atmospheric"})


class VersionInfo:
    """What the version part of a title ("(Extended Dub Mix)") and the Mix field say."""

    __slots__ = ("components", "energy_delta", "vibes", "genres")

    def __init__(self, components: tuple[str, ...], energy_delta: int, vibes: tuple[str, ...],
                 genres: tuple[str, ...]) -> None:
        self.components = components
        self.energy_delta = energy_delta
        self.vibes = vibes
        self.genres = genres


NO_VERSION = VersionInfo((), 0, (), ())


def title_components(words: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(TITLE_WORD_COMPONENT[w] for w in words))


def components_for(found_in_title: tuple[str, ...], defaults: tuple[str, ...]) -> tuple[tuple[str, ...], str | None]:
    """Title components first (best first), then the genre's usual ones, without
    contradictions (an acapella has no instrumental, an instrumental no vocal)."""
    found = list(dict.fromkeys(found_in_title))
    if "Acapella" in found:
        found = [c for c in found if c not in ("Vocal", "Instrumental")]
    elif "Instrumental" in found and "Vocal" in found:
        found.remove("Vocal")  # "Instrumental" in the version beats a "feat." credit
    found.sort(key=lambda c: COMPONENT_ORDER.index(c) if c in COMPONENT_ORDER else len(COMPONENT_ORDER))
    source = SOURCE_TITLE if found else None
    for component in defaults:
        if len(found) >= MAX_VALUES_PER_CATEGORY:
            break
        if component in found or (component == "Instrumental" and ("Vocal" in found or "Acapella" in found)):
            continue
        if component == "Vocal" and ("Instrumental" in found or "Acapella" in found):
            continue
        found.append(component)
        source = source or SOURCE_GENRE_DEFAULT
    return tuple(found[:MAX_VALUES_PER_CATEGORY]), source


def tempo_step(bpm: float, low: float, high: float) -> int:
    """Energy step (-2..+2) for a tempo within a genre's usual range [low, high].

    Half and double time are fixed first: of bpm, 2*bpm and bpm/2 the reading nearest the
    range is used (87 is 174 for drum & bass, 70 is 140 for dubstep).
    """
    def distance(value: float) -> float:
        return low - value if value < low else value - high if value > high else 0.0

    reading = bpm
    for candidate in (bpm * 2, bpm / 2):
        if distance(candidate) < distance(reading):
            reading = candidate
    middle = (low + high) / 2
    half_width = (high - low) / 2
    position = (reading - middle) / half_width
    if position > 1.5:
        return 2
    if position > 0.5:
        return 1
    if position < -1.5:
        return -2
    if position < -0.5:
        return -1
    return 0


def biggest_mover(tempo: int, title: int, genre_hints: int, comment: int) -> str:
    movers = ((abs(tempo), SOURCE_TEMPO), (abs(title), SOURCE_TITLE), (abs(genre_hints), SOURCE_GENRE_TAG),
              (abs(comment), SOURCE_USER))
    size, source = max(movers, key=lambda m: m[0])
    return source if size else SOURCE_GENRE_DEFAULT

