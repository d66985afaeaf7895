"""The offline tagger: genre, energy, vibes, situations, components and era from metadata,
every value sourced and on the vocabulary."""

from __future__ import annotations

import dataclasses

import pytest
from lxml import etree

from taggenius_desktop.tagging.base import Tagger
from taggenius_desktop.tagging.offline import OfflineTagger, profile_for, tempo_step
from taggenius_desktop.vocabulary import load_vocabulary, validate_profile
from taggenius_desktop.vocabulary.profile import (
    SOURCE_ENERGY,
    SOURCE_GENRE_DEFAULT,
    SOURCE_GENRE_TAG,
    SOURCE_KEY,
    SOURCE_MIXED_IN_KEY,
    SOURCE_TEMPO,
    SOURCE_TITLE,
    SOURCE_YEAR,
    TrackInfo,
)
from tests.conftest import pristine_params, robustness_params


def track(**fields) -> TrackInfo:
    return TrackInfo(track_id=fields.pop("track_id", "1"), **fields)


def mid_bpm(genre: str) -> float:
    low, high = load_vocabulary().genres.attributes(genre).bpm
    return (low + high) / 2


@pytest.mark.parametrize(
    ("genre", "energy"),
    [("Ambient", 1), ("Deep House", 4), ("House", 5), ("Tech House", 6), ("Techno", 7), ("Drum & Bass", 8),
     ("Hard Techno", 9), ("Hardcore", 10)],
)
def test_energy_base_per_genre_at_its_usual_tempo(genre, energy):
    profile = profile_for(track(genre=genre, bpm=mid_bpm(genre)))
    assert profile.energy == energy
    assert profile.sources["energy"] == SOURCE_GENRE_DEFAULT


def test_tempo_moves_energy_within_the_genre_range():
    slow = profile_for(track(genre="House", bpm=118))
    fast = profile_for(track(genre="House", bpm=128))
    very_fast = profile_for(track(genre="House", bpm=140))
    assert slow.energy < 5 < fast.energy < very_fast.energy
    assert fast.sources["energy"] == SOURCE_TEMPO


def test_half_and_double_time_are_fixed_before_tempo_counts():
    assert tempo_step(88, 165, 178) == tempo_step(176, 165, 178) == 1
    assert tempo_step(70, 138, 145) == tempo_step(140, 138, 145) == 0
    assert tempo_step(250, 118, 128) == tempo_step(125, 118, 128)
    half = profile_for(track(genre="Drum & Bass", bpm=87))
    full = profile_for(track(genre="Drum & Bass", bpm=174))
    assert half.energy == full.energy


@pytest.mark.parametrize(
    ("title", "mix", "step"),
    [
        ("Gate (Peak Time Mix)", "", +1),
        ("Gate (Hard Mix)", "", +1),
        ("Gate", "Rave Mix", +1),
        ("Gate (Deep Mix)", "", -1),
        ("Gate (Dub)", "", -1),
        ("Gate [Chill Version]", "", -1),
        ("Gate (Acoustic)", "", -1),
        ("Gate (DJ Intro)", "", -1),
        ("Gate (Acapella)", "", -2),
        ("Gate (Original Mix)", "", 0),
        ("Hard Times", "", 0),  # title words outside the version part do not count
    ],
)
def test_title_and_mix_words_move_energy(title, mix, step):
    base = profile_for(track(genre="House", bpm=123)).energy
    profile = profile_for(track(genre="House", bpm=123, title=title, mix=mix))
    assert profile.energy == base + step
    if step:
        assert profile.sources["energy"] == SOURCE_TITLE


@pytest.mark.parametrize("comments", ["8A - Energy 6", "Energy 6", "1A - ENERGY 6 - great opener", "energy: 6"])
def test_mixed_in_key_energy_wins(comments):
    profile = profile_for(track(genre="Hardcore", bpm=190, title="X (Peak Time Mix)", comments=comments))
    assert profile.energy == 6
    assert profile.sources["energy"] == SOURCE_MIXED_IN_KEY


