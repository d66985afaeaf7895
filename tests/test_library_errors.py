"""Bad inputs and bad output paths raise LibraryError with one plain line; nothing is written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from taggenius_desktop.library import LibraryError, read_library, write_library
from taggenius_desktop.library import writer as writer_module
from tests.support.libraries import library_xml, track_attrs, write_file

GOOD = library_xml([track_attrs("1"), track_attrs("2")], [("P", ["1"], 0)])
LOL = b"".join(
    b'  <!ENTITY lol%d "%s">\n' % (level, (b"&lol%d;" % (level - 1)) * 10) for level in range(1, 10)
)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE DJ_PLAYLISTS [\n  <!ENTITY lol0 "lol">\n' + LOL + b"]>\n"
    b'<DJ_PLAYLISTS Version="&lol9;"><COLLECTION Entries="0">&lol9;</COLLECTION></DJ_PLAYLISTS>\n'
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE DJ_PLAYLISTS [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    b'<DJ_PLAYLISTS Version="1.0.0"><COLLECTION Entries="1"><TRACK TrackID="1" Name="&secret;"/>'
    b"</COLLECTION></DJ_PLAYLISTS>\n"
)
EXTERNAL_DTD = (
    b'<?xml version="1.0"?>\n<!DOCTYPE DJ_PLAYLISTS SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
    b'<DJ_PLAYLISTS Version="1.0.0"/>\n'
)

BAD_INPUTS = {
    "not XML": (b"this is a text file, not a library\n", "not XML"),
    "binary": (bytes(range(256)) * 4, "not XML"),
    "empty": (b"", "empty"),
    "blank": (b"  \r\n\n ", "empty"),
    "wrong root": (b"<html><body>hello</body></html>", "root element is <html>, expected <DJ_PLAYLISTS>"),
    "wrong root after declaration": (b'<?xml version="1.0"?>\n<!-- x -->\n<rss version="2.0"/>', "root element is <rss>"),
    "truncated": (GOOD[: len(GOOD) * 2 // 3], "truncated"),
    "billion laughs": (BILLION_LAUGHS, "billion laughs"),
    "external entity": (EXTERNAL_ENTITY, "external entity"),
    "external DTD": (EXTERNAL_DTD, "external DTD"),
    "TRACK without TrackID": (GOOD.replace(b'TrackID="2" ', b""), "TRACK number 2 in COLLECTION has no TrackID"),
    "duplicate TrackIDs": (GOOD.replace(b'TrackID="2"', b'TrackID="1"'), "TrackID 1 is used by more than one track"),
    "undefined entity": (GOOD.replace(b"Song 1", b"Song &nbsp; 1"), "not well-formed"),
    "latin-1 encoding": (GOOD.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"'), "unsupported encoding"),
    "invalid UTF-8": (GOOD.replace(b"Song 1", b"Song \xe9 1"), "UTF-8"),
    "namespaces": (GOOD.replace(b'<DJ_PLAYLISTS Version="1.0.0">', b'<DJ_PLAYLISTS xmlns:x="urn:x" Version="1.0.0">'), "namespaces"),
    "xml:lang attribute": (GOOD.replace(b'<TRACK TrackID="2"', b'<TRACK xml:lang="en" TrackID="2"'), "namespaces"),
    "TRACK inside a playlist without Key": (GOOD.replace(b'<TRACK Key="1"/>', b'<TRACK Id="1"/>'), "plain <TRACK Key"),
    "two COLLECTIONs": (
        GOOD.replace(b"  <PLAYLISTS>", b'  <COLLECTION Entries="0"/>\r\n  <PLAYLISTS>'),
        "more than one COLLECTION",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_raises_one_plain_line_and_writes_nothing(tmp_path: Path, case: str) -> None:
    data, expected = BAD_INPUTS[case]
    source = write_file(tmp_path / "broken.xml", data)
    with pytest.raises(LibraryError) as caught:
        read_library(source)
    message = str(caught.value)
    assert message.startswith("broken.xml: ")
    assert "\n" not in message and "\r" not in message
    assert expected.lower() in message.lower()
    assert isinstance(caught.value, Exception)
    assert [p.name for p in tmp_path.iterdir()] == ["broken.xml"]


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match=r"^missing\.xml: file not found$"):
        read_library(tmp_path / "missing.xml")
    with pytest.raises(LibraryError, match="is a folder"):
        read_library(tmp_path)


def test_output_folder_missing(tmp_path: Path) -> None:
    lib = read_library(write_file(tmp_path / "in.xml", GOOD))
    target = tmp_path / "nowhere" / "out.xml"
    with pytest.raises(LibraryError) as caught:
        write_library(lib, target)
    assert str(caught.value).startswith("out.xml: output folder")
    assert "does not exist" in str(caught.value)
    assert not (tmp_path / "nowhere").exists()


def test_never_writes_over_the_input(tmp_path: Path) -> None:
    source = write_file(tmp_path / "in.xml", GOOD)
    lib = read_library(source)
    lib.set_track_attributes("1", {"Genre": "Techno"})
    link = tmp_path / "link.xml"
    link.symlink_to(source)
    for target in (source, tmp_path / "." / "in.xml", link):
        with pytest.raises(LibraryError, match="is the input library"):
            write_library(lib, target)
    hard = tmp_path / "hard.xml"
    os.link(source, hard)
    with pytest.raises(LibraryError, match="is the input library"):
        write_library(lib, hard)
    assert source.read_bytes() == GOOD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hard.xml", "in.xml", "link.xml"]


def test_write_replaces_an_existing_output_atomically(tmp_path: Path) -> None:
    lib = read_library(write_file(tmp_path / "in.xml", GOOD))
    out = write_file(tmp_path / "out.xml", b"old content")
    lib.set_track_attributes("2", {"Genre": "House"})
    write_library(lib, out)
    assert read_library(out).track_by_id("2").attrs["Genre"] == "House"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.xml", "out.xml"]


def test_failed_write_leaves_old_output_and_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib = read_library(write_file(tmp_path / "in.xml", GOOD))
    out = write_file(tmp_path / "out.xml", b"old content")

    def explode(lib, write, reuse_input):
        write(b"<?xml half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer_module, "_produce", explode)
    with pytest.raises(LibraryError, match=r"^out\.xml: could not write the output: disk full$"):
        write_library(lib, out)
    assert out.read_bytes() == b"old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.xml", "out.xml"]


def test_output_path_that_is_a_folder(tmp_path: Path) -> None:
    lib = read_library(write_file(tmp_path / "in.xml", GOOD))
    (tmp_path / "folder.xml").mkdir()
    with pytest.raises(LibraryError, match="is a folder"):
        write_library(lib, tmp_path / "folder.xml")


def test_library_error_is_an_exception_with_path() -> None:
    error = LibraryError(Path("/x/y/lib.xml"), "something\nbroke")
    assert isinstance(error, Exception)
    assert str(error) == "lib.xml: something broke"
    assert error.path == Path("/x/y/lib.xml")
