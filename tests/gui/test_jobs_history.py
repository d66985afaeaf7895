"""The jobs panel: failures to open or show a file appear in the window with the path to
copy; the full path is in the row and its tooltip; the context menu removes jobs from the
history; time left is "estimating" until it knows, then uses the measured rate."""

from __future__ import annotations

import time
from dataclasses import fields, replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from taggenius_desktop.gui import rates, system
from taggenius_desktop.gui.jobs_model import COL_DETAILS, COL_JOB, format_eta
from taggenius_desktop.settings import Settings
from taggenius_desktop.store.jobs_log import JobRecord, Status
from tests.support.libraries import write_library


def _finished_job(window, qtbot, tmp_path: Path, name: str = "lib.xml"):  # noqa: ANN001, ANN202
    with qtbot.waitSignal(window.library_loaded, timeout=15_000):
        window.open_library(write_library(tmp_path / name, n=4))
    job_id = window.start_tagging()

    def finished() -> None:
        record = window.bridge.record(job_id)
        assert record is not None and record.status == Status.COMPLETED

    qtbot.waitUntil(finished, timeout=60_000)
    window.jobs_panel.select_job(job_id)
    return window.bridge.record(job_id)


def test_a_failed_open_shows_in_the_window_with_the_path_to_copy(
        make_window, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(system, "open_path", lambda path: False)  # "Unable to detect a launcher"
    monkeypatch.setattr(system, "reveal_in_file_manager", lambda path: False)
    copied = []
    monkeypatch.setattr(system, "copy_to_clipboard", copied.append)
    window = make_window(Settings(notify_when_done=False))
    record = _finished_job(window, qtbot, tmp_path)
    window.jobs_panel.open_action.trigger()
    assert not window.notice.isHidden()
    assert record.output_file_path in window.notice.text.text()
    window.notice.action_button.click()
    assert copied == [record.output_file_path]
    window.notice.hide()
    window.jobs_panel.reveal_action.trigger()
    assert not window.notice.isHidden() and "could not be shown" in window.notice.text.text()


def test_the_row_and_its_tooltip_show_the_full_output_path(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window(Settings(notify_when_done=False))
    record = _finished_job(window, qtbot, tmp_path)
    model = window.jobs_panel.model
    row = model.row_of(record.id)
    assert record.output_file_path in model.index(row, COL_DETAILS).data()
    tooltip = model.index(row, COL_JOB).data(Qt.ItemDataRole.ToolTipRole)
    assert record.output_file_path in tooltip and record.input_file_path in tooltip
    assert record.job_display_name in tooltip


def test_context_menu_offers_every_action_and_removes_jobs(make_window, qtbot, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    copied = []
    monkeypatch.setattr(system, "copy_to_clipboard", copied.append)
    window = make_window(Settings(notify_when_done=False))
    first = _finished_job(window, qtbot, tmp_path, "a.xml")
    second = _finished_job(window, qtbot, tmp_path, "b.xml")
    panel = window.jobs_panel
    menu = QMenu()
    panel.build_context_menu(menu)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    for wanted in ("Open Output", f"Show in {system.file_manager_name()}", "Copy Output Path",
                   "Remove from History", "Clear Finished Jobs"):
        assert wanted in texts
    panel.select_job(second.id)
    panel.copy_action.trigger()
    assert copied == [second.output_file_path]
    panel.remove_action.trigger()
    qtbot.waitUntil(lambda: panel.model.row_of(second.id) is None, timeout=5000)
    assert panel.model.row_of(first.id) is not None
    assert Path(second.output_file_path).is_file()  # the file stays; only the history row goes
    panel.clear_action.trigger()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0, timeout=5000)
    assert window.bridge.record(first.id) is None


def _running(done: int, total: int, elapsed: float) -> JobRecord:
    values = {f.name: (0 if f.type in ("int", "float") else None) for f in fields(JobRecord)}
    values.update(id=1, status=Status.IN_PROGRESS, tracks_done=done, tracks_total=total,
                  started_at=time.time() - elapsed, job_display_name="Tag x.xml", spec="")
    return JobRecord(**values)


def test_time_left_says_estimating_until_it_knows() -> None:
    # 10 % done after 28 s: the first batches came back together, no honest figure yet.
    assert format_eta(_running(10, 100, 28.0)) == "estimating…"
    assert format_eta(_running(5, 3889, 3.0)) == "estimating…"


def test_time_left_uses_the_measured_rate_of_this_provider_from_the_start() -> None:
    # Remembered: 2 tracks/s for this provider and batch size; 1,000 tracks to go.
    assert format_eta(_running(0, 1000, 1.0), remembered=2.0) == "about 8 min 20 s"


def test_a_finished_job_rate_is_remembered_per_provider_and_batch_size() -> None:
    key = rates.rate_key("openai", "gpt-4o-mini", 20)
    assert rates.remember_rate(key, 3889, 283.0) == pytest.approx(3889 / 283.0)
    assert rates.load_rates()[key] == pytest.approx(3889 / 283.0)
    assert rates.rate_key("openai", "gpt-4o-mini", 40) not in rates.load_rates()
    assert rates.remember_rate(key, 5, 1.0) is None  # too small to say anything


def test_a_finished_job_tells_what_the_audio_stage_did() -> None:
    import json

    from taggenius_desktop.gui.jobs_model import details_text

    record = replace(_running(12, 12, 30.0), status=Status.COMPLETED, job_type="tag", output_file_path="/o.xml",
                     result_data=json.dumps({"tagged": 12, "audio": {"enabled": True, "analysed": 9, "cached": 2,
                                                                      "missing": 1}}))
    assert details_text(record) == "12 tagged · audio: 9 analysed, 2 cached, 1 missing · → /o.xml"
    off = replace(record, result_data=json.dumps({"tagged": 12, "audio": {"enabled": False}}))
    assert details_text(off) == "12 tagged · → /o.xml"
