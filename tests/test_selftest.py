"""The packaging assets and ``taggenius --self-test``.

* the bundled sample library is a well-formed rekordbox export, laid out byte for byte
  the way rekordbox writes (checked with the project's own layout module);
* the generated icons hold the sizes Windows and macOS ask for;
* the self-test passes from source, in a subprocess, and leaves no process behind; and it
  reports a broken installation as a failure instead of passing it.

The frozen build itself is checked by ``installer/build_linux.sh`` (and CI's release job),
which run the same self-test inside ``dist/``.
"""

from __future__ import annotations

import importlib.util
import os
import struct
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import PROJECT_ROOT

RESOURCES = PROJECT_ROOT / "resources"
SAMPLE = RESOURCES / "sample_library.xml"
ICONS = RESOURCES / "icons"

TRACK_ATTRIBUTES = (
    "TrackID Name Artist Composer Album Grouping Genre Kind Size TotalTime DiscNumber "
    "TrackNumber Year AverageBpm DateAdded BitRate SampleRate Comments PlayCount Rating "
    "Location Remixer Tonality Label Mix"
).split()
RATINGS = {"0", "51", "102", "153", "204", "255"}
COLOURS = {"0xFF007F", "0xFF0000", "0xFFA500", "0xFFFF00", "0x00FF00", "0x25FDE9", "0x0000FF", "0x660099"}


def _missing(*modules: str) -> str | None:
    """The first module of ``modules`` that cannot be imported, or None."""
    for name in modules:
        try:
            if importlib.util.find_spec(name) is None:
                return name
        except ModuleNotFoundError:
            return name
    return None


def _has_read_library() -> bool:
    try:
        from taggenius_desktop.library import read_library  # noqa: F401
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------- sample library
@pytest.fixture(scope="module")
def sample_root() -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(SAMPLE.read_bytes(), parser)


def test_sample_library_counts_and_encodings(sample_root: etree._Element) -> None:
    collection = sample_root.find("COLLECTION")
    tracks = collection.findall("TRACK")
    assert 15 <= len(tracks) <= 30
    assert collection.get("Entries") == str(len(tracks))
    ids = [t.get("TrackID") for t in tracks]
    assert len(set(ids)) == len(ids)
    for track in tracks:
        names = list(track.attrib)
        assert names[:25] == TRACK_ATTRIBUTES, track.get("TrackID")
        assert names[25:] in ([], ["Colour"])
        assert track.get("Rating") in RATINGS
        assert track.get("Colour", "0xFF0000") in COLOURS
        assert track.get("Location").startswith("file://localhost/")
        assert "%2F" not in track.get("Location") and " " not in track.get("Location")
        children = [child.tag for child in track]
        # beat grid first, then cues and loops
        assert children == sorted(children, key=lambda tag: tag != "TEMPO")
    # every playlist's Entries and every folder's Count match their children, and every
    # playlist entry names a track of the collection
    for node in sample_root.iter("NODE"):
        if node.get("Type") == "0":
            assert node.get("Count") == str(len(node.findall("NODE")))
        else:
            keys = [t.get("Key") for t in node.findall("TRACK")]
            assert node.get("Entries") == str(len(keys))
            assert set(keys) <= set(ids)


def _rekordbox_bytes(element: etree._Element, depth: int, out: list[bytes]) -> None:
    from taggenius_desktop.library.rbformat import INDENT_STEP, format_start_tag

    prefix = b" " * (INDENT_STEP * depth)
    children = list(element)
    out.append(prefix + format_start_tag(element.tag, list(element.attrib.items()), prefix, b"\r\n", not children))
    for child in children:
        _rekordbox_bytes(child, depth + 1, out)
    if children:
        out.append(prefix + f"</{element.tag}>".encode())


@pytest.mark.skipif(_missing("taggenius_desktop.library.rbformat") is not None, reason="library.rbformat not present")
def test_sample_library_is_laid_out_as_rekordbox_writes(sample_root: etree._Element) -> None:
    from taggenius_desktop.library.rbformat import XML_DECLARATION

    lines = [XML_DECLARATION, b""]
    _rekordbox_bytes(sample_root, 0, lines)
    assert SAMPLE.read_bytes() == b"\r\n".join(lines) + b"\r\n"


@pytest.mark.skipif(not _has_read_library(), reason="taggenius_desktop.library.read_library not written yet")
def test_sample_library_reads_with_the_app_reader(sample_root: etree._Element) -> None:
    from taggenius_desktop.selftest import _track_rows

    rows = _track_rows(SAMPLE)
    expected = sample_root.find("COLLECTION").findall("TRACK")
    assert [r["TrackID"] for r in rows] == [t.get("TrackID") for t in expected]
    assert [r["Genre"] for r in rows] == [t.get("Genre") for t in expected]


# --------------------------------------------------------------------------- icons
def test_ico_holds_windows_sizes() -> None:
    data = (ICONS / "taggenius.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for index in range(count):
        width, height, _, _, planes, bits, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * index)
        assert (planes, bits) == (1, 32)
        assert offset + length <= len(data)
        payload = data[offset : offset + length]
        side = width or 256
        if payload.startswith(b"\x89PNG"):
            assert struct.unpack(">II", payload[16:24]) == (side, side)
        else:  # BITMAPINFOHEADER: height counts the image and its AND mask
            assert struct.unpack_from("<Iii", payload) == (40, side, 2 * side)
        sizes.add(side)
    assert {16, 24, 32, 48, 256} <= sizes


