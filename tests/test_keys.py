"""Musical keys: every notation rekordbox exports, read into one Key and rendered back."""

from __future__ import annotations

from collections import Counter

import pytest
from lxml import etree

from taggenius_desktop.vocabulary.keys import CLASSIC_NAMES, Key, parse_key
from tests.conftest import PRISTINE_EXPORTS, ROBUSTNESS_FILES, pristine_params

ALL_KEYS = [Key(tonic, minor) for tonic in range(12) for minor in (False, True)]


@pytest.mark.parametrize(
    ("text", "classic", "camelot", "open_key"),
    [
        ("Am", "Am", "8A", "1m"),
        ("A minor", "Am", "8A", "1m"),
        ("Amin", "Am", "8A", "1m"),
        ("Emin", "Em", "9A", "2m"),
        ("G#m", "Abm", "1A", "6m"),
        ("Abm", "Abm", "1A", "6m"),
        ("F#", "F#", "2B", "7d"),
        ("Db", "Db", "3B", "8d"),
        ("C", "C", "8B", "1d"),
        ("8A", "Am", "8A", "1m"),
        ("08A", "Am", "8A", "1m"),
        ("8B", "C", "8B", "1d"),
        ("12B", "E", "12B", "5d"),
        ("1m", "Am", "8A", "1m"),
        ("12d", "F", "7B", "12d"),
        ("A#min", "Bbm", "3A", "8m"),
        ("Bbm", "Bbm", "3A", "8m"),
        ("bm", "Bm", "10A", "3m"),
        ("Gmaj", "G", "9B", "2d"),
        ("E major", "E", "12B", "5d"),
        ("C♯m", "Dbm", "12A", "5m"),
        (" Fm ", "Fm", "4A", "9m"),
    ],
)
def test_notations_read_into_one_key(text, classic, camelot, open_key):
    key = parse_key(text)
    assert key is not None
    assert (key.classic, key.camelot, key.open_key) == (classic, camelot, open_key)
    assert key.is_minor == classic.endswith("m")


@pytest.mark.parametrize("text", ["", None, "8A - Energy 6", "Energy 6", "13A", "0B", "8C", "H", "Unknown",
                                  "Am Em", "A minor major", "-", "1x"])
def test_what_is_not_a_key(text):
    assert parse_key(text) is None


def test_every_key_round_trips_through_every_notation():
    assert len(set(ALL_KEYS)) == 24
    camelots = {k.camelot for k in ALL_KEYS}
    open_keys = {k.open_key for k in ALL_KEYS}
    assert len(camelots) == len(open_keys) == 24
    for key in ALL_KEYS:
        for notation in ("classic", "camelot", "open_key"):
            assert parse_key(key.render(notation)) == key, (key, notation)


def test_camelot_neighbours_are_a_fifth_apart():
    # Moving one step round the wheel moves the tonic a fifth (7 semitones).
    for number in range(1, 13):
        here, there = Key.from_camelot(number, minor=False), Key.from_camelot(number % 12 + 1, minor=False)
        assert (there.tonic - here.tonic) % 12 == 7
        assert Key.from_camelot(number, minor=True).tonic == (here.tonic - 3) % 12  # relative minor


def test_render_refuses_an_unknown_notation():
    with pytest.raises(ValueError, match="notation"):
        Key(0, False).render("solfege")
    assert Key(9, True).render("Open Key") == "1m"
    assert str(Key(6, False)) == "F#" and CLASSIC_NAMES[1] == "Db"


@pytest.mark.parametrize("export", pristine_params()[:1])
def test_every_tonality_in_the_real_exports_parses(export):
    counts: Counter[str] = Counter()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    for path in [*PRISTINE_EXPORTS, *ROBUSTNESS_FILES]:
        for track in etree.parse(str(path), parser).iter("TRACK"):
            value = track.get("Tonality")
            if value:
                counts[value] += 1
    assert len(counts) > 50  # classic, Camelot, Open Key and text notations all occur
    unparsed = {value: n for value, n in counts.items() if parse_key(value) is None}
    assert unparsed == {}
