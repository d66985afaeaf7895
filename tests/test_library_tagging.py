"""Changing TRACK attributes changes those start tags and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from taggenius_desktop.library import read_library, write_library
from tests.conftest import pristine_params
from tests.support.libraries import library_xml, lxml_tracks, track_attrs, write_file

COLOURS = ["0xFF0000", "0x25FDE9", "0x660099"]


def _tag_some_tracks(lib, step: int = 7, limit: int = 60) -> dict[str, dict[str, str]]:
    changes: dict[str, dict[str, str]] = {}
    for number, track in enumerate(lib.tracks[::step][:limit]):
        change = {
            "Genre": ["Techno", "Drum & Bass", "Ström <Deep> House"][number % 3],
            "Comments": f"/* E{number % 10 + 1} \"Peak\" Time; it's 8A - Energy 6 */",
            "Colour": COLOURS[number % 3],
        }
        lib.set_track_attributes(track.track_id, change)
        changes[track.track_id] = change
    return changes


def _start_tag_end(data: bytes, start: int) -> int:
    """End of the start tag at ``start`` (quote-aware)."""
    position, quote = start, None
    while True:
        char = data[position : position + 1]
        if quote:
            if char == quote:
                quote = None
        elif char in (b'"', b"'"):
            quote = char
        elif char == b">":
            return position + 1
        position += 1


@pytest.mark.parametrize("export", pristine_params())
def test_tagging_changes_only_the_changed_track_start_tags(export: Path, tmp_path: Path) -> None:
    data = export.read_bytes()
    lib = read_library(export)
    original = {track.track_id: track.attrs for track in lib.tracks}
    spans = {track.track_id: track._span for track in lib.tracks}
    changes = _tag_some_tracks(lib)
    out_path = tmp_path / "tagged.xml"
    write_library(lib, out_path)
    out = out_path.read_bytes()

    # Walk input and output together: equal outside the changed start tags.
    position_in = position_out = 0
    for track_id in sorted(changes, key=lambda tid: spans[tid][0]):
        start, tag_end, _ = spans[track_id]
        gap = data[position_in:start]
        assert out[position_out : position_out + len(gap)] == gap
        new_start = position_out + len(gap)
        new_end = _start_tag_end(out, new_start)
        new_tag = out[new_start:new_end]
        parsed = etree.fromstring(new_tag if new_tag.endswith(b"/>") else new_tag[:-1] + b"/>")
        expected = dict(original[track_id])
        expected.update(changes[track_id])
        assert list(parsed.attrib.items()) == list(expected.items())  # order kept, new names last
        position_in, position_out = tag_end, new_end
    assert out[position_out:] == data[position_in:]

    # And the result reads back with exactly those values, children untouched.
    before, after = lxml_tracks(data), lxml_tracks(out)
    assert [children for _, children in before] == [children for _, children in after]
    reread = read_library(out_path)
    for track in reread.tracks:
        expected = dict(original[track.track_id])
        expected.update(changes.get(track.track_id, {}))
        assert track.attrs == expected


def test_new_attribute_goes_after_mix_and_wraps_like_rekordbox(tmp_path: Path) -> None:
    source = write_file(tmp_path / "in.xml", library_xml([track_attrs("1"), track_attrs("2")], newline="\n"))
    lib = read_library(source)
    lib.set_track_attributes("1", {"Colour": "0xFF007F", "Genre": "Deep House"})
    assert list(lib.track_by_id("1").attrs)[-2:] == ["Mix", "Colour"]
    write_library(lib, tmp_path / "out.xml")
    out = (tmp_path / "out.xml").read_bytes()
    # the same library written from scratch with those values is byte-identical
    expected_attrs = track_attrs("1", Genre="Deep House")
    expected_attrs["Colour"] = "0xFF007F"
    assert out == library_xml([expected_attrs, track_attrs("2")], newline="\n")


def test_setting_the_current_value_leaves_the_file_identical(tmp_path: Path) -> None:
    source = write_file(tmp_path / "in.xml", library_xml([track_attrs("1", Genre="House & Garage")]))
    lib = read_library(source)
    lib.set_track_attributes("1", {"Genre": "House & Garage"})
    write_library(lib, tmp_path / "out.xml")
    assert (tmp_path / "out.xml").read_bytes() == source.read_bytes()


def test_track_accessors(tmp_path: Path) -> None:
    source = write_file(tmp_path / "in.xml", library_xml([track_attrs("7", Genre="Techno")]))
    lib = read_library(source)
    track = lib.track_by_id("7")
    attrs = track.attrs
    attrs["Genre"] = "edited copy"  # a copy: editing it changes nothing
    assert track.attrs["Genre"] == "Techno"
    lib.set_track_attributes("7", {"Genre": "House"})
    assert track.get("Genre") == "House"
    assert track.original_attrs()["Genre"] == "Techno"
    assert track.changes == {"Genre": "House"}
    assert track.tempos == [{"Inizio": "0.025", "Bpm": "128.00", "Metro": "4/4", "Battito": "1"}]
    assert track.marks == []
    with pytest.raises(KeyError):
        lib.track_by_id("nope")


@pytest.mark.parametrize(
    "changes",
    [{"TrackID": "9"}, {"Genre": "bad\x01char"}, {"Genre": "lone \udc80 surrogate"}, {"bad name": "x"}, {"Genre": 5}],
)
def test_set_track_attributes_refuses_what_cannot_be_written(tmp_path: Path, changes) -> None:
    lib = read_library(write_file(tmp_path / "in.xml", library_xml([track_attrs("1")])))
    with pytest.raises(ValueError):
        lib.set_track_attributes("1", changes)
    assert lib.track_by_id("1").changes == {}


def test_location_to_path_never_parses_a_url() -> None:
    from taggenius_desktop.library import location_to_path

    assert location_to_path("file://localhost/C:/Music/a%20b.mp3") == "C:/Music/a b.mp3"
    assert location_to_path("file://localhost/Users/dj/Name%20with%20#%20and%20?.mp3") == "/Users/dj/Name with # and ?.mp3"
    assert location_to_path("file://localhost/Users/dj/Caf%c3%a9.mp3") == "/Users/dj/Café.mp3"
    assert location_to_path("tests/fixtures/relative%20path.aif") == "tests/fixtures/relative path.aif"
