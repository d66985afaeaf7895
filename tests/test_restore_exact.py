"""Restore is exact even after the DJ edited the tagged file (so its hash names no job).

Each case runs the real CLI: tag, edit the tagged file as rekordbox would (one attribute
changed, everything else byte for byte), restore, and compare with the input.
"""

from __future__ import annotations

from pathlib import Path

from taggenius_desktop.cli.main import run_cli
from taggenius_desktop.library import read_library, write_library as save_library
from tests.libraries import track_xml, write_library

BLOCK = "/* E: "


def _ok(capsys, *args: str) -> None:
    code = run_cli(list(args))
    assert code == 0, capsys.readouterr().err


def _edit(path: Path, track_id: str, **attrs: str) -> None:
    """The DJ changes one track in rekordbox and exports again."""
    library = read_library(path)
    library.set_track_attributes(track_id, attrs)
    edited = path.with_name(path.stem + "_edited.xml")
    save_library(library, edited)
    edited.replace(path)


def _attrs(path: Path) -> dict[str, dict[str, str]]:
    return {t.track_id: dict(t.attrs) for t in read_library(path).tracks}


def test_restoring_the_first_of_two_outputs_removes_our_block_everywhere(tmp_path, capsys):
    tracks = [track_xml(i, genre, comments="mine" if i == 2 else "") for i, genre in
              enumerate(["Techno", "Deep House", "Tech House", "House", "Disco", "Ambient"], start=1)]
    library = write_library(tmp_path / "lib.xml", tracks=tracks)
    first, second = tmp_path / "first.xml", tmp_path / "second.xml"
    _ok(capsys, "tag", str(library), "-o", str(first), "--level", "essential")
    _ok(capsys, "tag", str(library), "-o", str(second), "--level", "detailed")
    assert _attrs(first)["1"]["Comments"] != _attrs(second)["1"]["Comments"], "two different levels"
    _edit(first, "1", Rating="255")  # the DJ gives track 1 five stars by hand
    _ok(capsys, "restore", str(first), "-o", str(tmp_path / "restored.xml"))
    restored, original = _attrs(tmp_path / "restored.xml"), _attrs(library)
    assert all(BLOCK not in t.get("Comments", "") for t in restored.values()), restored
    assert restored["1"]["Rating"] == "255", "the DJ's own edit is kept"
    restored["1"]["Rating"] = original["1"]["Rating"]
    assert restored == original


def test_two_tracks_sharing_a_location_each_get_their_own_originals(tmp_path, capsys):
    shared = "file://localhost/Music/same%20file.mp3"
    tracks = [track_xml(1, "Techno", comments="first copy"), track_xml(2, "Disco", comments="second copy"),
              track_xml(3, "House")]
    tracks = [t.replace('file://localhost/Music/track%201.mp3', shared)
               .replace('file://localhost/Music/track%202.mp3', shared) for t in tracks]
    library = write_library(tmp_path / "lib.xml", tracks=tracks)
    original = _attrs(library)
    assert original["1"]["Location"] == original["2"]["Location"] == shared
    tagged = tmp_path / "lib_tagged.xml"
    _ok(capsys, "tag", str(library))
    _edit(tagged, "3", Rating="255")
    _ok(capsys, "restore", str(tagged), "-o", str(tmp_path / "restored.xml"))
    restored = _attrs(tmp_path / "restored.xml")
    for track_id in ("1", "2"):
        assert restored[track_id] == original[track_id], track_id


def test_a_dj_edit_of_their_own_comment_text_is_kept_and_our_block_removed(tmp_path, capsys):
    library = write_library(tmp_path / "lib.xml", tracks=[track_xml(1, "Techno", comments="warm-up opener"),
                                                          track_xml(2, "House", comments="")])
    tagged = tmp_path / "lib_tagged.xml"
    _ok(capsys, "tag", str(library))
    ours = _attrs(tagged)["1"]["Comments"]
    assert ours.startswith("warm-up opener ") and BLOCK in ours
    _edit(tagged, "1", Comments=ours.replace("warm-up opener", "peak-time weapon"))
    _ok(capsys, "restore", str(tagged), "-o", str(tmp_path / "restored.xml"))
    restored, original = _attrs(tmp_path / "restored.xml"), _attrs(library)
    assert restored["1"]["Comments"] == "peak-time weapon"
    assert restored["2"] == original["2"]
    restored["1"]["Comments"] = original["1"]["Comments"]
    assert restored["1"] == original["1"]


def test_a_dj_edit_of_our_block_itself_is_theirs_and_kept():
    from taggenius_desktop.writeback import restore_changes

    ours = "note /* E: 08 / Sit: Peak Hour / Era: 2010s */"
    edited_text = "better note /* E: 08 / Sit: Peak Hour / Era: 2010s */"
    edited_block = "note /* E: 10 / Sit: Peak Hour / Era: 2010s */"
    assert restore_changes({"Comments": edited_text}, {"Comments": "note"}, {"Comments": ours}).changes == {
        "Comments": "better note"}
    assert restore_changes({"Comments": edited_block}, {"Comments": "note"}, {"Comments": ours}).changes == {}
    assert restore_changes({"Comments": "/* E: 08 / Sit: Peak Hour / Era: 2010s */ "}, {"Comments": None},
                           {"Comments": "/* E: 08 / Sit: Peak Hour / Era: 2010s */"}).changes == {"Comments": None}
