"""Keyboard flow and the review's edits: Ctrl+Return then the first Ctrl+. cancels; Start
Tagging uses the review's edits (asked); the edits survive a relaunch; job and output
names say what was written; a second identical job asks first."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from taggenius_desktop.gui import dialogs
from taggenius_desktop.gui.review_model import COLUMNS
from taggenius_desktop.settings import Settings
from taggenius_desktop.store.jobs_log import Status
from tests.support.libraries import write_library

ENERGY = COLUMNS.index("Energy")


def _open(window, qtbot, path: Path) -> None:  # noqa: ANN001
    with qtbot.waitSignal(window.library_loaded, timeout=15_000):
        window.open_library(path)


def _wait_finished(window, qtbot, job_id: int):  # noqa: ANN001, ANN202
    def finished() -> None:
        record = window.bridge.record(job_id)
        assert record is not None and record.status in Status.FINISHED

    qtbot.waitUntil(finished, timeout=60_000)
    return window.bridge.record(job_id)


def _wait_proposals(window, qtbot) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: window.review.model.proposal_count() > 0, timeout=15_000)


def _edit_energy(window, track_id: str, energy: int) -> None:  # noqa: ANN001
    model = window.review.model
    row = model.row_of(track_id)
    assert row is not None
    assert model.setData(model.index(row, ENERGY), energy)


def test_the_first_ctrl_period_cancels_the_job_ctrl_return_started(make_window, qtbot, tmp_path: Path, fake_openai) -> None:
    library = write_library(tmp_path / "lib.xml", n=40)
    server = fake_openai(latency_per_track=0.2)
    window = make_window(Settings(provider="custom", llm_preset="custom", base_url=server.base_url,
                                  model="gpt-4o-mini", batch_size=2, concurrency=1, notify_when_done=False),
                         show=True)
    _open(window, qtbot, library)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    window.job_settings.setFocus()  # focus where a user leaves it: not in the jobs panel
    with qtbot.waitSignal(window.job_submitted, timeout=5000) as submitted:
        qtbot.keyClick(window.job_settings, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    job_id = submitted.args[0]
    qtbot.keyClick(window.job_settings, Qt.Key.Key_Period, Qt.KeyboardModifier.ControlModifier)
    record = _wait_finished(window, qtbot, job_id)
    assert record.status == Status.CANCELLED


def test_start_tagging_writes_the_review_edit_when_the_user_says_so(
        make_window, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = []
    monkeypatch.setattr(dialogs, "ask_use_review_edits",
                        lambda parent, edited, locked: asked.append((edited, locked)) or dialogs.USE_EDITS)
    window = make_window(Settings(notify_when_done=False))
    _open(window, qtbot, write_library(tmp_path / "lib.xml", n=6))
    _wait_proposals(window, qtbot)
    before = window.review.model.profile_for("1").energy
    new_energy = 9 if before != 9 else 2
    _edit_energy(window, "1", new_energy)
    job_id = window.start_tagging()
    record = _wait_finished(window, qtbot, job_id)
    assert asked == [(1, 0)]
    assert record.status == Status.COMPLETED, record.error
    assert "reviewed" in record.job_display_name and "Offline" in record.job_display_name
    assert "Recommended" in record.job_display_name
    output = Path(record.output_file_path)
    assert output.name == "lib_tagged-offline-recommended-reviewed.xml"
    from taggenius_desktop.library import read_library

    comments = read_library(output).track_by_id("1").attrs["Comments"]
    assert f"E: {new_energy:02d}" in comments


def test_ignoring_the_edits_writes_the_proposal_and_says_so_in_the_name(
        make_window, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dialogs, "ask_use_review_edits", lambda parent, edited, locked: dialogs.IGNORE_EDITS)
    window = make_window(Settings(notify_when_done=False))
    _open(window, qtbot, write_library(tmp_path / "lib.xml", n=6))
    _wait_proposals(window, qtbot)
    proposed = window.review.model.profile_for("1").energy
    _edit_energy(window, "1", 9 if proposed != 9 else 2)
    record = _wait_finished(window, qtbot, window.start_tagging())
    assert "reviewed" not in record.job_display_name
    assert Path(record.output_file_path).name == "lib_tagged-offline-recommended.xml"
    from taggenius_desktop.library import read_library

    assert f"E: {proposed:02d}" in read_library(Path(record.output_file_path)).track_by_id("1").attrs["Comments"]


def test_cancelling_the_question_starts_nothing(make_window, qtbot, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dialogs, "ask_use_review_edits", lambda parent, edited, locked: None)
    window = make_window(Settings(notify_when_done=False))
    _open(window, qtbot, write_library(tmp_path / "lib.xml", n=4))
    _wait_proposals(window, qtbot)
    window.review.model.set_locked("2", True)
    assert window.start_tagging() is None
    assert window.jobs_panel.model.rowCount() == 0


def test_review_edits_survive_a_relaunch_and_quitting_with_them_asks(
        make_window, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    library = write_library(tmp_path / "lib.xml", n=6)
    first = make_window(Settings(notify_when_done=False), show=True)
    _open(first, qtbot, library)
    _wait_proposals(first, qtbot)
    _edit_energy(first, "3", 10)
    first.review.model.set_locked("4", True)
    answers = []
    monkeypatch.setattr(dialogs, "ask_quit_with_review_edits", lambda parent, count: answers.append(count) or False)
    assert not first.close()  # "Cancel": the window stays, the edits too
    assert answers == [2] and first.isVisible()
    monkeypatch.setattr(dialogs, "ask_quit_with_review_edits", lambda parent, count: answers.append(count) or True)
    assert first.close()
    second = make_window(first.settings)
    _open(second, qtbot, library)
    model = second.review.model
    assert model.is_edited("3") and model.profile_for("3").energy == 10
    assert model.is_locked("4")
    assert "review edits from last time" in second.status_label.text()


def test_write_reviewed_with_no_edits_asks_instead_of_starting_a_job(
        make_window, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = []
    monkeypatch.setattr(dialogs, "ask_tag_without_edits", lambda parent: asked.append(True) or False)
    window = make_window(Settings(notify_when_done=False))
    _open(window, qtbot, write_library(tmp_path / "lib.xml", n=4))
    assert window.write_reviewed() is None
    assert asked == [True] and window.jobs_panel.model.rowCount() == 0


def test_a_second_identical_job_asks_first_and_its_output_says_when(
        make_window, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(Settings(notify_when_done=False))
    _open(window, qtbot, write_library(tmp_path / "lib.xml", n=4))
    first = _wait_finished(window, qtbot, window.start_tagging())
    asked = []
    monkeypatch.setattr(dialogs, "ask_run_again", lambda parent, name, status: asked.append(name) or False)
    assert window.start_tagging() is None
    assert asked == [first.job_display_name]
    monkeypatch.setattr(dialogs, "ask_run_again", lambda parent, name, status: True)
    second = _wait_finished(window, qtbot, window.start_tagging())
    first_name, second_name = Path(first.output_file_path).name, Path(second.output_file_path).name
    assert first_name == "lib_tagged-offline-recommended.xml"
    assert second_name.startswith("lib_tagged-offline-recommended_20") and "-2" not in second_name
