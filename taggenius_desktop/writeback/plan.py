"""Turn a :class:`TagProfile` into the TRACK attribute values that change.

What each field receives (``N`` = the level's ``values_per_category``: Essential 1,
Recommended 2, Detailed 3; every multi-valued category is cut to its first ``N`` values):

* ``Genre``: ``"Primary, Sub1, ..., SubN"`` (sub-genres equal to the primary or to each
  other, ignoring case, are skipped). Essential writes ``"Techno, Peak Time Techno"``.
* ``Comments``: the user's text plus one Tag Genius block with energy and the first ``N``
  situations, vibes and components, and the era (format and length rules in
  :mod:`.block`).
* ``Colour``: from energy through ``options.colour_map`` (default 9-10 Pink, 8 Orange,
  6-7 Yellow, 4-5 Green, 1-3 Aqua), always one of rekordbox's eight colours.
* ``Rating``: from energy through ``options.rating_map`` (default 1-2 one star ... 9-10
  five stars), always one of 51, 102, 153, 204, 255.
* ``Grouping`` (off by default): the first ``N`` situations, ``"Peak Hour, Closing"``: a
  sortable column for set phase. Nothing is written when the profile has no situation.

Two rules come before the modes (see :mod:`.options`): a profile whose genre or energy
is only a guess (``Confidence.GUESS``: from the tempo or a default) changes nothing unless
``fill_unknown_genres`` is set, and the DJ's own labels in the Genre field ("Dance Floor
Filth") are kept after the genres written unless ``keep_genre_labels`` is off.

Modes: REPLACE writes whenever the value differs; FILL_IF_EMPTY writes only when the
field is absent or blank (for Rating also ``"0"``, no stars); KEEP never writes. For
Comments the mode governs only the Tag Genius block (see :mod:`.options`).

Only attributes whose value really changes are returned, so planning again on the
result gives ``{}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping, NamedTuple

from ..caches import register, registered
from ..vocabulary import load_vocabulary
from ..vocabulary.profile import Confidence, TagProfile
from .block import (
    COMMENT_LIMIT,
    BlockContent,
    PlacedComments,
    check_energy,
    comment_length,
    format_block,
    has_block,
    place_block,
)
from .options import COLOUR_PALETTE, COLOUR_RED, RATING_VALUES, WriteMode, WriteOptions

GENRE = "Genre"
GROUPING = "Grouping"
COMMENTS = "Comments"
RATING = "Rating"
COLOUR = "Colour"
#: The TRACK attributes writeback may change, in rekordbox's attribute order.
MANAGED_FIELDS: tuple[str, ...] = (GROUPING, GENRE, COMMENTS, RATING, COLOUR)

_UNSAFE_LIST_VALUE = re.compile(r"[,\x00-\x1f\x7f]")

NOTE_RED = "track is marked Red (the DJ's review/delete mark): left alone"
NOTE_UNSURE = "unsure: the genre or energy is only a guess from the tempo or a default, so nothing was written"
_GUESS = Confidence.GUESS.value


@dataclass(frozen=True)
class WritePlan:
    """``changes``: attribute -> new value (only real changes). ``notes``: plain-words
    reasons something was not written. ``dropped``: block values left out for length."""

    changes: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()


def _check_list_value(value: object, what: str) -> str:
    if value.__class__ is str and value in _SAFE_LIST_VALUES:  # vocabulary terms, over and over
        return value
    # Genre and Grouping are ", "-joined lists: a comma inside a value would split it.
    if not isinstance(value, str) or not value or value != value.strip() or _UNSAFE_LIST_VALUE.search(value):
        raise ValueError(f"{what} {value!r} cannot be written")
    if len(_SAFE_LIST_VALUES) < _MAX_SAFE_LIST_VALUES:
        _SAFE_LIST_VALUES.add(value)
    return value


#: values that passed _check_list_value (the check depends on the value alone)
_MAX_SAFE_LIST_VALUES = 4096
_SAFE_LIST_VALUES: set[str] = register("writeback.plan.safe_list_values", set(), _MAX_SAFE_LIST_VALUES)


def _distinct(values: tuple[str, ...], exclude: str) -> list[str]:
    seen = {exclude.casefold()}
    result = []
    for value in values:
        if value.casefold() not in seen:
            seen.add(value.casefold())
            result.append(value)
    return result


def genre_value(profile: TagProfile, limit: int) -> str:
    primary = _check_list_value(profile.primary_genre, "primary genre")
    subs = [_check_list_value(v, "sub-genre") for v in profile.sub_genres]
    return ", ".join([primary, *_distinct(tuple(subs), primary)[:limit]])


def grouping_value(profile: TagProfile, limit: int) -> str | None:
    situations = [_check_list_value(v, "situation") for v in profile.situations[:limit]]
    return ", ".join(situations) or None


def block_content(profile: TagProfile, limit: int) -> BlockContent:
    return BlockContent(
        energy=profile.energy,
        situations=tuple(profile.situations[:limit]),
        vibes=tuple(profile.vibes[:limit]),
        components=tuple(profile.components[:limit]),
        era=profile.era or None,
    )


def colour_value(energy: int, options: WriteOptions) -> str:
    colour = options.colour_map[check_energy(energy)]
    if colour not in COLOUR_PALETTE or colour == COLOUR_RED:  # never write off-palette or Red
        raise ValueError(f"colour {colour!r} for energy {energy} is not writable")
    return colour


def rating_value(energy: int, options: WriteOptions) -> str:
    rating = options.rating_map[check_energy(energy)]
    if rating not in RATING_VALUES or rating == 0:
        raise ValueError(f"rating {rating!r} for energy {energy} is not writable")
    return str(rating)


def is_red(attrs: Mapping[str, str]) -> bool:
    return (attrs.get(COLOUR) or "").strip().upper() == COLOUR_RED.upper()


class _Derived(NamedTuple):
    """Everything a plan needs from the profile alone, validated."""

    genre: str
    grouping: str | None
    content: BlockContent
    colour: str
    rating: str
    #: the full block and its length (see block.comment_length): the common comment has
    #: no block yet and room for the whole one, which then needs neither format nor fit
    block: str
    block_length: int
    #: the genre or the energy is only a guess (see NOTE_UNSURE)
    unsure: bool


# Why a cache: a job plans every track of a library (100,000 in a large one), and far
# fewer distinct profiles than tracks exist (same genre, energy, era, components), so
# validating and formatting once per distinct profile removes most of the cost. The key
# is the profile's written content (``sources`` do not change what is written).
_DERIVED_MAX = 20_000
_DERIVED: dict[tuple[object, ...], tuple[WriteOptions, _Derived]] = register("writeback.plan.derived", {},
                                                                           _DERIVED_MAX)
# A second, cheaper level in front of it: taggers hand out the same TagProfile object for
# tracks with the same outcome (the offline tagger shares them), so the object's identity
# finds the derived values without building and hashing the content key. The entry holds
# the profile itself, so its id cannot be reused by another object while it is cached.
#: a 100,000-track library has some 25,000 distinct offline profiles: all should fit, or
#: clearing the map sends look-ups down the content path again (correct, only slower);
#: bounded because LLM profiles are one object per track and are held here until cleared
_BY_IDENTITY_MAX = 50_000
_BY_IDENTITY: dict[int, tuple[TagProfile, WriteOptions, _Derived]] = register("writeback.plan.by_identity", {},
                                                                            _BY_IDENTITY_MAX)


def _derive(profile: TagProfile, options: WriteOptions) -> _Derived:
    same = _BY_IDENTITY.get(id(profile))
    if same is not None and same[0] is profile and same[1] is options:
        return same[2]
    derived = _derive_by_content(profile, options)
    if len(_BY_IDENTITY) >= _BY_IDENTITY_MAX:
        _BY_IDENTITY.clear()
    _BY_IDENTITY[id(profile)] = (profile, options, derived)
    return derived


def _derive_by_content(profile: TagProfile, options: WriteOptions) -> _Derived:
    # id(options), checked by identity below: hashing WriteOptions costs more than the
    # whole plan, and one job uses one options object.
    unsure = is_unsure(profile)
    key: tuple[object, ...] = (
        id(options),
        unsure,
        profile.primary_genre,
        profile.sub_genres,
        profile.energy,
        type(profile.energy),  # True == 1 and 8.0 == 8 as keys, but neither is writable
        profile.vibes,
        profile.situations,
        profile.components,
        profile.era,
    )
    cacheable = True
    try:
        hit = _DERIVED.get(key)
    except TypeError:  # an unhashable value (a list instead of a tuple): no cache
        hit, cacheable = None, False
    if hit is not None and hit[0] is options:
        return hit[1]
    n = options.level.values_per_category
    # Validate the whole profile first, so a bad profile fails the same way on every
    # track, Red or not, whatever the modes.
    genre = genre_value(profile, n)
    grouping = grouping_value(profile, n)
    content = block_content(profile, n)
    colour = colour_value(profile.energy, options)
    rating = rating_value(profile.energy, options)
    block = format_block(content)
    derived = _Derived(genre, grouping, content, colour, rating, block, comment_length(block), unsure)
    if cacheable:
        if len(_DERIVED) >= _DERIVED_MAX:
            _DERIVED.clear()
        _DERIVED[key] = (options, derived)
    return derived


@registered("writeback.plan.placed_blocks")
@lru_cache(maxsize=8192)
def _place_block_cached(comments: str, content: BlockContent) -> PlacedComments:
    # Many tracks share a comment (empty, or a label's boilerplate) and a block content.
    return place_block(comments, content)


_REPLACE = WriteMode.REPLACE
_KEEP = WriteMode.KEEP
_RED_UPPER = COLOUR_RED.upper()
_RED_NOTES = (NOTE_RED,)
_UNSURE_NOTES = (NOTE_UNSURE,)


def is_unsure(profile: TagProfile) -> bool:
    """True when the profile's genre or energy is only a guess (tempo or a default)."""
    confidence = profile.confidence
    return bool(confidence) and (confidence.get("primary_genre") == _GUESS or confidence.get("energy") == _GUESS)


