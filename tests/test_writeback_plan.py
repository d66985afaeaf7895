from __future__ import annotations

import random
from dataclasses import replace

import pytest

from taggenius_desktop.vocabulary.profile import Level, TagProfile
from taggenius_desktop.writeback import (
    COLOUR_PALETTE,
    RATING_VALUES,
    WriteMode,
    WriteOptions,
    comment_length,
    parse_block,
    plan_changes,
    plan_writeback,
    preview,
    strip_blocks,
)
from tests.support.profiles import FULL_PROFILE, apply, random_profile, random_text

RED = "0xFF0000"
ALL_REPLACE = WriteOptions(genre="replace", comments="replace", colour="replace", rating="replace", grouping="replace")


# --- genre -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "genre"),
    [
        (Level.ESSENTIAL, "Techno, Peak Time Techno"),
        (Level.RECOMMENDED, "Techno, Peak Time Techno, Hard Techno"),
        (Level.DETAILED, "Techno, Peak Time Techno, Hard Techno, Acid Techno"),
    ],
)
def test_genre_has_one_sub_genre_per_level_step(level: Level, genre: str) -> None:
    assert plan_changes({"Genre": "techno"}, FULL_PROFILE, WriteOptions(level=level))["Genre"] == genre


def test_genre_skips_sub_genres_repeating_the_primary() -> None:
    profile = replace(FULL_PROFILE, sub_genres=("techno", "Hard Techno", "hard techno", "Acid Techno"))
    assert plan_changes({}, profile, WriteOptions())["Genre"] == "Techno, Hard Techno, Acid Techno"
    assert plan_changes({}, replace(FULL_PROFILE, sub_genres=()), WriteOptions())["Genre"] == "Techno"


@pytest.mark.parametrize(
    ("mode", "current", "written"),
    [
        (WriteMode.REPLACE, "Minimal / Deep Tech", True),
        (WriteMode.REPLACE, None, True),
        (WriteMode.FILL_IF_EMPTY, "Minimal / Deep Tech", False),
        (WriteMode.FILL_IF_EMPTY, "", True),
        (WriteMode.FILL_IF_EMPTY, "  ", True),
        (WriteMode.FILL_IF_EMPTY, None, True),
        (WriteMode.KEEP, "", False),
        (WriteMode.KEEP, "Minimal", False),
    ],
)
def test_genre_modes(mode: WriteMode, current: str | None, written: bool) -> None:
    attrs = {} if current is None else {"Genre": current}
    changes = plan_changes(attrs, FULL_PROFILE, WriteOptions(genre=mode))
    assert ("Genre" in changes) is written


def test_unchanged_values_are_not_returned() -> None:
    attrs = {"Genre": "Techno, Peak Time Techno, Hard Techno"}
    assert "Genre" not in plan_changes(attrs, FULL_PROFILE, WriteOptions())


# --- comments ----------------------------------------------------------------------


def test_user_comment_text_is_kept_and_block_appended() -> None:
    changes = plan_changes({"Comments": "Purchased at Beatport.com"}, FULL_PROFILE, WriteOptions())
    comments = changes["Comments"]
    assert comments.startswith("Purchased at Beatport.com /* E: 08 / Sit: Peak Hour, Closing")
    assert strip_blocks(comments) == "Purchased at Beatport.com"
    assert parse_block(comments) == {"energy": 8, "situations": ("Peak Hour", "Closing"), "vibes": ("Driving", "Dark"),
                                     "components": ("Vocal", "Synth"), "era": "2010s"}


def test_retagging_replaces_the_block_in_place_without_duplicating_it() -> None:
    first = apply({"Comments": "8A - Energy 6"}, plan_changes({"Comments": "8A - Energy 6"}, FULL_PROFILE, WriteOptions()))
    edited = dict(first, Comments=first["Comments"] + " my later note")  # the DJ adds text after our block
    calmer = replace(FULL_PROFILE, energy=3, vibes=("Melancholic",))
    comments = plan_changes(edited, calmer, WriteOptions())["Comments"]
    assert comments.count("/* E:") == 1
    assert comments.startswith("8A - Energy 6 /* E: 03 /")
    assert comments.endswith("*/ my later note")
    assert parse_block(comments)["vibes"] == ("Melancholic",)


