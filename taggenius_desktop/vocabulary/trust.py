"""How much to trust a proposal, in the terms the review table shows and sorts by.

A proposal *needs a look* when any of its values is only low confidence or a guess, when
it disagrees with the genre the DJ wrote (the Genre field names a family and the proposal
another), or when the track has no proposal at all (skipped as not music, failed, not
asked yet). The review opens with those tracks first.
"""

from __future__ import annotations

from .genres import GenreMap
from .profile import Confidence, TagProfile

#: confidence levels, least sure first (the review's sort order)
CONFIDENCE_ORDER: dict[str, int] = {
    Confidence.GUESS.value: 0, Confidence.LOW.value: 1, Confidence.MEDIUM.value: 2, Confidence.HIGH.value: 3,
}
NEEDS_A_LOOK_LEVELS = frozenset({Confidence.GUESS.value, Confidence.LOW.value})
UNKNOWN = "unknown"  # a profile from before confidence was recorded
DISAGREES = "disagrees with your genre"
_SOURCE_LABELS = (("primary_genre", "genre"), ("energy", "energy"))


def lowest_confidence(profile: TagProfile) -> str:
    """The least sure level among the profile's values (``UNKNOWN`` when none recorded)."""
    levels = [level for level in profile.confidence.values() if level in CONFIDENCE_ORDER]
    return min(levels, key=CONFIDENCE_ORDER.__getitem__) if levels else UNKNOWN


def disagrees(profile: TagProfile, genre_now: str, genres: GenreMap) -> bool:
    """True when the DJ's Genre names specific genres and none is in the proposal's family."""
    if not genre_now:
        return False
    names = [n for n in genres.analyze(genre_now).names if not genres.is_vague(n)]
    if not names or profile.primary_genre not in genres:
        return False
    return not any(genres.descends_from(n, profile.primary_genre) for n in names)


def needs_a_look(profile: TagProfile | None, genre_now: str, genres: GenreMap) -> bool:
    if profile is None:
        return True
    return lowest_confidence(profile) in NEEDS_A_LOOK_LEVELS or disagrees(profile, genre_now, genres)


def trust_rank(profile: TagProfile | None, genre_now: str, genres: GenreMap) -> tuple[int, int]:
    """Sort key, least trustworthy first: no proposal, then needs a look, then by level."""
    if profile is None:
        return (0, -1)
    level = CONFIDENCE_ORDER.get(lowest_confidence(profile), len(CONFIDENCE_ORDER))
    return (1 if needs_a_look(profile, genre_now, genres) else 2, level)


def confidence_text(profile: TagProfile | None, genre_now: str, genres: GenreMap) -> str:
    """What the Confidence column shows: "guess", "high", "medium · disagrees with your genre"."""
    if profile is None:
        return ""
    text = lowest_confidence(profile)
    return f"{text} · {DISAGREES}" if disagrees(profile, genre_now, genres) else text


def source_text(profile: TagProfile | None) -> str:
    """What the Source column shows: where the genre and the energy came from."""
    if profile is None:
        return ""
    sources = profile.sources
    return " · ".join(f"{label}: {sources[key]}" for key, label in _SOURCE_LABELS if key in sources)
