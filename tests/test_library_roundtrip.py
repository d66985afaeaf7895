"""Untouched exports come back byte for byte, through the splice writer and the serializer."""

from __future__ import annotations

from pathlib import Path

import pytest

from taggenius_desktop.library import read_library, render_library, write_library
from taggenius_desktop.library.reader import _read_tree
from taggenius_desktop.library.scan import line_prefix
from taggenius_desktop.library.tags import rewrite_tag
from tests.conftest import pristine_params, robustness_params
from tests.support.libraries import library_xml, lxml_tracks, snapshot, track_attrs, write_file


@pytest.mark.parametrize("export", pristine_params())
def test_untouched_export_is_written_back_byte_for_byte(export: Path, tmp_path: Path) -> None:
    lib = read_library(export)
    out = tmp_path / "out.xml"
    write_library(lib, out)
    assert out.read_bytes() == export.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["out.xml"]  # no temp file left behind


@pytest.mark.parametrize("export", pristine_params())
def test_serializer_alone_reproduces_the_export(export: Path) -> None:
    """No byte copied from the input: the rekordbox layout rules give the same file."""
    data = export.read_bytes()
    assert render_library(read_library(export), reuse_input=False) == data
    assert render_library(_read_tree(export, data), reuse_input=False) == data


@pytest.mark.parametrize("export", pristine_params())
def test_relaying_out_every_track_start_tag_gives_the_same_bytes(export: Path) -> None:
    """The fast start-tag writer used for changed tracks wraps exactly like rekordbox."""
    lib = read_library(export)
    data = lib._source.data
    newline = lib._source.newline
    for track in lib.tracks:
        start, tag_end, _ = track._span
        tag = data[start:tag_end]
        assert rewrite_tag(tag, {}, line_prefix(data, start), newline, force=True) == tag


@pytest.mark.parametrize("export", pristine_params() + robustness_params())
def test_fast_reader_agrees_with_lxml_and_with_the_tree_reader(export: Path) -> None:
    data = export.read_bytes()
    try:
        lib = read_library(export)
    except Exception as exc:  # a refused robustness file is covered by its own test
        pytest.skip(f"refused: {exc}")
    expected = lxml_tracks(data)
    assert [track.track_id for track in lib.tracks] == [attrs["TrackID"] for attrs, _ in expected]
    for number, (track, (attrs, children)) in enumerate(zip(lib.tracks, expected, strict=True)):
        assert list(track.attrs.items()) == list(attrs.items())
        if number % 10 == 0:  # children are parsed on access: a sample keeps this test fast
            assert [(child.tag, child.attrs) for child in track.children] == children
            assert track.tempos == [a for tag, a in children if tag == "TEMPO"]
            assert track.marks == [a for tag, a in children if tag == "POSITION_MARK"]
    assert snapshot(lib) == snapshot(_read_tree(export, data))


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_generated_library_round_trips_and_keeps_its_newline_style(tmp_path: Path, newline: str) -> None:
    tracks = [track_attrs(str(n), Comments="8A - Energy 6" if n % 2 else "") for n in range(1, 30)]
    source = write_file(tmp_path / "in.xml", library_xml(tracks, [("All", [str(n) for n in range(1, 30)], 0)], newline))
    lib = read_library(source)
    write_library(lib, tmp_path / "same.xml")
    assert (tmp_path / "same.xml").read_bytes() == source.read_bytes()
    lib.set_track_attributes("3", {"Genre": "Techno", "Comments": "a much longer comment " * 4})
    write_library(lib, tmp_path / "tagged.xml")
    tagged = (tmp_path / "tagged.xml").read_bytes()
    if newline == "\n":
        assert b"\r" not in tagged
    else:
        assert tagged.count(b"\n") == tagged.count(b"\r\n")
    assert read_library(tmp_path / "tagged.xml").track_by_id("3").attrs["Genre"] == "Techno"


def test_values_with_references_and_raw_whitespace_are_read_like_lxml(tmp_path: Path) -> None:
    """Entities, character references and raw tabs/newlines (normalised by XML)."""
    body = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<DJ_PLAYLISTS Version="1.0.0">\n'
        b'  <COLLECTION Entries="3">\n'
        b'    <TRACK TrackID="1" Name="A &amp; B &quot;live&quot; &lt;edit&gt; &apos;x&apos;" Artist="&#233;&#x3A9;&#34;"/>\n'
        b'    <TRACK TrackID="2" Name="tab\there" Comments="line\r\nbreak&#10;kept"/>\n'
        b"    <TRACK TrackID='3' Name='single \"quoted\"' Genre=\"House\"/>\n"
        b"  </COLLECTION>\n</DJ_PLAYLISTS>\n"
    )
    source = write_file(tmp_path / "refs.xml", body)
    lib = read_library(source)
    for track, (attrs, _) in zip(lib.tracks, lxml_tracks(body), strict=True):
        assert track.attrs == attrs
    assert lib.track_by_id("1").attrs["Name"] == "A & B \"live\" <edit> 'x'"
    assert lib.track_by_id("2").attrs["Comments"] == "line break\nkept"
    write_library(lib, tmp_path / "out.xml")
    assert (tmp_path / "out.xml").read_bytes() == body


def test_comments_between_and_inside_tracks_are_kept(tmp_path: Path) -> None:
    tracks = [track_attrs(str(n)) for n in range(1, 4)]
    body = library_xml(tracks, [("P", ["1", "2"], 0)], "\n")
    body = body.replace(b"    </TRACK>\n", b"      <!-- </TRACK> <TRACK TrackID=\"99\"/> -->\n    </TRACK>\n", 1)
    body = body.replace(b"  </COLLECTION>", b"    <!-- <TRACK TrackID=\"98\"/> -->\n  </COLLECTION>")
    source = write_file(tmp_path / "comments.xml", body)
    lib = read_library(source)
    assert [track.track_id for track in lib.tracks] == ["1", "2", "3"]
    lib.set_track_attributes("2", {"Genre": "Techno"})
    write_library(lib, tmp_path / "out.xml")
    out = (tmp_path / "out.xml").read_bytes()
    assert out.count(b"<!--") == 2
    assert [attrs["Genre"] for attrs, _ in lxml_tracks(out)] == ["", "Techno", ""]
