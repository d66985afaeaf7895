"""Dropping a library on the window: one local .xml file opens; everything else is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl

from taggenius_desktop.gui.drop_zone import check_drop
from tests.gui.conftest import drag_and_drop, file_mime, url_mime
from tests.support.libraries import write_library


def test_dropping_an_xml_loads_it(make_window, qtbot, tmp_path: Path) -> None:
    library = write_library(tmp_path / "My Library.xml", n=9)
    window = make_window()
    with qtbot.waitSignal(window.library_loaded, timeout=10_000) as loaded:
        entered, dropped = drag_and_drop(window.drop_zone, file_mime(library))
    assert entered and dropped
    assert loaded.args == [str(library)]
    assert window.windowTitle() == "Tag Genius — My Library.xml"
    assert window.summary.tracks_value.text() == "9"
    assert window.summary.playlists_value.text() == "1"
    assert window.review.model.rowCount() == 9
    assert window.settings.recent_files[0] == str(library)
    assert window.stack.currentIndex() == 1  # the library page replaced the drop zone


def _refusals(tmp_path: Path) -> dict[str, object]:
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a library", encoding="utf-8")
    folder = tmp_path / "Exports"
    folder.mkdir()
    one = write_library(tmp_path / "one.xml", n=2)
    two = write_library(tmp_path / "two.xml", n=2)
    return {
        "non-xml file": (file_mime(text_file), "not a rekordbox XML file"),
        "folder": (file_mime(folder), "is a folder"),
        "several files": (file_mime(one, two), "one library at a time"),
        "web link": (url_mime(QUrl("https://example.com/library.xml")), "not a web link"),
    }


@pytest.mark.parametrize("case", ["non-xml file", "folder", "several files", "web link"])
def test_refused_drops_say_why(case: str, make_window, qtbot, tmp_path: Path) -> None:
    mime, expected = _refusals(tmp_path)[case]
    window = make_window()
    with qtbot.assertNotEmitted(window.library_loaded, wait=200):
        with qtbot.waitSignal(window.drop_zone.drop_refused, timeout=2000) as refused:
            entered, dropped = drag_and_drop(window.drop_zone, mime)
    assert not entered and not dropped
    assert expected in refused.args[0]
    assert expected in window.drop_zone.message
    assert window.library is None
    assert window.windowTitle() == "Tag Genius"


def test_drop_rules_accept_only_an_existing_local_xml(tmp_path: Path) -> None:
    library = write_library(tmp_path / "lib.XML", n=1)  # the extension is case-insensitive
    assert check_drop(file_mime(library)).path == library
    missing = check_drop(file_mime(tmp_path / "gone.xml"))
    assert not missing.ok and "cannot be found" in (missing.reason or "")
    assert not check_drop(None).ok


def test_a_broken_library_shows_a_message_not_a_crash(make_window, qtbot, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<DJ_PLAYLISTS><COLLECTION>", encoding="utf-8")
    window = make_window()
    with qtbot.waitSignal(window.library_failed, timeout=10_000) as failed:
        drag_and_drop(window.drop_zone, file_mime(broken))
    assert "broken.xml" in failed.args[0]
    assert "broken.xml" in window.drop_zone.message
    assert window.library is None


def test_drop_on_the_window_opens_another_library(make_window, qtbot, tmp_path: Path) -> None:
    first = write_library(tmp_path / "first.xml", n=3)
    second = write_library(tmp_path / "second.xml", n=5)
    window = make_window()
    with qtbot.waitSignal(window.library_loaded, timeout=10_000):
        window.open_library(first)
    with qtbot.waitSignal(window.library_loaded, timeout=10_000):
        entered, _ = drag_and_drop(window, file_mime(second))
    assert entered
    assert window.library_path == second
    assert window.review.model.rowCount() == 5
    assert window.settings.recent_files[:2] == [str(second), str(first)]
