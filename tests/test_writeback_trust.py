"""Writeback never presents a guess as a fact and never drops the DJ's own Genre labels."""

from __future__ import annotations

import pytest

from taggenius_desktop.tagging.offline import profile_for
from taggenius_desktop.vocabulary import load_vocabulary
from taggenius_desktop.vocabulary.profile import TagProfile, TrackInfo
from taggenius_desktop.writeback import WriteOptions, plan_changes, plan_writeback
from taggenius_desktop.writeback.plan import NOTE_UNSURE, own_labels

OPTIONS = WriteOptions()
FILL = WriteOptions(fill_unknown_genres=True)


def attrs_of(**values: str) -> dict[str, str]:
    base = {"TrackID": "1", "Name": "Some Track", "Genre": "", "Comments": "", "Rating": "0", "AverageBpm": "126.00"}
    base.update(values)
    return base


def offline(attrs: dict[str, str]) -> TagProfile:
    return profile_for(TrackInfo.from_attributes(attrs))


@pytest.mark.parametrize("genre", ["", "Other", "no genre", "SharingDB.me"])
def test_a_tempo_only_track_keeps_genre_colour_and_rating(genre):
    attrs = attrs_of(Genre=genre)
    profile = offline(attrs)
    assert profile.confidence["primary_genre"] == "guess"
    plan = plan_writeback(attrs, profile, OPTIONS)
    assert plan.changes == {}
    assert plan.notes == (NOTE_UNSURE,)


def test_fill_unknown_genres_writes_the_guess():
    attrs = attrs_of()
    changes = plan_changes(attrs, offline(attrs), FILL)
    assert changes["Genre"].startswith("House")
    assert {"Colour", "Rating", "Comments"} <= set(changes)


def test_an_energy_guess_alone_also_keeps_colour_and_rating():
    profile = TagProfile(primary_genre="Techno", energy=8, confidence={"primary_genre": "high", "energy": "guess"})
    assert plan_changes(attrs_of(Genre="Techno"), profile, OPTIONS) == {}


def test_low_confidence_is_written_but_high_and_unknown_confidence_too():
    for confidence in ({"primary_genre": "low", "energy": "low"}, {}, {"primary_genre": "high"}):
        profile = TagProfile(primary_genre="Techno", energy=8, confidence=confidence)
        assert plan_changes(attrs_of(), profile, OPTIONS)["Genre"] == "Techno"


def test_fill_unknown_genres_round_trips_and_defaults_off():
    assert WriteOptions().fill_unknown_genres is False
    assert WriteOptions.from_dict(FILL.to_dict()).fill_unknown_genres is True
    with pytest.raises(ValueError):
        WriteOptions(fill_unknown_genres="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize("label", ["Dance Floor Filth", "pop radio", "trap banger", "house throwback"])
def test_the_djs_own_labels_are_recognised(label):
    assert own_labels(label) == (label,)


@pytest.mark.parametrize("genre", ["House", "Deep House", "Techno (Peak Time / Driving)", "Hip Hop / Rap",
                                   "House Music", "Drum & Bass", "Other", "SharingDB.me", "pop house", "houuse"])
def test_genre_strings_are_not_labels(genre):
    assert own_labels(genre) == ()


def test_own_labels_are_kept_after_our_genres_by_default():
    attrs = attrs_of(Genre="Dance Floor Filth", AverageBpm="124.00")
    profile = TagProfile(primary_genre="House", sub_genres=("Tech House",), energy=7,
                         confidence={"primary_genre": "low", "energy": "low"})
    changes = plan_changes(attrs, profile, OPTIONS)
    assert changes["Genre"] == "House, Tech House, Dance Floor Filth"
    # planning again on the result changes nothing (idempotent)
    assert plan_changes({**attrs, **changes}, profile, OPTIONS) == {}


def test_only_the_label_part_of_a_mixed_value_is_kept():
    attrs = attrs_of(Genre="Techno / Bangers for the car")
    profile = TagProfile(primary_genre="Techno", energy=8)
    assert plan_changes(attrs, profile, OPTIONS)["Genre"] == "Techno, Bangers for the car"


def test_labels_can_be_replaced_on_request():
    attrs = attrs_of(Genre="Dance Floor Filth")
    profile = TagProfile(primary_genre="House", energy=7)
    assert plan_changes(attrs, profile, WriteOptions(keep_genre_labels=False))["Genre"] == "House"


def test_a_real_genre_string_is_still_replaced():
    attrs = attrs_of(Genre="deep house")
    profile = TagProfile(primary_genre="House", sub_genres=("Deep House",), energy=5)
    assert plan_changes(attrs, profile, OPTIONS)["Genre"] == "House, Deep House"


def test_labels_use_the_bundled_genre_map():
    assert load_vocabulary().genres.label_parts("Dance Floor Filth, House") == ("Dance Floor Filth",)
