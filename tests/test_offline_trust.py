"""The offline tagger's known mistakes, each rebuilt from its pattern, and the source and
confidence every value now carries."""

from __future__ import annotations

import pytest

from taggenius_desktop.tagging.offline import (
    SKIP_NO_EVIDENCE,
    SKIP_TOO_SHORT,
    OfflineTagger,
    profile_for,
)
from taggenius_desktop.vocabulary import load_vocabulary, validate_profile
from taggenius_desktop.vocabulary.profile import (
    SOURCE_ALBUM_LABEL,
    SOURCE_COMMENTS,
    SOURCE_FOLDER,
    SOURCE_GENRE_TAG,
    SOURCE_GROUPING,
    SOURCE_MIXED_IN_KEY,
    SOURCE_TEMPO,
    SOURCE_TITLE,
    TrackInfo,
)

CATEGORIES = ("primary_genre", "sub_genres", "energy", "vibes", "situations", "components", "era")


def track(**fields) -> TrackInfo:
    fields.setdefault("duration_s", 300)
    return TrackInfo(track_id=fields.pop("track_id", "1"), **fields)


def tag_all(tracks):
    results = []
    OfflineTagger().tag(tracks, results.extend, lambda: False)
    return {r.track_id: r for r in results}


# -- source and confidence on every value ------------------------------------------------


def test_every_value_has_a_source_and_a_confidence():
    profile = profile_for(track(genre="Deep House", bpm=122.0, year=2014, title="Gate (Vocal Mix)", key="Am"))
    filled = [c for c in CATEGORIES if getattr(profile, c) not in (None, ())]
    assert set(filled) == set(profile.sources) == set(profile.confidence)
    assert profile.confidence["primary_genre"] == "high"  # the DJ's own genre string
    assert profile.confidence["energy"] == "medium"  # from the genre's usual energy and the tempo
    assert profile.confidence["components"] == "high"  # "Vocal Mix" says so
    assert profile.confidence["era"] == "high"
    validate_profile(profile, load_vocabulary())


def test_mixed_in_key_energy_is_high_confidence():
    profile = profile_for(track(genre="Techno", bpm=130.0, comments="8A - Energy 7"))
    assert (profile.energy, profile.sources["energy"], profile.confidence["energy"]) == (7, SOURCE_MIXED_IN_KEY, "high")


def test_genre_from_tempo_alone_is_a_guess_and_so_is_everything_derived_from_it():
    profile = profile_for(track(genre="", bpm=126.0))
    assert profile.sources["primary_genre"] == SOURCE_TEMPO
    assert profile.confidence["primary_genre"] == "guess"
    assert profile.confidence["energy"] == "guess"
    assert profile.confidence["vibes"] == "guess"


@pytest.mark.parametrize("junk", ["Other", "no genre", "SharingDB.me", "www.DJLIST.org", "fos", "Unknown", ""])
def test_junk_genres_never_become_a_genre_from_tempo_alone(junk):
    profile = profile_for(track(genre=junk, bpm=128.0, title="Some Track"))
    assert profile.confidence["primary_genre"] == "guess"


def test_a_vague_bucket_is_low_not_a_guess():
    profile = profile_for(track(genre="Electronic", bpm=124.0))
    assert profile.primary_genre == "House"
    assert profile.confidence["primary_genre"] == "low"


# -- folders -----------------------------------------------------------------------------


@pytest.mark.parametrize("folder", ["Beats", "Music", "NEW_SET", "Downloads", "2019-03-01", "90s", "2010s", "Club"])
def test_generic_folder_names_are_not_genres(folder):
    location = f"file://localhost/Users/dj/{folder}/Artist%20-%20Track.mp3"
    profile = profile_for(track(genre="", bpm=124.0, location=location))
    assert profile.sources["primary_genre"] != SOURCE_FOLDER
    assert profile.confidence["primary_genre"] == "guess"


def test_a_house_folder_of_beats_is_not_hip_hop():
    # 229 house tracks at 121-128 BPM in a folder "Beats" became Hip Hop, energy 2, Aqua.
    for bpm in (121.0, 124.0, 128.0):
        profile = profile_for(track(genre="", bpm=bpm, location="file://localhost/Music/Beats/x.mp3"))
        assert profile.primary_genre != "Hip Hop / Rap"


def test_a_folder_named_after_a_genre_counts_with_medium_confidence():
    profile = profile_for(track(genre="", bpm=124.0, location="file://localhost/Music/Deep%20House/Artist/x.mp3"))
    assert (profile.primary_genre, profile.sources["primary_genre"]) == ("House", SOURCE_FOLDER)
    assert "Deep House" in profile.sub_genres
    assert profile.confidence["primary_genre"] == "medium"


# -- titles ------------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["Only Girl (In The World)", "Song (feat. World Choir)", "Rock (Me Baby)",
                                   "Love (Latin Lovers)"])
def test_title_parentheses_that_are_not_versions_name_no_genre(title):
    profile = profile_for(track(genre="", bpm=124.0, title=title))
    assert profile.sources["primary_genre"] != SOURCE_TITLE
    assert profile.confidence["primary_genre"] == "guess"


@pytest.mark.parametrize("title, primary", [("Gate (Techno Mix)", "Techno"), ("Gate [Deep House Edit]", "House"),
                                            ("Gate (Drum & Bass Remix)", "Drum & Bass")])
