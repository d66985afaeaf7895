"""Files other tools rewrote are read and written without losing anything (or refused)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from taggenius_desktop.library import LibraryError, read_library, write_library
from taggenius_desktop.library.reader import _read_tree
from tests.conftest import robustness_params
from tests.support.libraries import assert_counts_right, snapshot, without_counts

# Refused on purpose, with the reason the message must give.
REFUSED = {
    # three different files (aif/m4a/mp3) share TrackID 112013117: a tag or playlist entry
    # for that ID could not be put on the right track
    "brian978__dj-sync-tool__rekordbox.xml": "TrackID 112013117 is used by more than one track",
}


@pytest.mark.parametrize("path", robustness_params())
def test_robustness_file_is_kept_whole_or_refused_clearly(path: Path, tmp_path: Path) -> None:
    if path.name in REFUSED:
        with pytest.raises(LibraryError) as caught:
            read_library(path)
        assert str(caught.value).startswith(path.name + ": ")
        assert REFUSED[path.name] in str(caught.value)
        assert "\n" not in str(caught.value)
        return
    lib = read_library(path)
    before = snapshot(lib)
    out = tmp_path / "out.xml"
    write_library(lib, out)
    written = out.read_bytes()
    etree.fromstring(written)  # valid XML
    assert_counts_right(written)
    reread = read_library(out)
    assert without_counts(snapshot(reread)) == without_counts(before)
    assert snapshot(_read_tree(out, written)) == snapshot(reread)


@pytest.mark.parametrize("path", robustness_params())
def test_robustness_file_can_be_tagged(path: Path, tmp_path: Path) -> None:
    if path.name in REFUSED:
        pytest.skip("refused on purpose")
    lib = read_library(path)
    before = snapshot(lib)
    tagged = {track.track_id: {"Genre": "Techno & Tech House", "Colour": "0x25FDE9"} for track in lib.tracks[::3]}
    for track_id, change in tagged.items():
        lib.set_track_attributes(track_id, change)
    out = tmp_path / "tagged.xml"
    write_library(lib, out)
    reread = read_library(out)
    before_attrs = {track_id: attrs for track_id, attrs, _ in before["tracks"]}
    assert [track.track_id for track in reread.tracks] == list(before_attrs)
    for track in reread.tracks:
        expected = dict(before_attrs[track.track_id])
        expected.update(tagged.get(track.track_id, {}))
        assert track.attrs == expected
    after = snapshot(reread)
    assert [t[2] for t in after["tracks"]] == [t[2] for t in before["tracks"]]  # children kept
    assert without_counts(after)["playlists"] == without_counts(before)["playlists"]
    assert_counts_right(out.read_bytes())


def test_wrong_counts_are_fixed(fixtures_dir: Path, tmp_path: Path) -> None:
    cases = {
        "andreapavoni__rb_xml__rekordbox_2.xml": (b'<COLLECTION Entries="7">', b'<COLLECTION Entries="9">'),
        "ed359__listmusik__rb.xml": (b'<COLLECTION Entries="16">', b'<COLLECTION Entries="17">'),
        "stefanocorrea__t2rb__test.xml": (b'<COLLECTION Entries="11">', b'<COLLECTION Entries="1">'),
        "a-rich__DJ-Tools__rekordbox.xml": (b"<COLLECTION>", b'<COLLECTION Entries="4">'),
        "25ohms__EDM-CUE_testing__test1-dec24-25.xml": (b'Name="ROOT" Count="56"', b'Name="ROOT" Count="1"'),
    }
    for name, (wrong, right) in cases.items():
        source = fixtures_dir / "robustness" / name
        data = source.read_bytes()
        assert wrong in data
        out = tmp_path / name
        write_library(read_library(source), out)
        written = out.read_bytes()
        assert right in written and wrong not in written
        if "COLLECTION Entries=" in wrong.decode():
            # only the count changed: everything else is the input's bytes
            assert written == data.replace(wrong, right)


def test_tree_reader_takes_over_for_unusual_shapes(tmp_path: Path) -> None:
    """Text between TRACKs cannot be spliced around: the exact tree reader is used."""
    body = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<DJ_PLAYLISTS Version="1.0.0">\n'
        b'  <COLLECTION Entries="2">stray text<TRACK TrackID="1" Name="a"/>\n'
        b'    <TRACK TrackID="2" Name="b"><TEMPO Inizio="0" Bpm="120" Metro="4/4" Battito="1"/></TRACK>\n'
        b"  </COLLECTION>\n</DJ_PLAYLISTS>\n"
    )
    source = tmp_path / "odd.xml"
    source.write_bytes(body)
    lib = read_library(source)
    assert lib._source is None  # read as a tree
    assert [t.track_id for t in lib.tracks] == ["1", "2"]
    assert lib.track_by_id("2").tempos == [{"Inizio": "0", "Bpm": "120", "Metro": "4/4", "Battito": "1"}]
    lib.set_track_attributes("1", {"Genre": "House"})
    write_library(lib, tmp_path / "out.xml")
    reread = read_library(tmp_path / "out.xml")
    assert reread._source is not None  # our output is plain rekordbox layout again
    assert reread.track_by_id("1").attrs == {"TrackID": "1", "Name": "a", "Genre": "House"}
    assert reread.track_by_id("2").tempos == lib.track_by_id("2").tempos