@pytest.mark.parametrize(
    ("mode", "current", "written"),
    [
        (WriteMode.REPLACE, "mine", True),
        (WriteMode.REPLACE, "mine /* E: 03 */", True),
        (WriteMode.FILL_IF_EMPTY, "mine", True),
        (WriteMode.FILL_IF_EMPTY, None, True),
        (WriteMode.FILL_IF_EMPTY, "mine /* E: 03 */", False),  # a block exists, even a stale one
        (WriteMode.KEEP, "", False),
        (WriteMode.KEEP, "mine /* E: 03 */", False),
    ],
)
def test_comment_modes_govern_only_our_block(mode: WriteMode, current: str | None, written: bool) -> None:
    attrs = {} if current is None else {"Comments": current}
    changes = plan_changes(attrs, FULL_PROFILE, WriteOptions(comments=mode))
    assert ("Comments" in changes) is written
    if written:
        assert changes["Comments"].startswith(strip_blocks(current or ""))
        assert parse_block(changes["Comments"])["energy"] == 8


def test_comment_limit_drops_least_important_values_and_never_cuts_user_text() -> None:
    user = "z" * 200
    result = plan_writeback({"Comments": user}, FULL_PROFILE, WriteOptions(level=Level.DETAILED))
    comments = result.changes["Comments"]
    assert comments.startswith(user + " /* E: 08")
    assert comment_length(comments) <= 255
    assert result.dropped[0] == "Comp: Percussion"
    assert parse_block(comments)["components"] == ()


def test_user_text_leaving_no_room_writes_no_block_and_says_why() -> None:
    user = "Biography " * 25  # 250 characters: the energy-only block needs 12 with its space
    result = plan_writeback({"Comments": user, "Genre": ""}, FULL_PROFILE, WriteOptions())
    assert "Comments" not in result.changes
    assert "Genre" in result.changes  # other fields are still written
    assert any("no room" in note for note in result.notes)


def _drop_stages(block: dict) -> list[tuple]:
    """A block's values grouped in the order they are dropped: components, extra vibes,
    extra situations, era, lead vibe, lead situation."""
    era = (block["era"],) if block["era"] else ()
    return [block["components"], block["vibes"][1:], block["situations"][1:], era,
            block["vibes"][:1], block["situations"][:1]]


def _check_priority(full: dict, kept: dict) -> None:
    for category in ("situations", "vibes", "components"):
        assert kept[category] == full[category][: len(kept[category])]  # dropped from the end
    full_stages, kept_stages = _drop_stages(full), _drop_stages(kept)
    # Some stage k is partly kept: every earlier stage fully dropped, every later one whole.
    k = next((i for i, (f, kp) in enumerate(zip(full_stages, kept_stages, strict=False)) if kp), len(full_stages))
    assert all(not kp for kp in kept_stages[:k])
    assert kept_stages[k + 1:] == full_stages[k + 1:]


def test_comment_length_property_over_many_profiles_and_texts() -> None:
    rng = random.Random(20240611)
    wrote = skipped = dropped_some = 0
    for _ in range(3000):
        profile = random_profile(rng)
        level = rng.choice(list(Level))
        user = random_text(rng, rng.choice([0, 1, 5, 40, 120, 180, 200, 220, 230, 240, 245, 250, 256, 300]))
        attrs = {"Comments": user}
        options = WriteOptions(level=level)
        result = plan_writeback(attrs, profile, options)
        comments = result.changes.get("Comments")
        if comments is None:
            skipped += 1
            assert result.notes
            assert comment_length(user) + 12 > 255 or (user and user[-1].isspace() and comment_length(user) + 11 > 255)
            continue
        wrote += 1
        dropped_some += bool(result.dropped)
        assert comment_length(comments) <= 255
        assert comments.startswith(user)  # never cut, never altered
        n = level.values_per_category
        full = {"energy": profile.energy, "situations": profile.situations[:n], "vibes": profile.vibes[:n],
                "components": profile.components[:n], "era": profile.era}
        kept = parse_block(comments)
        assert kept["energy"] == profile.energy
        _check_priority(full, kept)
        assert (kept != full) == bool(result.dropped)
        updated = apply(attrs, result.changes)
        assert plan_changes(updated, profile, options) == {}  # idempotent
    assert wrote > 1000 and skipped > 100 and dropped_some > 100  # every branch exercised


def test_limit_counts_emoji_as_two() -> None:
    user = "🔥" * 120  # 120 characters, 240 UTF-16 units
    comments = plan_changes({"Comments": user}, FULL_PROFILE, WriteOptions())["Comments"]
    assert comment_length(comments) <= 255
    assert comments == user + " /* E: 08 */"


# --- colour and rating -------------------------------------------------------------


@pytest.mark.parametrize(
    ("energy", "colour", "rating"),
    [(1, "Aqua", 1), (2, "Aqua", 1), (3, "Aqua", 2), (4, "Green", 2), (5, "Green", 3), (6, "Yellow", 3),
     (7, "Yellow", 4), (8, "Orange", 4), (9, "Pink", 5), (10, "Pink", 5)],
)
def test_colour_and_rating_from_energy(energy: int, colour: str, rating: int) -> None:
    changes = plan_changes({"Rating": "0"}, replace(FULL_PROFILE, energy=energy), WriteOptions())
    assert COLOUR_PALETTE[changes["Colour"]] == colour
    assert int(changes["Rating"]) == RATING_VALUES[rating]


