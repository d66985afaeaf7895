"""rekordbox Location values to paths, music-folder remaps, found-file counts."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from taggenius_desktop.audio.locate import Remap, RemapError, count_found, location_to_path, resolve


def test_macos_location_is_percent_decoded_utf8() -> None:
    location = "file://localhost/Users/dj/Music/A%c3%afda%20Brun%20-%20Cerulean%20%26%20Co.flac"
    assert location_to_path(location) == "/Users/dj/Music/Aïda Brun - Cerulean & Co.flac"


def test_windows_location_drops_the_slash_before_the_drive_letter() -> None:
    assert location_to_path("file://localhost/C:/Users/dj/Music/a%20b.mp3") == "C:/Users/dj/Music/a b.mp3"
    assert location_to_path("file://localhost/D:/Z%C3%BCrich.aiff") == "D:/Zürich.aiff"


def test_non_file_locations_have_no_path() -> None:
    assert location_to_path("") is None
    assert location_to_path("https://example.com/stream/123") is None
    assert location_to_path("file://nas/share/a.mp3") is None


def test_remap_replaces_whole_leading_folders_only() -> None:
    remap = Remap.parse("/Users/dj/Music=/media/usb/Music")
    assert remap.apply("/Users/dj/Music/House/a.mp3") == "/media/usb/Music/House/a.mp3"
    assert remap.apply("/Users/dj/Musical/a.mp3") is None
    assert remap.apply("/Volumes/Other/a.mp3") is None


def test_remap_of_a_windows_drive_ignores_case_and_backslashes() -> None:
    remap = Remap.parse(r"c:\Users\DJ\Music=/mnt/music")
    assert remap.apply("C:/Users/dj/Music/a.mp3") == "/mnt/music/a.mp3"


@pytest.mark.parametrize("text", ["", "/only/old", "=/new", "/old="])
def test_a_bad_remap_is_a_clear_error(text: str) -> None:
    with pytest.raises(RemapError, match="OLD=NEW"):
        Remap.parse(text)


def _location(path: Path) -> str:
    return "file://localhost" + quote(path.as_posix())


def test_count_found_with_and_without_a_remap(tmp_path: Path) -> None:
    here = tmp_path / "here" / "Music"
    here.mkdir(parents=True)
    (here / "a b.mp3").write_bytes(b"x")
    (here / "ç.flac").write_bytes(b"x")
    elsewhere = ["file://localhost/Volumes/Old%20Drive/Music/a%20b.mp3", "file://localhost/Volumes/Old%20Drive/Music/%C3%A7.flac"]
    locations = [*elsewhere, _location(here / "a b.mp3"), "", "file://localhost/Volumes/Old%20Drive/Music/gone.mp3"]
    before = count_found(locations)
    assert (before.total, before.found, before.not_a_file, before.missing) == (5, 1, 1, 3)
    assert before.missing_folders[0] == ("/Volumes/Old Drive/Music", 3)
    after = count_found(locations, [Remap("/Volumes/Old Drive/Music", str(here))])
    assert (after.found, after.missing) == (3, 1)
    assert resolve(elsewhere[1], [Remap("/Volumes/Old Drive/Music", str(here))]) == str(here / "ç.flac")