def test_icns_holds_mac_sizes() -> None:
    data = (ICONS / "taggenius.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    position, found = 8, {}
    while position < len(data):
        kind, length = data[position : position + 4], struct.unpack(">I", data[position + 4 : position + 8])[0]
        payload = data[position + 8 : position + length]
        assert payload.startswith(b"\x89PNG")
        found[kind] = struct.unpack(">II", payload[16:24])[0]
        position += length
    assert position == len(data)
    assert found[b"ic07"] == 128 and found[b"ic08"] == 256 and found[b"ic09"] == 512 and found[b"ic10"] == 1024


def test_png_icons_match_their_names() -> None:
    pngs = sorted(ICONS.glob("taggenius-*.png"))
    assert pngs
    for path in pngs:
        size = int(path.stem.split("-")[1])
        assert struct.unpack(">II", path.read_bytes()[16:24]) == (size, size)


# --------------------------------------------------------------------------- scripts
@pytest.mark.parametrize("script", ["build_linux.sh", "build_macos.sh"])
def test_shell_scripts_parse(script: str) -> None:
    result = subprocess.run(["bash", "-n", str(PROJECT_ROOT / "installer" / script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# --------------------------------------------------------------------------- self-test
SELFTEST_NEEDS = ("taggenius_desktop.jobs", "taggenius_desktop.selftest_server", "taggenius_desktop.cli.main")


def _processes_with_marker(marker: str) -> list[int]:
    """Processes whose environment carries ``marker`` (Linux: /proc/<pid>/environ)."""
    found = []
    needle = marker.encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.slow
@pytest.mark.skipif(_missing(*SELFTEST_NEEDS) is not None, reason=f"not written yet: {_missing(*SELFTEST_NEEDS)}")
@pytest.mark.skipif(not _has_read_library(), reason="taggenius_desktop.library.read_library not written yet")
def test_self_test_passes_and_leaves_no_process(tmp_path: Path) -> None:
    marker = f"TAGGENIUS_TEST_MARKER={uuid.uuid4().hex}"
    env = dict(os.environ, TAGGENIUS_SELFTEST_REPORT=str(tmp_path / "report.txt"))
    # The self-test's temporary data folder lands here, so even a failed run leaves
    # nothing behind in the system temp folder.
    env.update(TMPDIR=str(tmp_path), TEMP=str(tmp_path), TMP=str(tmp_path))
    env[marker.split("=")[0]] = marker.split("=")[1]
    result = subprocess.run(
        [sys.executable, "-m", "taggenius_desktop", "--self-test"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert result.returncode == 0, result.stdout + result.stderr
    assert report == result.stdout
    assert "RESULT: PASS" in report
    statuses = {line[6:22].strip(): line[:5].strip() for line in report.splitlines()[1:-1]}
    for check in ("resources", "sample library", "offline job", "openai job", "qt", "processes"):
        assert statuses.get(check) == "PASS", report
    assert statuses.get("keyring") in ("PASS", "INFO"), report  # headless Linux has no keyring
    # the temporary data folder is gone and nothing started by the run is still alive
    home = report.splitlines()[0].rsplit("data in ", 1)[1].rstrip(")")
    assert not Path(home).exists()
    if Path("/proc").is_dir():
        assert _processes_with_marker(marker) == []


@pytest.mark.slow
def test_self_test_fails_when_the_sample_library_is_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from taggenius_desktop import paths, selftest

    empty_resources = tmp_path / "resources"
    empty_resources.mkdir()
    monkeypatch.setattr(paths, "resources_dir", lambda: empty_resources)
    monkeypatch.setenv(selftest.REPORT_ENV, str(tmp_path / "report.txt"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the kept data folder goes
    home_before = os.environ["TAGGENIUS_HOME"]

    assert selftest.main() == 1

    out = capsys.readouterr().out
    assert "FAIL  resources" in out and "FAIL  sample library" in out
    assert "RESULT: FAIL" in out
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == out
    assert os.environ["TAGGENIUS_HOME"] == home_before  # the caller's environment is restored
    kept = Path(out.rsplit("Kept the data folder for diagnosis: ", 1)[1].strip())
    assert kept.is_dir() and kept.parent == tmp_path  # kept for diagnosis on failure


@pytest.mark.slow
def test_self_test_report_goes_to_a_file_without_stdout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A windowed Windows build has sys.stdout None: the report must still reach a file."""
    from taggenius_desktop import paths, selftest

    monkeypatch.setattr(paths, "resources_dir", lambda: tmp_path / "no-resources")
    monkeypatch.delenv(selftest.REPORT_ENV, raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(sys, "stdout", None)

    assert selftest.main() == 1

    report = (tmp_path / "taggenius-selftest.txt").read_text(encoding="utf-8")
    assert report.splitlines()[0].startswith("Tag Genius ")
    assert "RESULT: FAIL" in report