def test_hand_set_colour_and_rating_survive_the_defaults() -> None:
    attrs = {"Colour": "0x0000FF", "Rating": "51"}
    changes = plan_changes(attrs, FULL_PROFILE, WriteOptions())
    assert "Colour" not in changes and "Rating" not in changes


@pytest.mark.parametrize(
    ("mode", "current", "written"),
    [
        (WriteMode.REPLACE, "0x0000FF", True), (WriteMode.REPLACE, None, True),
        (WriteMode.REPLACE, "0xFFA500", False),  # already the value
        (WriteMode.FILL_IF_EMPTY, "0x0000FF", False), (WriteMode.FILL_IF_EMPTY, "", True),
        (WriteMode.FILL_IF_EMPTY, None, True), (WriteMode.KEEP, None, False),
    ],
)
def test_colour_modes(mode: WriteMode, current: str | None, written: bool) -> None:
    attrs = {} if current is None else {"Colour": current}
    changes = plan_changes(attrs, FULL_PROFILE, WriteOptions(colour=mode))
    assert ("Colour" in changes) is written
    if written:
        assert changes["Colour"] == "0xFFA500"


@pytest.mark.parametrize(
    ("mode", "current", "written"),
    [
        (WriteMode.REPLACE, "51", True), (WriteMode.REPLACE, "204", False),
        (WriteMode.FILL_IF_EMPTY, "51", False), (WriteMode.FILL_IF_EMPTY, "0", True),
        (WriteMode.FILL_IF_EMPTY, "", True), (WriteMode.FILL_IF_EMPTY, None, True),
        (WriteMode.KEEP, "0", False),
    ],
)
def test_rating_modes(mode: WriteMode, current: str | None, written: bool) -> None:
    attrs = {} if current is None else {"Rating": current}
    changes = plan_changes(attrs, FULL_PROFILE, WriteOptions(rating=mode))
    assert ("Rating" in changes) is written
    if written:
        assert changes["Rating"] == "204"


def test_custom_maps_are_used() -> None:
    options = WriteOptions(colour_map={e: "0x660099" for e in range(1, 11)}, rating_map={e: 255 for e in range(1, 11)})
    changes = plan_changes({}, FULL_PROFILE, options)
    assert changes["Colour"] == "0x660099" and changes["Rating"] == "255"


# --- grouping ----------------------------------------------------------------------


def test_grouping_is_off_by_default() -> None:
    assert "Grouping" not in plan_changes({"Grouping": ""}, FULL_PROFILE, WriteOptions())


@pytest.mark.parametrize(
    ("mode", "current", "expected"),
    [
        (WriteMode.REPLACE, "Purple", "Peak Hour, Closing"),
        (WriteMode.FILL_IF_EMPTY, "", "Peak Hour, Closing"),
        (WriteMode.FILL_IF_EMPTY, "Purple", None),
        (WriteMode.KEEP, "", None),
    ],
)
def test_grouping_modes(mode: WriteMode, current: str, expected: str | None) -> None:
    changes = plan_changes({"Grouping": current}, FULL_PROFILE, WriteOptions(grouping=mode))
    assert changes.get("Grouping") == expected


def test_grouping_left_alone_without_situations() -> None:
    profile = replace(FULL_PROFILE, situations=())
    assert "Grouping" not in plan_changes({"Grouping": "Purple"}, profile, WriteOptions(grouping="replace"))


# --- the Red mark ------------------------------------------------------------------


@pytest.mark.parametrize("red", ["0xFF0000", "0xff0000", " 0xFF0000 "])
def test_red_tracks_are_left_entirely_alone(red: str) -> None:
    attrs = {"Genre": "", "Comments": "check this", "Rating": "0", "Colour": red}
    result = plan_writeback(attrs, FULL_PROFILE, ALL_REPLACE)
    assert result.changes == {}
    assert result.notes and "Red" in result.notes[0]
    assert all(before == after for before, after in preview(attrs, FULL_PROFILE, ALL_REPLACE).values())


def test_red_tracks_are_tagged_when_protection_is_off() -> None:
    attrs = {"Genre": "", "Comments": "check this", "Rating": "0", "Colour": RED}
    changes = plan_changes(attrs, FULL_PROFILE, WriteOptions(protect_red=False))
    assert set(changes) == {"Genre", "Comments", "Rating"}  # Colour is hand-set: FILL_IF_EMPTY keeps it
    assert plan_changes(attrs, FULL_PROFILE, replace(ALL_REPLACE, protect_red=False))["Colour"] == "0xFFA500"


