"""validate_profile (strict gate before output) and coerce_profile (lenient reader)."""

from __future__ import annotations

import dataclasses

import pytest

from taggenius_desktop.vocabulary import InvalidProfile, coerce_profile, load_vocabulary, validate_profile
from taggenius_desktop.vocabulary.profile import SOURCE_LLM, SOURCE_USER, TagProfile


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary()


GOOD = TagProfile(
    primary_genre="House",
    sub_genres=("Tech House", "Deep House"),
    energy=6,
    vibes=("Groovy", "Driving"),
    situations=("Peak Hour",),
    components=("Vocal", "Extended"),
    era="2010s",
    sources={"primary_genre": "genre-tag", "energy": "mixed-in-key", "vibes": "llm:gpt-4o-mini"},
)


def test_a_valid_profile_passes_unchanged(vocab):
    assert validate_profile(GOOD, vocab) is GOOD
    assert validate_profile(TagProfile(primary_genre="Techno"), vocab).energy == 5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"primary_genre": "Tech House"}, "not a primary genre"),
        ({"primary_genre": "house"}, "not a primary genre"),
        ({"sub_genres": ("Tech House", "Polka Step")}, "not a canonical genre"),
        ({"sub_genres": ("House",)}, "repeats the primary"),
        ({"sub_genres": ("Electronic",)}, "too vague"),
        ({"sub_genres": ("Tech House", "Tech House")}, "repeats a value"),
        ({"sub_genres": ["Tech House"]}, "must be a tuple"),
        ({"energy": "6"}, "must be an integer"),
        ({"energy": 6.0}, "must be an integer"),
        ({"energy": True}, "must be an integer"),
        ({"energy": 0}, "outside"),
        ({"energy": 11}, "outside"),
        ({"vibes": ("Groovy", "Spooky")}, "not in the vocabulary"),
        ({"vibes": ("groovy",)}, "not in the vocabulary"),
        ({"vibes": ("Groovy", "Dark", "Happy", "Calm")}, "at most 3"),
        ({"situations": ("Wedding",)}, "not in the vocabulary"),
        ({"components": ("Cowbell",)}, "not in the vocabulary"),
        ({"era": "1990"}, "era"),
        ({"era": "1940s"}, "era"),
        ({"era": ["1990s"]}, "era"),
        ({"primary_genre": ["House"]}, "not a primary genre"),
        ({"vibes": (["Groovy"],)}, "not in the vocabulary"),
        ({"sources": {"energy": "a hunch"}}, "not a known source"),
        ({"sources": {"mood": "llm"}}, "unknown category"),
    ],
)
def test_off_list_values_are_refused(vocab, change, message):
    with pytest.raises(InvalidProfile, match=message):
        validate_profile(dataclasses.replace(GOOD, **change), vocab)


def test_coerce_reads_a_loose_llm_answer(vocab):
    raw = {
        "primary_genre": "house",
        "sub_genres": ["tech-house", "Deep House", "tech house", "Electronic"],
        "energy": "7",
        "vibes": ["groovy", "DRIVING", "groove", "dark", "happy"],
        "situations": "peak time, after hours",
        "components": ["vocals", "Remix"],
        "era": "'90s",
    }
    profile = coerce_profile(raw, vocab, source="llm:gpt-4o-mini")
    assert profile.primary_genre == "House"
    assert profile.sub_genres == ("Tech House", "Deep House")  # duplicates and the vague bucket dropped
    assert profile.energy == 7
    assert profile.vibes == ("Groovy", "Driving", "Dark")  # "groove" is Groovy again; capped at 3
    assert profile.situations == ("Peak Hour", "Afterhours")
    assert profile.components == ("Vocal", "Remix")
    assert profile.era == "1990s"
    assert set(profile.sources) == {"primary_genre", "sub_genres", "energy", "vibes", "situations",
                                    "components", "era"}
    assert set(profile.sources.values()) == {"llm:gpt-4o-mini"}


