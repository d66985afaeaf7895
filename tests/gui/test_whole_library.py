"""The window's Preview tab: the whole library's plan (the review's proposals, edits and
locks) counted as a job counts it, kept current, and exported track by track."""

from __future__ import annotations

import csv
from pathlib import Path

from taggenius_desktop.gui import library_preview
from taggenius_desktop.gui.main_window import TAB_PREVIEW
from taggenius_desktop.jobs import build_tag_job
from taggenius_desktop.jobs.preview import preview_tag_job
from taggenius_desktop.jobs.report import REPORT_COLUMNS
from taggenius_desktop.jobs.review import NOT_TAGGED_YET
from taggenius_desktop.jobs.summary import SKIP_LOCKED
from taggenius_desktop.settings import Settings
from tests.support.libraries import track_xml, write_library


def _library(tmp_path: Path) -> Path:
    tracks = [track_xml(1, "Techno", "130.00"), track_xml(2, "", "126.00"), track_xml(3, "Dance Floor Filth", "124.00"),
              track_xml(4, "House", "124.00").replace('TotalTime="300"', 'TotalTime="4"'),
              track_xml(5, "Deep House", "121.00", comments="x" * 255), track_xml(6, "Tech House", "127.00")]
    return write_library(tmp_path / "lib.xml", tracks=tracks)


def _open_and_wait(window, qtbot, path: Path) -> dict:  # noqa: ANN001
    with qtbot.waitSignal(window.library_preview_updated, timeout=20_000):
        with qtbot.waitSignal(window.library_loaded, timeout=15_000):
            window.open_library(path)
    summary = window.whole_library.view.summary()
    assert summary is not None
    return dict(summary)


def test_the_preview_tab_counts_what_the_job_would_write(make_window, qtbot, tmp_path: Path) -> None:
    path = _library(tmp_path)
    window = make_window(Settings(notify_when_done=False))
    shown = _open_and_wait(window, qtbot, path)
    assert window.tabs.tabText(TAB_PREVIEW) == "Preview"
    # The offline plan before any edit is exactly what the job itself would count.
    assert shown == preview_tag_job(build_tag_job(path))
    view = window.whole_library.view
    assert view.headline.text().endswith("tracks change (Genre 3, Comments 3, Rating 4, Colour 4)")
    assert view.export_button.isEnabled() and window.report_action.isEnabled()


def test_a_lock_in_the_review_shows_in_the_preview(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window(Settings(notify_when_done=False))
    before = _open_and_wait(window, qtbot, _library(tmp_path))
    qtbot.waitUntil(lambda: window.review.model.proposal_count() > 0, timeout=15_000)
    with qtbot.waitSignal(window.library_preview_updated, timeout=20_000):
        window.review.model.set_locked("1", True)
    after = window.whole_library.view.summary()
    assert after["tracks_changed"] == before["tracks_changed"] - 1
    assert after["skipped_reasons"].get(SKIP_LOCKED.partition(":")[0]) == 1


def test_an_ai_provider_with_nothing_cached_guesses_nothing(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window(Settings(notify_when_done=False, provider="ollama", model="llama3.1:8b"))
    shown = _open_and_wait(window, qtbot, _library(tmp_path))
    assert shown["tracks_changed"] == 0
    assert shown["skipped_reasons"] == {NOT_TAGGED_YET.partition(":")[0]: 6}
    assert shown["families_after"] == shown["families_before"]


def test_export_report_writes_the_plan_track_by_track(make_window, qtbot, tmp_path: Path, monkeypatch) -> None:
    window = make_window(Settings(notify_when_done=False))
    _open_and_wait(window, qtbot, _library(tmp_path))
    window.review.model.set_locked("6", True)
    target = tmp_path / "reports" / "plan"
    target.parent.mkdir()
    monkeypatch.setattr(library_preview.QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    window.report_action.trigger()
    qtbot.waitUntil(lambda: window.status_label.text().startswith("Report saved"), timeout=15_000)
    with open(target.with_suffix(".csv"), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == REPORT_COLUMNS and len(rows) == 7
    notes = {row[0]: row[-1] for row in rows[1:]}
    assert notes["4"].startswith("not music")  # a 4-second tone: skipped, and why
    assert notes["6"] == SKIP_LOCKED
    assert "unsure" in notes["2"]
    assert window.whole_library.view.report_folder == str(target.parent)


def test_a_report_that_cannot_be_written_is_said_in_plain_words(make_window, qtbot, tmp_path: Path,
                                                                monkeypatch) -> None:
    from taggenius_desktop.gui import dialogs

    window = make_window(Settings(notify_when_done=False))
    _open_and_wait(window, qtbot, _library(tmp_path))
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, text: errors.append(text))
    window.whole_library.export_report(str(tmp_path / "no such folder" / "r.csv"))
    qtbot.waitUntil(lambda: bool(errors), timeout=15_000)
    assert errors[0].startswith("The report could not be written")
    assert window.status_label.text().startswith("The report could not be written")
