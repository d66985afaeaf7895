"""Shared helpers for the writeback tests (no tests here)."""

from __future__ import annotations

import random
from typing import Mapping

from taggenius_desktop.vocabulary.profile import TagProfile

GENRES = ("Techno", "House", "Tech House", "Drum & Bass", "Hip Hop", "R&B", "Ambient", "Deep House")
SUBS = ("Peak Time Techno", "Hard Techno", "Acid Techno", "Minimal", "Liquid", "Jump Up", "Afro House")
VIBES = ("Driving", "Dark", "Hypnotic", "Euphoric", "Melancholic", "Groovy", "Uplifting", "Raw")
SITUATIONS = ("Peak Hour", "Warm Up", "Closing", "After Hours", "Opening", "Chill Out")
COMPONENTS = ("Vocal", "Instrumental", "Synth", "Piano", "Percussion", "Acapella", "Remix")
ERAS = (None, "1970s", "1980s", "1990s", "2000s", "2010s", "2020s")

# User comments in several scripts, including astral characters (emoji) that count twice.
TEXT_ALPHABET = "abcxyz ABC 0123 -./:,*éüßñ Ωж 日本語 한글 🎧🔥"


def random_profile(rng: random.Random) -> TagProfile:
    return TagProfile(
        primary_genre=rng.choice(GENRES),
        sub_genres=tuple(rng.sample(SUBS, rng.randint(0, 3))),
        energy=rng.randint(1, 10),
        vibes=tuple(rng.sample(VIBES, rng.randint(0, 3))),
        situations=tuple(rng.sample(SITUATIONS, rng.randint(0, 3))),
        components=tuple(rng.sample(COMPONENTS, rng.randint(0, 3))),
        era=rng.choice(ERAS),
    )


def random_text(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(TEXT_ALPHABET) for _ in range(length))


def apply(attrs: Mapping[str, str], changes: Mapping[str, str | None]) -> dict[str, str]:
    """What the library layer does with a change dict: set, or remove on None."""
    result = dict(attrs)
    for name, value in changes.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = value
    return result


FULL_PROFILE = TagProfile(
    primary_genre="Techno",
    sub_genres=("Peak Time Techno", "Hard Techno", "Acid Techno"),
    energy=8,
    vibes=("Driving", "Dark", "Hypnotic"),
    situations=("Peak Hour", "Closing", "After Hours"),
    components=("Vocal", "Synth", "Percussion"),
    era="2010s",
)