def test_mixed_in_key_in_grouping_and_its_key_prefix():
    assert profile_for(track(genre="House", grouping="Energy 9")).energy == 9
    # no Tonality: the key Mixed In Key wrote before "- Energy" nudges the vibes
    with_key = profile_for(track(genre="Pop", comments="8A - Energy 5"))
    assert with_key.sources["vibes"] == SOURCE_KEY
    assert "Happy" not in with_key.vibes  # A minor


def test_energy_words_in_comments_and_genre_hints():
    plain = profile_for(track(genre="Riddim", bpm=145)).energy
    assert profile_for(track(genre="Riddim", bpm=145, comments="Riddim - Low Energy")).energy == plain - 1
    assert profile_for(track(genre="house banger", bpm=123)).energy == 6
    assert profile_for(track(genre="freakenergy.ru", bpm=123)).sources["energy"] != SOURCE_MIXED_IN_KEY


def test_energy_stays_in_range():
    assert profile_for(track(genre="Hardcore", bpm=230, title="X (Hard Rave Mix)")).energy == 10
    assert profile_for(track(genre="Ambient", bpm=40, title="X (Acapella)")).energy == 1


def test_genre_tag_gives_primary_and_sub_genres():
    profile = profile_for(track(genre="Techno (Peak Time / Driving)", bpm=132))
    assert profile.primary_genre == "Techno"
    assert profile.sub_genres == ("Peak Time Techno",)
    assert profile.sources["primary_genre"] == profile.sources["sub_genres"] == SOURCE_GENRE_TAG
    assert profile_for(track(genre="Tech House")).primary_genre == "House"
    multi = profile_for(track(genre="Electronica, Deep House, Tech House, Minimal"))
    assert multi.primary_genre == "House" and multi.sub_genres == ("Deep House", "Tech House", "Minimal")


@pytest.mark.parametrize(
    ("genre", "title", "bpm", "primary", "source"),
    [
        ("", "Gate (Techno Mix)", 124, "Techno", SOURCE_TITLE),
        ("Other", "Gate (Dub Mix)", 174, "Drum & Bass", SOURCE_TEMPO),  # "Dub Mix" names no genre
        ("", "Gate", 140, "Bass / Dubstep", SOURCE_TEMPO),
        ("", "Gate", 145, "Trance", SOURCE_TEMPO),
        ("SharingDB.me", "Gate", 124, "House", SOURCE_TEMPO),
        ("Electronica", "Gate", 95, "Ambient/Downtempo", SOURCE_TEMPO),  # the bucket's home fits the tempo
        ("Electronic", "Gate", 174, "Drum & Bass", SOURCE_TEMPO),  # ... and yields when it does not
        ("Electronic", "Gate", 0, "House", SOURCE_GENRE_TAG),
        ("", "Gate", 0, "House", SOURCE_GENRE_DEFAULT),
    ],
)
def test_fallback_when_the_genre_field_names_no_genre(genre, title, bpm, primary, source):
    profile = profile_for(track(genre=genre, title=title, bpm=bpm))
    assert profile.primary_genre == primary
    assert profile.sources["primary_genre"] == source
    assert profile.sub_genres == ()


def test_folder_names_that_are_genres_serve_as_fallback():
    deep = profile_for(track(genre="", bpm=140, location="file://localhost/Users/dj/Music/Deep%20House/Artist/x.mp3"))
    assert (deep.primary_genre, deep.sub_genres) == ("House", ("Deep House",))
    assert deep.sources["primary_genre"] == "folder"
    assert validate_profile(deep, load_vocabulary()) is deep
    # artist and album folders are not genres, even when a genre word is in them
    punk = profile_for(track(genre="", bpm=124, location="file://localhost/Music/Daft%20Punk/House%20of%20Pain/x.mp3"))
    assert (punk.primary_genre, punk.sources["primary_genre"]) == ("House", SOURCE_TEMPO)
    # a real genre tag always wins over the folder
    tagged = profile_for(track(genre="Techno", location="file://localhost/Music/Deep%20House/x.mp3"))
    assert tagged.primary_genre == "Techno" and tagged.sources["primary_genre"] == SOURCE_GENRE_TAG


