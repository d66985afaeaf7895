"""The review table's rows and edit rules, in plain Python (safe in a background task).

The model (:mod:`.review_model`) shows these; building them and applying a user's edit
to a profile need no Qt, so they live here and are tested without a window.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping, Sequence

from ..vocabulary.profile import ENERGY_MAX, ENERGY_MIN, MAX_VALUES_PER_CATEGORY, SOURCE_USER, TagProfile
from ..vocabulary.trust import lowest_confidence
from ..writeback.options import COLOUR_PALETTE, rating_stars, stars_text

_COLOUR_NAMES = COLOUR_PALETTE


@dataclass(frozen=True, slots=True)
class ReviewRows:
    """The current values of every track, as display strings (built off the GUI thread)."""

    track_ids: list[str]
    artists: list[str]
    titles: list[str]
    genres: list[str]
    comments: list[str]
    colours: list[str]  # raw hex as in the XML ("" when none)
    ratings: list[int]  # 0..5 stars
    colour_names: list[str]  # what the Colour column shows
    stars: list[str]  # what the Rating column shows
    search: list[str]  # the current values, lowered, for the filter

    def __len__(self) -> int:
        return len(self.track_ids)

    @classmethod
    def empty(cls) -> "ReviewRows":
        return cls([], [], [], [], [], [], [], [], [], [])


def colour_name(hex_value: str) -> str:
    """rekordbox's name for a Colour attribute ("0xff007f" -> "Pink"); other values as they are."""
    if len(hex_value) == 8 and hex_value[:2].lower() == "0x":
        return _COLOUR_NAMES.get("0x" + hex_value[2:].upper(), hex_value)
    return hex_value


def stars(rating: int) -> str:
    return stars_text(rating) if rating else ""


def _stars_of(raw: str | None) -> int:
    try:
        return rating_stars(int(raw or 0))
    except ValueError:
        return 0


def build_rows(tracks: Iterable[Any]) -> ReviewRows:
    """From the library's tracks (``.track_id`` and ``.attrs``). Plain Python: safe in a task."""
    rows = ReviewRows.empty()
    for track in tracks:
        attrs = track.attrs
        rows.track_ids.append(track.track_id)
        rows.artists.append(attrs.get("Artist", "") or "")
        rows.titles.append(attrs.get("Name", "") or "")
        rows.genres.append(attrs.get("Genre", "") or "")
        rows.comments.append(" ".join((attrs.get("Comments", "") or "").split()))
        colour = (attrs.get("Colour", "") or "").strip()
        rating = _stars_of(attrs.get("Rating"))
        rows.colours.append(colour)
        rows.ratings.append(rating)
        name = colour_name(colour)
        rows.colour_names.append(name)
        rows.stars.append(stars(rating))
        rows.search.append("\n".join((rows.artists[-1], rows.titles[-1], rows.genres[-1], rows.comments[-1],
                                       name)).casefold())
    return rows


def proposal_search_text(profile: TagProfile | None) -> str:
    """A proposal's values, lowered, for the filter (plain Python: safe in a task)."""
    if profile is None:
        return ""
    return "\n".join((profile.primary_genre, *profile.sub_genres, *profile.vibes, *profile.situations,
                      *profile.components, profile.era or "", f"energy {profile.energy}",
                      lowest_confidence(profile), *profile.sources.values())).casefold()


def _join(values: Sequence[str]) -> str:
    return ", ".join(values)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(v).strip() for v in value if str(v).strip()]


def edited_profile(current: TagProfile | None, field: str, value: Any) -> TagProfile | None:
    """``current`` with one field set to what the user typed, marked as the user's; None
    when the text is not a valid value for that field (the edit is then refused)."""
    if field == "primary_genre":
        text = str(value or "").strip()
        if not text:
            return None
        if current is None:
            return TagProfile(primary_genre=text, sources={"primary_genre": SOURCE_USER})
        new_value: Any = text
    elif current is None:
        return None
    elif field == "energy":
        try:
            new_value = int(value)
        except (TypeError, ValueError):
            return None
        if not ENERGY_MIN <= new_value <= ENERGY_MAX:
            return None
    elif field == "era":
        new_value = str(value).strip() or None if value is not None else None
    else:
        new_value = tuple(dict.fromkeys(_as_list(value)))[:MAX_VALUES_PER_CATEGORY]
    sources = dict(current.sources or {})
    sources[field] = SOURCE_USER
    return replace(current, **{field: new_value}, sources=sources)


def same_tags(a: TagProfile, b: TagProfile) -> bool:
    return (a.primary_genre, a.sub_genres, a.energy, a.vibes, a.situations, a.components, a.era) == \
        (b.primary_genre, b.sub_genres, b.energy, b.vibes, b.situations, b.components, b.era)


#: the tooltip of a proposal cell when there is no proposal
NO_PROPOSAL_TIP = "No proposal yet: run a job with this tagger (or choose Offline), or set a genre by hand"


def proposal_tooltip(profile: TagProfile | None, field: str, edited: bool,
                     features: Mapping[str, Any] | None = None) -> str | None:
    """Where a proposed value came from and how sure it is; for the energy of a track
    whose file was measured, the raw audio features as well."""
    if profile is None:
        return NO_PROPOSAL_TIP
    if edited:
        return "edited by you"
    source = profile.sources.get(field) if profile.sources else None
    level = profile.confidence.get(field) if profile.confidence else None
    if field == "energy" and features:
        from ..audio.describe import describe_features

        return describe_features(features, profile.energy, source, level)
    where = f"from {source}" if source else ""
    if level:
        where = f"{where} ({level} confidence)" if where else f"{level} confidence"
    return where or None
