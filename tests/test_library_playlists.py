"""The playlist tree: reading, add_playlist (the "split" feature) and subset."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from taggenius_desktop.library import PlaylistNode, read_library, write_library
from tests.conftest import pristine_params
from tests.support.libraries import (
    assert_counts_right,
    library_xml,
    lxml_tracks,
    snapshot,
    track_attrs,
    write_file,
)


def _lxml_playlists(data: bytes) -> list[tuple[list[str], str, list[str]]]:
    root = etree.fromstring(data)
    found = []

    def walk(node, path):
        for child in node.findall("NODE"):
            if child.get("Type") == "0":
                walk(child, path + [child.get("Name")])
            else:
                found.append((path, child.get("Name"), [t.get("Key") for t in child.findall("TRACK")]))

    for root_node in root.findall("PLAYLISTS/NODE"):
        walk(root_node, [])
    return found


@pytest.mark.parametrize("export", pristine_params())
def test_playlist_tree_matches_lxml(export: Path) -> None:
    lib = read_library(export)
    ours = [(path, node.name, node.track_keys) for path, node in lib.playlists.iter_playlists()]
    assert ours == _lxml_playlists(export.read_bytes())
    assert lib.playlists.name == "ROOT" and lib.playlists.is_folder
    for _, node in lib.playlists.iter_playlists():
        assert not node.is_folder
        ids = node.track_ids(lib)
        if node.key_type == 0:
            assert ids == [key for key in node.track_keys if key in lib._index]


def _small_library(tmp_path: Path) -> Path:
    tracks = [track_attrs(str(n)) for n in range(1, 9)]
    location_of = {str(n): track_attrs(str(n))["Location"] for n in range(1, 9)}
    playlists = [
        ("Warm up", ["1", "2", "3"], 0),
        ("Empty", [], 0),
        ("By file", [location_of["2"], location_of["7"], "file://localhost/gone.mp3"], 1),
    ]
    return write_file(tmp_path / "in.xml", library_xml(tracks, playlists))


def test_track_ids_resolves_location_keys(tmp_path: Path) -> None:
    lib = read_library(_small_library(tmp_path))
    by_name = {node.name: node for _, node in lib.playlists.iter_playlists()}
    assert by_name["By file"].key_type == 1
    assert by_name["By file"].track_ids(lib) == ["2", "7"]
    assert by_name["Warm up"].track_ids(lib) == ["1", "2", "3"]


def test_add_playlist_creates_folders_and_keeps_the_rest(tmp_path: Path) -> None:
    source = _small_library(tmp_path)
    data = source.read_bytes()
    lib = read_library(source)
    existing = [(path, node.name, list(node.track_keys)) for path, node in lib.playlists.iter_playlists()]
    techno = lib.add_playlist(["Tag Genius", "Genres"], "Techno", ["3", "1"])
    lib.add_playlist(["Tag Genius", "Genres"], "House", ["2"])
    again = lib.add_playlist(["Tag Genius", "Genres"], "Techno", ["4", "5", "6"])  # same name: replaced
    assert again is techno and techno.track_keys == ["4", "5", "6"]
    with pytest.raises(KeyError):
        lib.add_playlist(["Tag Genius"], "Bad", ["404"])
    out = tmp_path / "out.xml"
    write_library(lib, out)
    written = out.read_bytes()
    assert_counts_right(written)
    playlists = _lxml_playlists(written)
    assert playlists[: len(existing)] == existing
    assert playlists[len(existing) :] == [
        (["Tag Genius", "Genres"], "Techno", ["4", "5", "6"]),
        (["Tag Genius", "Genres"], "House", ["2"]),
    ]
    # the collection part of the file is untouched
    end = data.index(b"<PLAYLISTS>")
    assert written[:end] == data[:end]
    reread = read_library(out)
    folder = reread.playlists.find_child("Tag Genius", folder=True)
    assert folder is not None and folder.attrs["Type"] == "0"
    assert [n.name for n in folder.find_child("Genres", folder=True).children] == ["Techno", "House"]


def test_add_playlist_to_a_file_without_playlists(tmp_path: Path) -> None:
    source = write_file(tmp_path / "in.xml", library_xml([track_attrs("1"), track_attrs("2")], playlists=None))
    lib = read_library(source)
    assert lib.playlists.name == "ROOT" and lib.playlists.children == []
    assert list(lib.playlists.iter_playlists()) == []
    write_library(lib, tmp_path / "same.xml")
    assert (tmp_path / "same.xml").read_bytes() == source.read_bytes()  # nothing invented
    lib.add_playlist(["Tag Genius"], "Techno", ["2"])
    write_library(lib, tmp_path / "out.xml")
    written = (tmp_path / "out.xml").read_bytes()
    assert_counts_right(written)
    assert _lxml_playlists(written) == [(["Tag Genius"], "Techno", ["2"])]
    assert lxml_tracks(written) == lxml_tracks(source.read_bytes())


@pytest.mark.parametrize("export", pristine_params())
def test_add_playlist_on_a_real_export_changes_only_the_playlist_part(export: Path, tmp_path: Path) -> None:
    data = export.read_bytes()
    lib = read_library(export)
    ids = [track.track_id for track in lib.tracks[:5]]
    lib.add_playlist(["Tag Genius"], "Picked", ids)
    out = tmp_path / "out.xml"
    write_library(lib, out)
    written = out.read_bytes()
    assert_counts_right(written)
    before, after = _lxml_playlists(data), _lxml_playlists(written)
    assert after == before + [(["Tag Genius"], "Picked", ids)]
    root_start = data.index(b'Name="ROOT"')
    assert written[:root_start] == data[:root_start]
    tail = data[data.index(b"</PLAYLISTS>") :]
    assert written.endswith(tail)


def test_subset_keeps_order_playlists_and_counts(tmp_path: Path) -> None:
    lib = read_library(_small_library(tmp_path))
    lib.set_track_attributes("7", {"Genre": "Techno"})
    part = lib.subset(["7", "2", "5"])
    assert [t.track_id for t in part.tracks] == ["2", "5", "7"]  # collection order
    assert part.track_by_id("7").attrs["Genre"] == "Techno"
    by_name = {node.name: node for _, node in part.playlists.iter_playlists()}
    assert list(by_name) == ["Warm up", "Empty", "By file"]  # empty playlists kept
    assert by_name["Warm up"].track_keys == ["2"]
    assert by_name["By file"].track_ids(part) == ["2", "7"]
    part.set_track_attributes("2", {"Genre": "House"})
    assert lib.track_by_id("2").attrs["Genre"] == ""  # the subset does not write through
    out = tmp_path / "subset.xml"
    write_library(part, out)
    written = out.read_bytes()
    assert_counts_right(written)
    assert [attrs["TrackID"] for attrs, _ in lxml_tracks(written)] == ["2", "5", "7"]
    assert [attrs["Genre"] for attrs, _ in lxml_tracks(written)] == ["House", "", "Techno"]
    assert _lxml_playlists(written) == [
        ([], "Warm up", ["2"]),
        ([], "Empty", []),
        ([], "By file", [track_attrs("2")["Location"], track_attrs("7")["Location"]]),
    ]
    with pytest.raises(KeyError):
        lib.subset(["1", "404"])


@pytest.mark.parametrize("export", pristine_params())
def test_subset_of_a_real_export_round_trips(export: Path, tmp_path: Path) -> None:
    lib = read_library(export)
    keep = [track.track_id for track in lib.tracks[::2]]
    part = lib.subset(keep)
    out = tmp_path / "subset.xml"
    write_library(part, out)
    written = out.read_bytes()
    assert_counts_right(written)
    reread = read_library(out)
    assert snapshot(reread)["tracks"] == snapshot(part)["tracks"]
    assert len(list(reread.playlists.iter_playlists())) == len(list(lib.playlists.iter_playlists()))
    whole = lxml_tracks(export.read_bytes())
    assert lxml_tracks(written) == whole[::2]


def test_playlist_node_helpers() -> None:
    folder = PlaylistNode.folder("Sets")
    playlist = PlaylistNode.playlist("Friday", ["1", "2"])
    folder.children.append(playlist)
    assert folder.is_folder and not playlist.is_folder
    assert playlist.attrs == {"Name": "Friday", "Type": "1", "KeyType": "0", "Entries": "2"}
    assert list(folder.iter_playlists()) == [([], playlist)]
    assert folder.find_child("Friday", folder=False) is playlist
    assert folder._output_attrs() == {"Name": "Sets", "Type": "0", "Count": "1"}


def test_remove_top_level_folder_lets_split_run_again(tmp_path: Path) -> None:
    source = _small_library(tmp_path)
    lib = read_library(source)
    lib.add_playlist(["Tag Genius", "By Genre"], "Techno", ["1", "2"])
    write_library(lib, tmp_path / "first.xml")
    again = read_library(tmp_path / "first.xml")
    assert again.remove_top_level_folder("Tag Genius") == 1
    assert again.remove_top_level_folder("Tag Genius") == 0
    again.add_playlist(["Tag Genius", "By Genre"], "House", ["3"])
    write_library(again, tmp_path / "second.xml")
    written = (tmp_path / "second.xml").read_bytes()
    assert_counts_right(written)
    assert _lxml_playlists(written) == _lxml_playlists(source.read_bytes()) + [(["Tag Genius", "By Genre"], "House", ["3"])]
    # removing it again gives back the original file exactly
    third = read_library(tmp_path / "second.xml")
    third.remove_top_level_folder("Tag Genius")
    write_library(third, tmp_path / "third.xml")
    assert (tmp_path / "third.xml").read_bytes() == source.read_bytes()
