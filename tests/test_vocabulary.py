"""Loading the vocabulary: the lists, the version, and refusal of inconsistent data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from taggenius_desktop.paths import resource_path
from taggenius_desktop.vocabulary import Vocabulary, VocabularyError, load_vocabulary

SEED_PRIMARY = ["House", "Techno", "Drum & Bass", "Breaks", "Trance", "Ambient/Downtempo", "Funk/Soul/Disco",
                "Hip Hop / Rap", "R&B", "Reggae", "Jazz", "Blues", "Rock", "Pop", "Classical", "Latin",
                "Caribbean", "World", "Film/Theatrical"]
SEED_VIBES = ["Aggressive", "Calm", "Dark", "Driving", "Energetic", "Funky", "Happy", "Hypnotic", "Mellow",
              "Romantic", "Soulful", "Uplifting"]
SEED_SITUATIONS = ["Warmup", "Peak Hour", "Afterhours", "Closer", "Sunset", "Lounge", "Beach", "Pre-Party",
                   "Filler", "Handoff", "Outro", "After-afterhours"]
SEED_COMPONENTS = ["Vocal", "Instrumental", "Acapella", "Remix", "Intro", "Extended", "Edit", "Piano", "Keys",
                   "Guitar", "Strings", "Orchestral", "Saxophone", "Trumpet", "Wind", "Brass"]


def test_bundled_vocabulary_holds_the_seed_lists_and_the_dj_additions():
    vocab = load_vocabulary()
    assert isinstance(vocab, Vocabulary)
    assert set(SEED_PRIMARY) <= set(vocab.primary_genres)
    # homes for what real libraries hold
    for added in ("Bass / Dubstep", "UK Garage / UK Bass", "Electro", "Hard Dance", "African"):
        assert added in vocab.primary_genres
    assert len(vocab.primary_genres) <= 26, "keep the primary list compact"
    assert set(SEED_VIBES) <= set(vocab.vibes)
    assert set(SEED_SITUATIONS) == set(vocab.situations)
    assert set(SEED_COMPONENTS) <= set(vocab.components)
    assert vocab.eras == ("1950s", "1960s", "1970s", "1980s", "1990s", "2000s", "2010s", "2020s")
    assert (vocab.energy_min, vocab.energy_max) == (1, 10)
    assert "Dancehall" in vocab.genres and vocab.genres.primary_of("Dancehall") == "Caribbean"


def test_load_is_cached_and_versioned():
    first = load_vocabulary()
    assert load_vocabulary() is first
    assert len(first.version) == 12 and int(first.version, 16) >= 0


def _copy_resources(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("vocabulary.json", "genres.json"):
        shutil.copy(resource_path(name), folder / name)
    return folder


def _edit(folder: Path, name: str, change) -> None:
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_version_changes_when_data_changes(tmp_path):
    same = load_vocabulary(_copy_resources(tmp_path / "same"))
    assert same.version == load_vocabulary().version  # identical bytes, identical version
    edited = _copy_resources(tmp_path / "edited")
    _edit(edited, "genres.json", lambda d: d["genres"]["House"]["aliases"].append("house nation"))
    changed = load_vocabulary(edited)
    assert changed.version != same.version
    assert changed.genres.canonicalize("House Nation") == ["House"]


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        ("genres.json", lambda d: d["genres"]["Deep House"].update(parents=["Nowhere"]), "unknown parent"),
        ("genres.json", lambda d: d["genres"]["House"].update(parents=["Deep House"]), "must not have parents"),
        ("genres.json", lambda d: d["genres"]["Minimal"].update(parents=["Minimal Techno"]), "cycle"),
        ("genres.json", lambda d: d["genres"]["Techno"]["aliases"].append("deephouse"), "claimed by both"),
        ("genres.json", lambda d: d["genres"]["Techno"].update(vibes=["Spooky"]), "unknown vibe"),
        ("genres.json", lambda d: d["genres"]["Techno"].update(components=["Cowbell"]), "unknown component"),
        ("genres.json", lambda d: d["genres"]["Techno"].update(energy=11), "out of range"),
        ("genres.json", lambda d: d["genres"].pop("Blues"), "primary genres missing"),
        ("genres.json", lambda d: d["genres"].update({"Orphan": {"aliases": []}}), "no parent"),
        ("genres.json", lambda d: d["junk"].append("house"), "junk entries that are also aliases"),
        ("genres.json", lambda d: d["offline"].update(default_genre="Deep House"), "default_genre"),
        ("genres.json", lambda d: d["offline"]["situations_by_energy"].pop("7"), "no entry for 7"),
        ("vocabulary.json", lambda d: d["vibes"].append("Dark"), "twice"),
        ("vocabulary.json", lambda d: d["eras"].append("the nineties"), "decade"),
        ("vocabulary.json", lambda d: d["aliases"]["vibes"].update(spooky="Spooky"), "unknown"),
    ],
)
def test_inconsistent_data_is_refused_with_a_clear_message(tmp_path, file, change, message):
    folder = _copy_resources(tmp_path)
    _edit(folder, file, change)
    with pytest.raises(VocabularyError, match=message):
        load_vocabulary(folder)


def test_missing_or_broken_files_are_refused(tmp_path):
    with pytest.raises(VocabularyError, match="cannot read"):
        load_vocabulary(tmp_path)
    folder = _copy_resources(tmp_path)
    (folder / "genres.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(VocabularyError, match="not valid JSON"):
        load_vocabulary(folder)


@pytest.mark.parametrize(
    ("category", "text", "value"),
    [
        ("vibes", "dark", "Dark"),
        ("vibes", "EUPHORIA", "Euphoric"),
        ("vibes", "laid-back", "Mellow"),
        ("situations", "peak hour", "Peak Hour"),
        ("situations", "Peak-Hour", "Peak Hour"),
        ("situations", "warm up", "Warmup"),
        ("situations", "after hours", "Afterhours"),
        ("situations", "after-afterhours", "After-afterhours"),
        ("situations", "preparty", "Pre-Party"),
        ("components", "vocals", "Vocal"),
        ("components", "A Cappella", "Acapella"),
        ("components", "sax", "Saxophone"),
        ("components", "Synths", "Synth"),
        ("components", "bass heavy", "Bass-heavy"),
    ],
)
def test_lookup_forgives_case_spacing_aliases_and_plurals(category, text, value):
    assert load_vocabulary().lookup(category, text) == value


def test_lookup_refuses_what_is_not_on_the_list():
    vocab = load_vocabulary()
    assert vocab.lookup("vibes", "spooky") is None
    assert vocab.lookup("situations", "wedding") is None


@pytest.mark.parametrize(("year", "era"), [(1994, "1990s"), (2026, "2020s"), (1950, "1950s"), (2009, "2000s"),
                                           (0, None), (17, None), (1930, None), (3000, None)])
def test_era_of_year(year, era):
    assert load_vocabulary().era_of_year(year) == era