# --- validation --------------------------------------------------------------------


@pytest.mark.parametrize(
    "profile",
    [
        replace(FULL_PROFILE, energy=0), replace(FULL_PROFILE, energy=11), replace(FULL_PROFILE, energy=True),
        replace(FULL_PROFILE, energy="8"), replace(FULL_PROFILE, energy=8.0),
        replace(FULL_PROFILE, primary_genre=""), replace(FULL_PROFILE, primary_genre="Techno, House"),
        replace(FULL_PROFILE, sub_genres=("Hard\nTechno",)), replace(FULL_PROFILE, vibes=("Dark/Moody",)),
        replace(FULL_PROFILE, situations=("Peak, Hour",)), replace(FULL_PROFILE, components=("a*/b",)),
        replace(FULL_PROFILE, era="the nineties"),
    ],
)
def test_unwritable_profiles_raise_whatever_the_modes(profile: TagProfile) -> None:
    quiet = WriteOptions(genre="keep", comments="keep", colour="keep", rating="keep", grouping="keep")
    for options in (WriteOptions(), quiet):
        with pytest.raises(ValueError):
            plan_changes({"Colour": RED}, profile, options)


def test_written_values_are_always_on_list() -> None:
    rng = random.Random(7)
    for _ in range(500):
        changes = plan_changes({}, random_profile(rng), ALL_REPLACE)
        assert changes["Colour"] in COLOUR_PALETTE and changes["Colour"] != RED
        assert int(changes["Rating"]) in RATING_VALUES[1:]


# --- idempotence and preview ---------------------------------------------------------


def test_planning_again_on_the_result_changes_nothing() -> None:
    rng = random.Random(99)
    modes = list(WriteMode)
    for _ in range(1500):
        attrs = {name: value for name, value in {
            "Genre": rng.choice(["", "techno", "Minimal / Deep Tech", None]),
            "Comments": rng.choice(["", None, random_text(rng, rng.randint(0, 260)), "x /* E: 04 / Vibe: Dark */ y"]),
            "Colour": rng.choice([None, "", "0x0000FF", "0xFFA500", RED]),
            "Rating": rng.choice([None, "0", "51", "255"]),
            "Grouping": rng.choice([None, "", "Purple"]),
        }.items() if value is not None}
        options = WriteOptions(level=rng.choice(list(Level)), genre=rng.choice(modes), comments=rng.choice(modes),
                               colour=rng.choice(modes), rating=rng.choice(modes), grouping=rng.choice(modes),
                               protect_red=rng.random() < 0.5)
        profile = random_profile(rng)
        changes = plan_changes(attrs, profile, options)
        assert all(attrs.get(name) != value for name, value in changes.items())  # only real changes
        assert plan_changes(apply(attrs, changes), profile, options) == {}


def test_preview_shows_every_managed_field_before_and_after() -> None:
    attrs = {"Genre": "techno", "Comments": "mine", "Rating": "153", "Grouping": ""}
    shown = preview(attrs, FULL_PROFILE, WriteOptions())
    assert list(shown) == ["Grouping", "Genre", "Comments", "Rating", "Colour"]
    assert shown["Genre"] == ("techno", "Techno, Peak Time Techno, Hard Techno")
    assert shown["Comments"][0] == "mine" and shown["Comments"][1].startswith("mine /* E: 08")
    assert shown["Rating"] == ("153", "153")
    assert shown["Colour"] == (None, "0xFFA500")
    assert shown["Grouping"] == ("", "")


# --- the real vocabulary -------------------------------------------------------------


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [s for item in value for s in _strings(item)]
    return []


def test_every_vocabulary_value_is_writable() -> None:
    """The block and the ", "-joined fields refuse separators: the vocabulary must not use them."""
    try:
        from taggenius_desktop.vocabulary import load_vocabulary
    except ImportError:
        pytest.skip("vocabulary not available yet")
    vocab = load_vocabulary()
    names = {"primary_genres": "genre", "sub_genres": "genre", "vibes": "block", "situations": "block",
             "components": "block"}
    checked = 0
    for attribute, kind in names.items():
        for value in _strings(getattr(vocab, attribute, None)):
            profile = TagProfile(primary_genre=value) if kind == "genre" else TagProfile(
                primary_genre="Techno", vibes=(value,), situations=(value,), components=(value,))
            plan_changes({}, profile, WriteOptions(grouping="replace"))  # raises on an unwritable value
            checked += 1
    assert checked > 0