def test_version_parts_still_name_genres(title, primary):
    profile = profile_for(track(genre="", bpm=120.0, title=title))
    assert (profile.primary_genre, profile.sources["primary_genre"]) == (primary, SOURCE_TITLE)


def test_mix_field_naming_a_genre_counts():
    profile = profile_for(track(genre="", bpm=120.0, title="Gate", mix="Techno Mix"))
    assert profile.primary_genre == "Techno"


# -- genre strings ---------------------------------------------------------------------


@pytest.mark.parametrize("genre, primary", [("pop house", "House"), ("pop house future", "House"),
                                            ("pop trap", "Hip Hop / Rap"), ("pop future house", "House"),
                                            ("pop house radio", "House")])
def test_compound_genres_resolve_to_their_head(genre, primary):
    assert profile_for(track(genre=genre, bpm=124.0)).primary_genre == primary


@pytest.mark.parametrize("genre, primary", [("house pop", "House"), ("future house pop", "House"),
                                            ("deep house pop", "House"), ("pop dancehall", "Caribbean")])
def test_pop_is_a_modifier_in_any_position(genre, primary):
    assert profile_for(track(genre=genre, bpm=124.0)).primary_genre == primary


def test_coordinated_genres_are_not_a_compound():
    assert profile_for(track(genre="R&B & Hip-Hop", bpm=95.0)).primary_genre == "R&B"


@pytest.mark.parametrize("genre", ["Dub/Tech House/Minimal", "Dub / Tech House / Minimal", "Dub, Tech House, Minimal"])
def test_ties_go_to_the_family_with_most_support(genre):
    profile = profile_for(track(genre=genre, bpm=124.0))
    assert profile.primary_genre in ("House", "Techno")
    assert profile.primary_genre != "Reggae"


# -- Comments and Grouping ---------------------------------------------------------------


@pytest.mark.parametrize("bpm", [145.0, 73.0, 150.0, 140.0])
def test_genre_words_in_comments_are_evidence(bpm):
    # Riddim tracks with no Genre whose genre the DJ wrote in Comments were tagged from tempo.
    profile = profile_for(track(genre="", bpm=bpm, comments="Riddim - Bangers"))
    assert profile.primary_genre == "Bass / Dubstep"
    assert "Riddim" in profile.sub_genres
    assert (profile.sources["primary_genre"], profile.confidence["primary_genre"]) == (SOURCE_COMMENTS, "medium")


def test_genre_words_in_grouping_are_evidence():
    profile = profile_for(track(genre="Other", bpm=174.0, grouping="Liquid Drum & Bass"))
    assert (profile.primary_genre, profile.sources["primary_genre"]) == ("Drum & Bass", SOURCE_GROUPING)


def test_our_own_block_and_mixed_in_key_in_comments_are_not_genre_evidence():
    comments = "8A - Energy 6 /* E: 03 / Sit: Lounge / Vibe: Mellow */"
    profile = profile_for(track(genre="", bpm=124.0, comments=comments))
    assert profile.sources["primary_genre"] not in (SOURCE_COMMENTS, SOURCE_GROUPING)


def test_links_in_comments_name_no_genre():
    profile = profile_for(track(genre="", bpm=124.0, comments="-> vk.com/world_club_music https://x.ru/techno"))
    assert profile.sources["primary_genre"] == SOURCE_TEMPO


def test_album_or_label_genre_words_are_low_confidence_evidence():
    profile = profile_for(track(genre="", bpm=170.0, album="Drum & Bass Arena 2014"))
    assert (profile.primary_genre, profile.sources["primary_genre"]) == ("Drum & Bass", SOURCE_ALBUM_LABEL)
    assert profile.confidence["primary_genre"] == "low"


def test_the_dj_genre_string_beats_comments():
    profile = profile_for(track(genre="Techno", bpm=130.0, comments="Riddim"))
    assert (profile.primary_genre, profile.sources["primary_genre"]) == ("Techno", SOURCE_GENRE_TAG)


# -- not music ---------------------------------------------------------------------------


def test_test_tones_and_short_samples_are_skipped_and_say_why():
    results = tag_all([
        track(track_id="noise", title="NOISE", genre="", bpm=0.0, duration_s=5),
        track(track_id="sine", title="SINEWAVE", genre="", bpm=0.0, duration_s=0),
        track(track_id="short", title="Intro Stab", genre="House", bpm=124.0, duration_s=12),
        track(track_id="music", title="Real Track", genre="House", bpm=124.0, duration_s=300),
        track(track_id="nobpm", title="Real Track (Techno Mix)", genre="", bpm=0.0, duration_s=300),
    ])
    assert results["noise"].skipped == SKIP_TOO_SHORT and results["noise"].profile is None
    assert results["sine"].skipped == SKIP_NO_EVIDENCE and results["sine"].profile is None
    assert results["short"].skipped == SKIP_TOO_SHORT
    assert results["music"].profile is not None and results["music"].skipped is None
    # no tempo, but the title names a genre: music, tagged from that evidence
    assert results["nobpm"].profile is not None and results["nobpm"].profile.primary_genre == "Techno"


def test_no_tempo_but_a_genre_is_music():
    results = tag_all([track(track_id="a", genre="House", bpm=0.0, duration_s=0)])
    assert results["a"].profile is not None
