from __future__ import annotations

import json
import pickle

import pytest

from taggenius_desktop.vocabulary.profile import Level
from taggenius_desktop.writeback import (
    COLOUR_PALETTE,
    DEFAULT_COLOUR_MAP,
    DEFAULT_RATING_MAP,
    RATING_VALUES,
    WriteMode,
    WriteOptions,
)


def test_defaults_never_overwrite_hand_set_values() -> None:
    options = WriteOptions()
    assert options.level is Level.RECOMMENDED
    assert options.genre is WriteMode.REPLACE
    assert options.comments is WriteMode.REPLACE
    assert options.colour is WriteMode.FILL_IF_EMPTY
    assert options.rating is WriteMode.FILL_IF_EMPTY
    assert options.grouping is WriteMode.KEEP
    assert options.protect_red is True


def test_default_maps_follow_the_documented_bands() -> None:
    names = {e: COLOUR_PALETTE[c] for e, c in DEFAULT_COLOUR_MAP.items()}
    assert names == {1: "Aqua", 2: "Aqua", 3: "Aqua", 4: "Green", 5: "Green", 6: "Yellow", 7: "Yellow",
                     8: "Orange", 9: "Pink", 10: "Pink"}
    stars = {e: RATING_VALUES.index(r) for e, r in DEFAULT_RATING_MAP.items()}
    assert stars == {1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 3, 7: 4, 8: 4, 9: 5, 10: 5}


def test_palette_is_rekordbox_s_eight_colours() -> None:
    assert set(COLOUR_PALETTE) == {"0xFF007F", "0xFF0000", "0xFFA500", "0xFFFF00", "0x00FF00", "0x25FDE9",
                                   "0x0000FF", "0x660099"}


def test_round_trip_through_json() -> None:
    colours = dict(DEFAULT_COLOUR_MAP) | {1: "0x0000FF", 2: "0x660099"}
    options = WriteOptions(level=Level.DETAILED, genre=WriteMode.FILL_IF_EMPTY, comments=WriteMode.KEEP,
                           colour=WriteMode.REPLACE, rating=WriteMode.KEEP, grouping=WriteMode.REPLACE,
                           protect_red=False, colour_map=colours)
    data = json.loads(json.dumps(options.to_dict()))
    assert data["colour_map"]["1"] == "0x0000FF"
    again = WriteOptions.from_dict(data)
    assert again == options
    assert hash(again) == hash(options)
    assert again.colour_map[2] == "0x660099"


def test_strings_are_accepted_and_normalised() -> None:
    options = WriteOptions.from_dict({"level": "essential", "colour": "replace",
                                      "colour_map": {str(e): c.lower() for e, c in DEFAULT_COLOUR_MAP.items()}})
    assert options.level is Level.ESSENTIAL
    assert options.colour is WriteMode.REPLACE
    assert options.colour_map == DEFAULT_COLOUR_MAP  # canonical upper-case hex
    assert WriteOptions.from_dict({}) == WriteOptions()


def test_pickles_for_worker_processes() -> None:
    options = WriteOptions(grouping="replace", rating_map=dict(DEFAULT_RATING_MAP) | {10: 204})
    assert pickle.loads(pickle.dumps(options)) == options


def test_maps_are_read_only() -> None:
    with pytest.raises(TypeError):
        WriteOptions().colour_map[8] = "0x0000FF"  # type: ignore[index]


@pytest.mark.parametrize(
    "data",
    [
        {"genre": "overwrite"},
        {"level": "maximal"},
        {"genrre": "replace"},
        {"protect_red": "yes"},
        {"colour_map": dict(DEFAULT_COLOUR_MAP) | {9: "0xFF00FF"}},  # web hex: not shown by rekordbox
        {"colour_map": dict(DEFAULT_COLOUR_MAP) | {9: "0xFF0000"}},  # Red is the DJ's mark
        {"colour_map": {e: c for e, c in DEFAULT_COLOUR_MAP.items() if e != 5}},
        {"colour_map": dict(DEFAULT_COLOUR_MAP) | {11: "0xFF007F"}},
        {"rating_map": dict(DEFAULT_RATING_MAP) | {1: 0}},
        {"rating_map": dict(DEFAULT_RATING_MAP) | {1: 50}},
        {"rating_map": dict(DEFAULT_RATING_MAP) | {1: True}},
        {"rating_map": {e: r for e, r in DEFAULT_RATING_MAP.items() if e != 10}},
        {"rating_map": ["51"]},
    ],
)
def test_invalid_options_are_refused(data: dict) -> None:
    with pytest.raises(ValueError):
        WriteOptions.from_dict(data)
