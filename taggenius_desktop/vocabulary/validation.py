"""Checking profiles against the vocabulary: strict for what is written, lenient for what
an LLM or a user typed.

* :func:`validate_profile` is the gate before output: every value on the list, energy an
  int in range, no duplicates, at most three values per category. It never repairs.
* :func:`coerce_profile` reads a loose dict (an LLM's JSON, an edit from the review
  table) into a TagProfile: case, spacing and aliases are forgiven, duplicates dropped,
  lists capped at three; anything it cannot map raises :class:`InvalidProfile` so the
  caller can re-ask or report, never guess.

Sub-genres are canonical genre names of any depth, never the primary genre itself and
never a vague bucket (Electronic, Dance, ...). Compatibility with the primary genre is a
preference, not a rule (a track tagged "Techno / House" is honestly both): coercion puts
sub-genres that live under the primary genre first.
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping

from .profile import (
    ENERGY_MAX,
    ENERGY_MIN,
    MAX_VALUES_PER_CATEGORY,
    SOURCE_ALBUM_LABEL,
    SOURCE_AUDIO,
    SOURCE_AUDIO_LLM,
    SOURCE_COMMENTS,
    SOURCE_ENERGY,
    SOURCE_FOLDER,
    SOURCE_GENRE_DEFAULT,
    SOURCE_GENRE_TAG,
    SOURCE_GROUPING,
    SOURCE_KEY,
    SOURCE_LLM,
    SOURCE_METADATA,
    SOURCE_MIXED_IN_KEY,
    SOURCE_TEMPO,
    SOURCE_TITLE,
    SOURCE_USER,
    SOURCE_YEAR,
    Confidence,
    TagProfile,
)
from .text import fold
from .vocab import Vocabulary

CATEGORIES = ("primary_genre", "sub_genres", "energy", "vibes", "situations", "components", "era")
LIST_CATEGORIES = ("vibes", "situations", "components")
KNOWN_SOURCES = frozenset({
    SOURCE_GENRE_TAG, SOURCE_MIXED_IN_KEY, SOURCE_TEMPO, SOURCE_GENRE_DEFAULT, SOURCE_TITLE,
    SOURCE_YEAR, SOURCE_KEY, SOURCE_ENERGY, SOURCE_LLM, SOURCE_USER, SOURCE_FOLDER,
    SOURCE_COMMENTS, SOURCE_GROUPING, SOURCE_ALBUM_LABEL, SOURCE_AUDIO, SOURCE_AUDIO_LLM, SOURCE_METADATA,
})
CONFIDENCES = frozenset(c.value for c in Confidence)

# Keys an LLM (or an older cache entry) may use for a category.
_KEY_ALIASES = {
    "primary_genre": ("primary_genre", "primary", "genre", "main_genre", "primaryGenre"),
    "sub_genres": ("sub_genres", "subgenres", "sub_genre", "subgenre", "subGenres", "sub-genres"),
    "energy": ("energy", "energy_level", "energyLevel"),
    "vibes": ("vibes", "vibe", "mood", "moods"),
    "situations": ("situations", "situation"),
    "components": ("components", "component", "elements"),
    "era": ("era", "decade"),
}
_LIST_SPLIT_RE = re.compile(r"\s*[,;|/]\s*")
_ENERGY_TEXT_RE = re.compile(r"^\s*(\d{1,2}(?:\.\d+)?)\s*(?:/\s*10)?\s*$")
_ERA_TEXT_RE = re.compile(r"^(?:(\d{2})(\d)0|'?(\d)0)\s*'?s?$")
_NO_ERA = frozenset({"", "none", "null", "unknown", "n/a", "na", "-"})


class InvalidProfile(ValueError):
    """A profile value is off the vocabulary or malformed; the message says which."""


# -- strict ------------------------------------------------------------------------------


def validate_profile(profile: TagProfile, vocab: Vocabulary) -> TagProfile:
    """``profile`` unchanged when every value is on the vocabulary; else InvalidProfile."""
    if type(profile) is not TagProfile and not isinstance(profile, TagProfile):
        raise InvalidProfile(f"expected a TagProfile, got {type(profile).__name__}")
    genres = vocab.genres
    if not isinstance(profile.primary_genre, str) or profile.primary_genre not in vocab.primary_set:
        raise InvalidProfile(f"primary genre {profile.primary_genre!r} is not a primary genre")
    _check_list("sub_genres", profile.sub_genres)
    for name in profile.sub_genres:
        if not isinstance(name, str) or name not in genres:
            raise InvalidProfile(f"sub-genre {name!r} is not a canonical genre")
        if name == profile.primary_genre:
            raise InvalidProfile(f"sub-genre {name!r} repeats the primary genre")
        if genres.is_vague(name):
            raise InvalidProfile(f"sub-genre {name!r} is too vague to be a sub-genre")
    energy = profile.energy
    if type(energy) is not int:
        raise InvalidProfile(f"energy must be an integer, got {energy!r}")
    if not ENERGY_MIN <= energy <= ENERGY_MAX:
        raise InvalidProfile(f"energy {energy} is outside {ENERGY_MIN}..{ENERGY_MAX}")
    value_sets = vocab.value_sets
    for category in LIST_CATEGORIES:
        values = getattr(profile, category)
        _check_list(category, values)
        allowed = value_sets[category]
        for value in values:
            if not isinstance(value, str) or value not in allowed:
                raise InvalidProfile(f"{category}: {value!r} is not in the vocabulary")
    if profile.era is not None and (not isinstance(profile.era, str) or profile.era not in vocab.era_set):
        raise InvalidProfile(f"era {profile.era!r} is not in the vocabulary")
    _check_sources(profile.sources)
    _check_confidence(profile.confidence)
    return profile


def _check_list(category: str, values: Any) -> None:
    if not isinstance(values, tuple):
        raise InvalidProfile(f"{category} must be a tuple, got {type(values).__name__}")
    if len(values) > MAX_VALUES_PER_CATEGORY:
        raise InvalidProfile(f"{category} holds {len(values)} values; at most {MAX_VALUES_PER_CATEGORY}")
    if len(values) > 1 and len(set(values)) != len(values):
        raise InvalidProfile(f"{category} repeats a value: {list(values)}")


def _check_sources(sources: Any) -> None:
    if type(sources) is not dict and not isinstance(sources, Mapping):  # dict first: ABC checks are slow
        raise InvalidProfile("sources must be a mapping")
    for category, source in sources.items():
        if category not in CATEGORIES:
            raise InvalidProfile(f"sources names unknown category {category!r}")
        if not _is_source(source):
            raise InvalidProfile(f"source {source!r} of {category} is not a known source")


def _check_confidence(confidence: Any) -> None:
    if type(confidence) is not dict and not isinstance(confidence, Mapping):
        raise InvalidProfile("confidence must be a mapping")
    for category, level in confidence.items():
        if category not in CATEGORIES:
            raise InvalidProfile(f"confidence names unknown category {category!r}")
        if level not in CONFIDENCES:
            raise InvalidProfile(f"confidence {level!r} of {category} is not one of {sorted(CONFIDENCES)}")


def _is_source(source: Any) -> bool:
    return isinstance(source, str) and (source in KNOWN_SOURCES or (source.startswith("llm:") and len(source) > 4))


# -- lenient -----------------------------------------------------------------------------


def coerce_profile(raw: Mapping[str, Any], vocab: Vocabulary, source: str | None = None) -> TagProfile:
    """A valid TagProfile from a loose dict, or InvalidProfile saying what cannot be mapped.

    ``source`` (e.g. ``"llm:gpt-4o-mini"`` or ``"user"``) is recorded for every category
    the dict fills, unless the dict carries its own valid ``sources``.
    """
    if not isinstance(raw, Mapping):
        raise InvalidProfile(f"expected an object, got {type(raw).__name__}")
    genres = vocab.genres

    primary_raw = _field(raw, "primary_genre")
    if not isinstance(primary_raw, str) or not primary_raw.strip():
        raise InvalidProfile("primary genre is missing")
    primary, promoted = _coerce_primary(primary_raw, vocab)

    subs: list[str] = list(promoted)
    raw_subs = _field(raw, "sub_genres")
    # A single string goes to the genre map whole: it knows "Hip Hop / Rap" is one genre.
    for item in ([raw_subs] if isinstance(raw_subs, str) and raw_subs.strip() else _as_list(raw_subs, "sub_genres")):
        names = genres.canonicalize(item)
        if not names:
            raise InvalidProfile(f"sub-genre {item!r} is not a known genre")
        subs.extend(n for n in names if not genres.is_vague(n))
    subs = [n for n in dict.fromkeys(subs) if n != primary]
    # Prefer sub-genres that live under the primary genre; keep the others after them.
    subs.sort(key=lambda n: 0 if genres.descends_from(n, primary) else 1)

    energy_raw = _field(raw, "energy")
    energy = _coerce_energy(energy_raw)

    lists: dict[str, tuple[str, ...]] = {}
    for category in LIST_CATEGORIES:
        values: list[str] = []
        for item in _as_list(_field(raw, category), category):
            value = vocab.lookup(category, item)
            if value is None:
                raise InvalidProfile(f"{category}: {item!r} is not in the vocabulary")
            values.append(value)
        lists[category] = tuple(dict.fromkeys(values))[:MAX_VALUES_PER_CATEGORY]

    era = _coerce_era(_field(raw, "era"), vocab)

    filled = {
        "primary_genre": True,
        "sub_genres": bool(subs),
        "energy": True,
        "vibes": bool(lists["vibes"]),
        "situations": bool(lists["situations"]),
        "components": bool(lists["components"]),
        "era": era is not None,
    }
    sources = _coerce_sources(raw.get("sources"), filled, source)
    confidence = _coerce_confidence(raw.get("confidence"), filled)
    profile = TagProfile(
        primary_genre=primary,
        sub_genres=tuple(subs[:MAX_VALUES_PER_CATEGORY]),
        energy=energy,
        vibes=lists["vibes"],
        situations=lists["situations"],
        components=lists["components"],
        era=era,
        sources=sources,
        confidence=confidence,
    )
    return validate_profile(profile, vocab)


def _field(raw: Mapping[str, Any], category: str) -> Any:
    for key in _KEY_ALIASES[category]:
        if key in raw:
            return raw[key]
    return None


def _coerce_primary(text: str, vocab: Vocabulary) -> tuple[str, list[str]]:
    """The primary genre named by ``text``; a sub-genre given as primary ("Tech House")
    yields its primary genre and is kept as the first sub-genre."""
    genres = vocab.genres
    exact = genres.lookup(text)
    names = [exact] if exact else genres.canonicalize(text)
    specific = [n for n in names if not genres.is_vague(n)]
    if not specific:
        if names:
            raise InvalidProfile(f"primary genre {text!r} is too vague; name a primary genre")
        raise InvalidProfile(f"primary genre {text!r} is not a known genre")
    first = specific[0]
    primary = genres.primary_of(first)
    promoted = [n for n in specific if n != primary]
    return primary, promoted


def _as_list(value: Any, category: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in _LIST_SPLIT_RE.split(value.strip()) if part] if value.strip() else []
    if isinstance(value, (list, tuple)):
        items: list[str] = []
        for item in value:
            if not isinstance(item, str):
                raise InvalidProfile(f"{category}: {item!r} is not a name")
            if item.strip():
                items.append(item.strip())
        return items
    raise InvalidProfile(f"{category} must be a list of names, got {type(value).__name__}")


def _coerce_energy(value: Any) -> int:
    if value is None:
        raise InvalidProfile("energy is missing")
    if isinstance(value, bool):
        raise InvalidProfile(f"energy must be a number 1..10, got {value!r}")
    number: float
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        match = _ENERGY_TEXT_RE.match(value)
        if not match:
            raise InvalidProfile(f"energy must be a number 1..10, got {value!r}")
        number = float(match.group(1))
    else:
        raise InvalidProfile(f"energy must be a number 1..10, got {value!r}")
    if not math.isfinite(number):
        raise InvalidProfile(f"energy must be a number 1..10, got {value!r}")
    energy = int(math.floor(number + 0.5))  # 6.5 -> 7: half up, not banker's rounding
    if not ENERGY_MIN <= energy <= ENERGY_MAX:
        raise InvalidProfile(f"energy {value!r} is outside {ENERGY_MIN}..{ENERGY_MAX}")
    return energy


def _coerce_era(value: Any, vocab: Vocabulary) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidProfile(f"era {value!r} is not a decade")
    if isinstance(value, int):
        era = vocab.era_of_year(value)
        if era is None:
            raise InvalidProfile(f"era {value!r} is not one of {vocab.eras[0]}..{vocab.eras[-1]}")
        return era
    if not isinstance(value, str):
        raise InvalidProfile(f"era {value!r} is not a decade")
    text = fold(value).strip().replace("’", "'")
    if text in _NO_ERA:
        return None
    if text.isdigit() and len(text) == 4:
        era = vocab.era_of_year(int(text))
    else:
        match = _ERA_TEXT_RE.match(text)
        era = None
        if match:
            if match.group(1):
                era = vocab.era_of_year(int(match.group(1) + match.group(2) + "0"))
            else:
                decade = int(match.group(3))
                # Two-digit decades: '50s..'90s are the 1900s, '00s..'20s the 2000s.
                era = vocab.era_of_year((1900 if decade >= 5 else 2000) + decade * 10)
    if era is None:
        raise InvalidProfile(f"era {value!r} is not one of {vocab.eras[0]}..{vocab.eras[-1]}")
    return era


def _coerce_sources(raw_sources: Any, filled: Mapping[str, bool], source: str | None) -> dict[str, str]:
    sources: dict[str, str] = {}
    if isinstance(raw_sources, Mapping):
        for category, value in raw_sources.items():
            if category in filled and filled[category] and _is_source(value):
                sources[category] = value
    if source is not None:
        if not _is_source(source):
            raise InvalidProfile(f"source {source!r} is not a known source")
        for category, is_filled in filled.items():
            if is_filled:
                sources.setdefault(category, source)
    return sources


def _coerce_confidence(raw: Any, filled: Mapping[str, bool]) -> dict[str, str]:
    """``confidence`` as one level for the whole track ("medium", what an LLM gives) or a
    mapping per category; case and spacing forgiven, anything else refused."""
    if raw is None:
        return {}
    if isinstance(raw, str):
        level = _confidence_level(raw)
        return {category: level for category, is_filled in filled.items() if is_filled}
    if not isinstance(raw, Mapping):
        raise InvalidProfile(f"confidence must be a level or a mapping, got {type(raw).__name__}")
    levels: dict[str, str] = {}
    for category, value in raw.items():
        if category not in filled:
            raise InvalidProfile(f"confidence names unknown category {category!r}")
        if filled[category]:
            levels[category] = _confidence_level(value)
    return levels


def _confidence_level(value: Any) -> str:
    text = value.strip().lower() if isinstance(value, str) else value
    if text not in CONFIDENCES:
        raise InvalidProfile(f"confidence {value!r} is not one of {', '.join(c.value for c in Confidence)}")
    return str(text)