@pytest.mark.parametrize(
    ("title", "artist", "mix", "remixer", "expected"),
    [
        ("Gate feat. Nina", "", "", "", ("Vocal",)),
        ("Gate", "Ann ft. Bo", "", "", ("Vocal",)),
        ("Gate (Vocal Mix)", "", "", "", ("Vocal",)),
        ("Gate (Instrumental)", "", "", "", ("Instrumental",)),
        ("Gate feat. Nina (Instrumental)", "", "", "", ("Instrumental",)),
        ("Gate (Acapella)", "", "", "", ("Acapella",)),
        ("Gate (Dub Mix)", "", "", "", ("Dub",)),
        ("Gate (Dixon Remix)", "", "", "", ("Remix",)),
        ("Gate", "", "Dixon Mix", "", ("Remix",)),
        ("Gate", "", "", "Dixon", ("Remix",)),
        ("Gate (Radio Edit)", "", "", "", ("Edit",)),
        ("Gate (Extended Mix)", "", "", "", ("Extended",)),
        ("Gate (DJ Intro)", "", "", "", ("Intro",)),
        ("Piano Gate (Extended Sax Mix)", "", "", "", ("Extended", "Piano", "Saxophone")),
        ("Strings of Life", "", "", "", ("Strings",)),
        ("Gate (Original Mix)", "", "", "", ()),
    ],
)
def test_components_from_title_patterns(title, artist, mix, remixer, expected):
    profile = profile_for(track(genre="House", title=title, artist=artist, mix=mix, remixer=remixer))
    assert profile.components == expected
    if expected:
        assert profile.sources["components"] == SOURCE_TITLE


def test_components_fall_back_to_genre_defaults_without_contradiction():
    techno = profile_for(track(genre="Techno", title="Gate"))
    assert techno.components == ("Instrumental",) and techno.sources["components"] == SOURCE_GENRE_DEFAULT
    assert "Instrumental" not in profile_for(track(genre="Techno", title="Gate feat. Nina")).components
    assert "Vocal" not in profile_for(track(genre="Pop", title="Gate (Instrumental)")).components


def test_vibes_from_genre_nudged_by_key():
    no_key = profile_for(track(genre="Pop"))
    minor = profile_for(track(genre="Pop", key="Am"))
    major = profile_for(track(genre="Pop", key="C"))
    assert no_key.vibes[0] == "Happy" and no_key.sources["vibes"] == SOURCE_GENRE_DEFAULT
    assert "Happy" not in minor.vibes and "Melancholic" in minor.vibes
    assert minor.sources["vibes"] == SOURCE_KEY
    assert major.vibes[0] == "Happy"
    assert profile_for(track(genre="Techno", key="8A")).vibes == profile_for(track(genre="Techno", key="Am")).vibes
    hinted = profile_for(track(genre="house groovie", key="Am"))
    assert hinted.vibes[0] == "Groovy" and hinted.sources["vibes"] == SOURCE_GENRE_TAG


def test_situations_follow_energy():
    low = profile_for(track(genre="Ambient", bpm=80))
    peak = profile_for(track(genre="Hard Techno", bpm=150))
    assert low.situations[0] in ("After-afterhours", "Lounge")
    assert peak.situations[0] == "Peak Hour"
    assert peak.sources["situations"] == SOURCE_ENERGY
    assert "Sunset" in profile_for(track(genre="Balearic", bpm=110)).situations


@pytest.mark.parametrize(("year", "era"), [(1995, "1990s"), (2026, "2020s"), (0, None), (3000, None)])
def test_era_from_year(year, era):
    profile = profile_for(track(genre="House", year=year))
    assert profile.era == era
    assert ("era" in profile.sources) == (era is not None)
    if era:
        assert profile.sources["era"] == SOURCE_YEAR


def test_every_profile_is_full_and_valid():
    vocab = load_vocabulary()
    profile = profile_for(track(genre="Deep House", bpm=121, key="Fm", year=2014, title="Gate (Extended Mix)"))
    assert validate_profile(profile, vocab) is profile
    assert len(profile.vibes) == 3 and len(profile.situations) == 3 and profile.components
    assert set(profile.sources) == {"primary_genre", "sub_genres", "energy", "vibes", "situations",
                                    "components", "era"}


def test_identical_inputs_share_one_immutable_profile():
    first = profile_for(track(track_id="1", genre="House", bpm=123))
    second = profile_for(track(track_id="2", genre="House", bpm=123))
    assert first == second
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.energy = 9  # type: ignore[misc]