def test_coerce_promotes_a_sub_genre_given_as_primary(vocab):
    profile = coerce_profile({"primary_genre": "Tech House", "energy": 6, "sub_genres": ["Minimal"]}, vocab)
    assert profile.primary_genre == "House"
    assert profile.sub_genres[0] == "Tech House"
    profile = coerce_profile({"genre": "dnb", "subgenres": "liquid", "energy": 8}, vocab)
    assert (profile.primary_genre, profile.sub_genres) == ("Drum & Bass", ("Liquid Drum & Bass",))


def test_coerce_puts_compatible_sub_genres_first(vocab):
    profile = coerce_profile({"primary_genre": "Techno", "sub_genres": ["Deep House", "Dub Techno"], "energy": 6},
                             vocab)
    assert profile.sub_genres == ("Dub Techno", "Deep House")


@pytest.mark.parametrize(("energy", "expected"), [(7, 7), (7.0, 7), ("7", 7), (" 7 / 10 ", 7), (6.5, 7), (1, 1),
                                                   (10, 10), ("10", 10)])
def test_coerce_energy_forms(vocab, energy, expected):
    assert coerce_profile({"primary_genre": "Techno", "energy": energy}, vocab).energy == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"primary_genre": "Techno", "energy": "high"}, "energy"),
        ({"primary_genre": "Techno", "energy": 11}, "outside"),
        ({"primary_genre": "Techno", "energy": 0}, "outside"),
        ({"primary_genre": "Techno", "energy": True}, "energy"),
        ({"primary_genre": "Techno", "energy": float("nan")}, "energy"),
        ({"primary_genre": "Techno"}, "energy is missing"),
        ({"primary_genre": "Polka Step", "energy": 5}, "not a known genre"),
        ({"primary_genre": "Other", "energy": 5}, "not a known genre"),
        ({"primary_genre": "Electronic", "energy": 5}, "too vague"),
        ({"energy": 5}, "primary genre is missing"),
        ({"primary_genre": "Techno", "energy": 5, "vibes": ["spooky"]}, "vibes"),
        ({"primary_genre": "Techno", "energy": 5, "situations": ["wedding"]}, "situations"),
        ({"primary_genre": "Techno", "energy": 5, "components": [3]}, "components"),
        ({"primary_genre": "Techno", "energy": 5, "sub_genres": ["Polka Step"]}, "sub-genre"),
        ({"primary_genre": "Techno", "energy": 5, "era": "nineties"}, "era"),
        ({"primary_genre": "Techno", "energy": 5, "era": 1931}, "era"),
    ],
)
def test_coerce_refuses_what_cannot_be_mapped(vocab, raw, message):
    with pytest.raises(InvalidProfile, match=message):
        coerce_profile(raw, vocab)


@pytest.mark.parametrize(("era", "expected"), [("1990s", "1990s"), ("90s", "1990s"), ("'00s", "2000s"), (2014, "2010s"),
                                               ("1987", "1980s"), ("2020s", "2020s"), (None, None), ("", None),
                                               ("unknown", None)])
def test_coerce_era_forms(vocab, era, expected):
    assert coerce_profile({"primary_genre": "Pop", "energy": 5, "era": era}, vocab).era == expected


def test_coerce_keeps_valid_sources_of_the_dict_and_fills_the_rest(vocab):
    raw = GOOD.to_dict()
    raw["sources"] = {**raw["sources"], "bogus": "x", "era": "nonsense"}
    profile = coerce_profile(raw, vocab, source=SOURCE_USER)
    assert profile.sources["energy"] == "mixed-in-key"
    assert profile.sources["era"] == SOURCE_USER
    assert "bogus" not in profile.sources
    # without a source, nothing is invented
    assert "situations" not in coerce_profile(raw, vocab).sources
    with pytest.raises(InvalidProfile, match="source"):
        coerce_profile(raw, vocab, source="a hunch")
    assert coerce_profile(raw, vocab, source=SOURCE_LLM).sources["situations"] == SOURCE_LLM


def test_round_trip_through_json_stays_valid(vocab):
    again = coerce_profile(TagProfile.from_json(GOOD.to_json()).to_dict(), vocab)
    assert again.to_dict() == GOOD.to_dict()
