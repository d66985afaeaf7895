from __future__ import annotations

import random

import pytest

from taggenius_desktop.vocabulary.profile import Level
from taggenius_desktop.writeback import WriteMode, WriteOptions, originals_for, plan_changes, restore_changes
from tests.support.profiles import FULL_PROFILE, apply, random_profile, random_text

ALL_REPLACE = WriteOptions(genre="replace", comments="replace", colour="replace", rating="replace", grouping="replace")


def _tag(attrs: dict[str, str], options: WriteOptions = ALL_REPLACE) -> tuple[dict[str, str], dict, dict]:
    changes = plan_changes(attrs, FULL_PROFILE, options)
    return apply(attrs, changes), originals_for(attrs, changes), changes


def test_restore_gives_back_exact_values_and_removes_added_attributes() -> None:
    original = {"TrackID": "1", "Genre": "Minimal / Deep Tech", "Comments": "mine", "Rating": "0", "Grouping": ""}
    tagged, originals, written = _tag(original)
    assert originals["Colour"] is None  # Colour did not exist
    changes, kept = restore_changes(tagged, originals, written)
    assert kept == ()
    assert changes["Colour"] is None  # None: remove the attribute
    assert apply(tagged, changes) == original


def test_restore_round_trip_over_many_tracks() -> None:
    rng = random.Random(31)
    modes = list(WriteMode)
    for _ in range(1000):
        original = {name: value for name, value in {
            "TrackID": "7",
            "Genre": rng.choice([None, "", "techno", "Hip-Hop/Rap"]),
            "Comments": rng.choice([None, "", random_text(rng, rng.randint(0, 250)), "a /* E: 02 */ b"]),
            "Rating": rng.choice([None, "0", "102"]),
            "Colour": rng.choice([None, "", "0x660099"]),
            "Grouping": rng.choice([None, "", "Purple"]),
        }.items() if value is not None}
        options = WriteOptions(level=rng.choice(list(Level)), genre=rng.choice(modes), comments=rng.choice(modes),
                               colour=rng.choice(modes), rating=rng.choice(modes), grouping=rng.choice(modes))
        written = plan_changes(original, random_profile(rng), options)
        tagged = apply(original, written)
        result = restore_changes(tagged, originals_for(original, written), written)
        assert result.kept_user_edits == ()
        assert apply(tagged, result.changes) == original
        # A second restore has nothing left to do and reports no edits.
        assert restore_changes(original, originals_for(original, written), written) == ({}, ())


def test_restore_keeps_a_later_user_edit() -> None:
    original = {"Genre": "techno", "Comments": "mine", "Rating": "0"}
    tagged, originals, written = _tag(original)
    tagged["Rating"] = "51"  # the DJ rated it by hand in rekordbox after tagging
    tagged["Comments"] = "rewritten by the DJ"
    changes, kept = restore_changes(tagged, originals, written)
    assert set(kept) == {"Rating", "Comments"}
    restored = apply(tagged, changes)
    assert restored["Rating"] == "51" and restored["Comments"] == "rewritten by the DJ"
    assert restored["Genre"] == "techno" and "Colour" not in restored


def test_restore_keeps_a_user_deletion() -> None:
    tagged, originals, written = _tag({"Comments": "mine"})
    del tagged["Comments"]  # cleared after tagging: absent now, and not what we wrote
    changes, kept = restore_changes(tagged, originals, written)
    assert "Comments" in kept and "Comments" not in changes


def test_restore_refuses_to_guess_a_missing_original() -> None:
    tagged, originals, written = _tag({"Genre": "techno"})
    del originals["Genre"]
    with pytest.raises(ValueError):
        restore_changes(tagged, originals, written)