def test_tagger_interface():
    tagger = OfflineTagger()
    assert isinstance(tagger, Tagger)
    assert tagger.name == "offline" and tagger.uses_cache is False
    assert tagger.cache_key.startswith("offline:" + load_vocabulary().version)
    tracks = [track(track_id=str(i), genre="House", bpm=120 + i % 10) for i in range(5000)]
    batches: list[list] = []
    tagger.tag(tracks, batches.append, lambda: False)
    results = [r for batch in batches for r in batch]
    assert len(batches) > 1  # handed over in chunks
    assert [r.track_id for r in results] == [t.track_id for t in tracks]
    assert all(r.profile is not None and r.error is None for r in results)
    assert tagger.usage.requests == 0


def test_tagger_stops_between_chunks_when_cancelled():
    tracks = [track(track_id=str(i), genre="Techno") for i in range(10_000)]
    batches: list[list] = []
    tagger = OfflineTagger()
    tagger.tag(tracks, batches.append, lambda: len(batches) >= 1)
    assert len(batches) == 1 and 0 < len(batches[0]) < len(tracks)


def _tracks_of(path) -> list[TrackInfo]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.parse(str(path), parser).getroot()
    collection = root.find("COLLECTION")
    if collection is None:
        return []
    return [TrackInfo.from_attributes(element.attrib) for element in collection.iter("TRACK")]


@pytest.mark.parametrize("export", pristine_params() + robustness_params())
def test_every_real_track_gets_a_valid_profile(export):
    vocab = load_vocabulary()
    tracks = _tracks_of(export)
    results = []
    OfflineTagger().tag(tracks, results.extend, lambda: False)
    assert len(results) == len(tracks)
    for result in results:
        assert result.error is None, result.error
        if result.skipped is not None:  # test tones and the like: deliberately not tagged
            assert result.profile is None and result.skipped.startswith("not music")
            continue
        validate_profile(result.profile, vocab)
        assert result.profile.sources["primary_genre"] and result.profile.sources["energy"]


@pytest.mark.parametrize("bpm", [float("nan"), float("inf"), -120.0, 5000.0])
def test_absurd_tempos_count_as_unknown(bpm):
    assert profile_for(track(genre="", bpm=bpm)) == profile_for(track(genre="", bpm=0.0))
    assert profile_for(track(genre="House", bpm=bpm)).energy == 5


def test_random_metadata_always_gives_a_valid_profile():
    import random

    rng = random.Random(412)
    genres = ["", "House", "Other", "Techno (Peak Time / Driving)", "pop house future banger", "Electronic",
              "www.x.com", "Танцевальная музыка", "Dub, Acid, Deep House, Minimal Techno", "??", "R&B/Soul",
              "Riddim", "Hardcore", "Ambient", "Hip-Hop;Rap", "Jazz", "Electronica", "Balearic"]
    words = ["Gate", "(Extended Mix)", "(Dub)", "feat. X", "(Acapella)", "Piano", "[Radio Edit]", "(Dixon Remix)",
             "(Peak Time Mix)", "(Deep Mix)", "(Techno Mix)", "Strings", "(", ")", "[", "Ünïcödé"]
    keys = ["", "Am", "8A", "1m", "12d", "Gmaj", "x", "8A - Energy 6"]
    comments = ["", "8A - Energy 6", "Energy 10", "Riddim - High Energy", "energy", "Energy 11", "Energy 0"]
    vocab = load_vocabulary()
    for i in range(3000):
        info = track(
            track_id=str(i), genre=rng.choice(genres), title=" ".join(rng.choices(words, k=rng.randint(0, 4))),
            mix=rng.choice(["", "Original Mix", "Club Mix", "Sax Mix"]),
            bpm=rng.choice([0, 70, 87.5, 124, 140, 174, 300]),
            key=rng.choice(keys), comments=rng.choice(comments), year=rng.choice([0, 1962, 1999, 2024, 9999]),
            location=rng.choice(["", "file://localhost/Music/Deep%20House/a.mp3", "file://localhost/x.mp3"]),
        )
        profile = profile_for(info)
        assert validate_profile(profile, vocab) is profile
        assert 1 <= len(profile.vibes) and profile.situations