#: Genre value -> the DJ's own labels in it (own_labels, memoized for the hot path)
_MAX_LABELS = 100_000
_LABELS: dict[str, tuple[str, ...]] = register("writeback.plan.own_labels", {}, _MAX_LABELS)


def own_labels(genre: str | None) -> tuple[str, ...]:
    """The DJ's own labels in a Genre value, as written ("Dance Floor Filth"); see
    :meth:`~taggenius_desktop.vocabulary.genres.GenreMap.label_parts`."""
    if not genre:
        return ()
    return load_vocabulary().genres.label_parts(genre)


def plan_writeback(attrs: Mapping[str, str], profile: TagProfile, options: WriteOptions) -> WritePlan:
    """Everything :func:`plan_changes` decides, with the reasons for what it skipped.

    Raises ValueError when the profile holds a value that cannot be written safely
    (energy outside 1..10, a separator inside a value, a malformed era).
    """
    changes, notes, dropped = plan_fields(attrs, profile, options)
    return WritePlan(changes, notes, dropped)


def plan_fields(
    attrs: Mapping[str, str], profile: TagProfile, options: WriteOptions
) -> tuple[dict[str, str], tuple[str, ...], tuple[str, ...]]:
    """:func:`plan_writeback` as a plain ``(changes, notes, dropped)`` tuple.

    For a job planning every track of a library: building a frozen WritePlan costs about
    as much as the plan itself.
    """
    # The hot path of a tag job (once per track): the mode rules are written out inline
    # and the derived values come from a cache, so a plan is a few lookups.
    derived = _derive(profile, options)
    get = attrs.get

    if options.protect_red:
        colour_now = get(COLOUR)
        if colour_now and colour_now.strip().upper() == _RED_UPPER:
            return {}, _RED_NOTES, ()
    if derived.unsure and not options.fill_unknown_genres:
        return {}, _UNSURE_NOTES, ()

    changes: dict[str, str] = {}
    notes: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()

    # Each field: KEEP never writes; FILL_IF_EMPTY only into an empty field (absent or
    # blank; for Rating also "0", no stars); and only a value that differs is a change.
    grouping = derived.grouping
    mode = options.grouping
    if grouping is not None and mode is not _KEEP:
        current = get(GROUPING)
        if grouping != current and (mode is _REPLACE or current is None or not current.strip()):
            changes[GROUPING] = grouping

    mode = options.genre
    if mode is not _KEEP:
        current = get(GENRE)
        genre = derived.genre
        if current and options.keep_genre_labels:
            labels = _LABELS.get(current)  # inline: this runs for every track with a genre
            if labels is None:
                labels = own_labels(current)
                if len(_LABELS) < _MAX_LABELS:
                    _LABELS[current] = labels
            if labels:
                genre = ", ".join((genre, *labels))
        if genre != current and (mode is _REPLACE or current is None or not current.strip()):
            changes[GENRE] = genre

    mode = options.comments
    if mode is not _KEEP:
        text = get(COMMENTS) or ""
        if "/*" not in text:
            # No block can be in the text (every block starts "/* E: "), so FILL_IF_EMPTY
            # wants one too, and place_block would append it after a separator: when the
            # whole block fits, that is the answer without a regex search or a fit.
            separator = "" if not text or text[-1].isspace() else " "
            fits = derived.block_length <= COMMENT_LIMIT - comment_length(text + separator)
            if fits:
                changes[COMMENTS] = text + separator + derived.block
            wants_block = not fits
        else:
            wants_block = mode is _REPLACE or not has_block(text)
        if wants_block:
            placed = _place_block_cached(text, derived.content)
            dropped = placed.dropped
            if placed.note:
                notes = (placed.note,)
            if placed.text != text:
                changes[COMMENTS] = placed.text

    mode = options.rating
    if mode is not _KEEP:
        current = get(RATING)
        rating = derived.rating
        if rating != current and (mode is _REPLACE or current is None or current.strip() in ("", "0")):
            changes[RATING] = rating

    mode = options.colour
    if mode is not _KEEP:
        current = get(COLOUR)
        colour = derived.colour
        if colour != current and (mode is _REPLACE or current is None or not current.strip()):
            changes[COLOUR] = colour
    return changes, notes, dropped


def plan_changes(attrs: Mapping[str, str], profile: TagProfile, options: WriteOptions) -> dict[str, str]:
    """The attributes to set on this TRACK (only those whose value changes; ``{}`` when
    nothing does). Idempotent: planning again on the updated attributes gives ``{}``."""
    return plan_fields(attrs, profile, options)[0]


def originals_for(attrs: Mapping[str, str], changes: Mapping[str, object]) -> dict[str, str | None]:
    """What to store before applying ``changes``: each field's value, None when absent."""
    return {name: attrs.get(name) for name in changes}


def preview(
    attrs: Mapping[str, str], profile: TagProfile, options: WriteOptions
) -> dict[str, tuple[str | None, str | None]]:
    """Every managed field as ``(before, after)``; None means the attribute is absent.

    Unchanged fields are included (before == after) so a preview can show all five.
    """
    changes = plan_changes(attrs, profile, options)
    return {name: (attrs.get(name), changes.get(name, attrs.get(name))) for name in MANAGED_FIELDS}
