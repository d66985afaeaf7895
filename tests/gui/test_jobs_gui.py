"""Jobs from the window: progress through the bridge, cancel, a failure in plain words,
quitting while jobs run, interrupted jobs offered on the next launch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.fake_openai import FakeOpenAIServer
from taggenius_desktop.gui import dialogs, notifications
from taggenius_desktop.gui.jobs_model import COL_TRACKS, PERCENT_ROLE
from taggenius_desktop.settings import Settings
from taggenius_desktop.store import connect, jobs_log
from taggenius_desktop.store.jobs_log import Status
from tests.support.libraries import write_library


def _server_settings(server: FakeOpenAIServer, **extra) -> Settings:  # noqa: ANN003
    return Settings(provider="custom", llm_preset="custom", base_url=server.base_url, model="gpt-4o-mini",
                    notify_when_done=False, **extra)


def _open(window, qtbot, path: Path) -> None:  # noqa: ANN001
    with qtbot.waitSignal(window.library_loaded, timeout=15_000):
        window.open_library(path)


def _wait_finished(window, qtbot, job_id: int, timeout: int = 60_000):  # noqa: ANN001, ANN202
    """The job's record once the bridge has seen it finish (it may have already)."""

    def finished() -> None:
        record = window.bridge.record(job_id)
        assert record is not None and record.status in Status.FINISHED

    qtbot.waitUntil(finished, timeout=timeout)
    return window.bridge.record(job_id)


def test_job_progress_reaches_100_percent_through_the_bridge(make_window, qtbot, tmp_path: Path, fake_openai) -> None:
    library = write_library(tmp_path / "lib.xml", n=24)
    server = fake_openai(latency_per_request=0.05)
    window = make_window(_server_settings(server, batch_size=4, concurrency=1))
    _open(window, qtbot, library)
    progressed = []
    window.bridge.job_progressed.connect(lambda record: progressed.append(record))
    with qtbot.waitSignal(window.bridge.job_finished, timeout=60_000) as finished:
        job_id = window.start_tagging()
    record = finished.args[0]
    assert job_id is not None and record.id == job_id
    assert record.status == Status.COMPLETED, record.error
    model = window.jobs_panel.model
    row = model.row_of(job_id)
    assert row is not None
    assert model.index(row, 0).data(PERCENT_ROLE) == 100
    assert model.index(row, COL_TRACKS).data() == "24 / 24 tracks"
    assert any(r.id == job_id and r.status == Status.IN_PROGRESS for r in progressed)
    assert server.request_count >= 6  # 24 tracks in batches of 4 really went to the server
    output = Path(record.output_file_path)
    assert output.is_file() and output.parent == window.settings.effective_output_dir
    # the finished job offers its output
    window.jobs_panel.select_job(job_id)
    assert window.jobs_panel.open_action.isEnabled()
    assert window.jobs_panel.reveal_action.isEnabled()


def test_open_output_and_reveal_go_through_replaceable_functions(make_window, qtbot, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from taggenius_desktop.gui import system

    opened, revealed = [], []
    monkeypatch.setattr(system, "open_path", lambda path: opened.append(str(path)) or True)
    monkeypatch.setattr(system, "reveal_in_file_manager", lambda path: revealed.append(str(path)) or True)
    window = make_window(Settings(notify_when_done=False))
    _open(window, qtbot, write_library(tmp_path / "lib.xml", n=6))
    job_id = window.start_tagging()
    record = _wait_finished(window, qtbot, job_id)
    assert record.status == Status.COMPLETED, record.error
    window.jobs_panel.select_job(job_id)
    assert window.jobs_panel.open_action.isEnabled(), window.jobs_panel.selected_record()
    window.jobs_panel.open_action.trigger()
    window.jobs_panel.reveal_action.trigger()
    assert opened == [record.output_file_path]
    assert revealed == [record.output_file_path]


def test_cancel_stops_a_running_job(make_window, qtbot, tmp_path: Path, fake_openai) -> None:
    library = write_library(tmp_path / "lib.xml", n=40)
    server = fake_openai(latency_per_track=0.15)
    window = make_window(_server_settings(server, batch_size=2, concurrency=1))
    _open(window, qtbot, library)
    job_id = window.start_tagging()
    with qtbot.waitSignal(window.bridge.job_progressed, timeout=30_000,
                          check_params_cb=lambda r: r.id == job_id and r.tracks_done > 0):
        pass
    window.jobs_panel.select_job(job_id)
    assert window.jobs_panel.cancel_action.isEnabled()
    window.jobs_panel.cancel_action.trigger()
    record = _wait_finished(window, qtbot, job_id, timeout=20_000)
    assert record.status == Status.CANCELLED
    assert 0 < record.tracks_done < 40
    window.jobs_panel.select_job(job_id)
    assert window.jobs_panel.resume_action.isEnabled()
    assert not window.jobs_panel.cancel_action.isEnabled()


def test_a_failed_job_shows_its_message(make_window, qtbot, tmp_path: Path, fake_openai) -> None:
    library = write_library(tmp_path / "lib.xml", n=6)
    # The server wants a key the app does not send: a 401, job-fatal.
    server = fake_openai(api_key="sk-server-only-key-123456")
    window = make_window(_server_settings(server))
    _open(window, qtbot, library)
    job_id = window.start_tagging()
    record = _wait_finished(window, qtbot, job_id)
    assert record.status == Status.FAILED
    assert "401" in record.error
    window.jobs_panel.select_job(job_id)
    assert "401" in window.jobs_panel.details.text()
    assert not window.jobs_panel.details.isHidden()
    row = window.jobs_panel.model.row_of(job_id)
    assert "401" in window.jobs_panel.model.index(row, 7).data()
    assert "sk-server-only-key-123456" not in window.jobs_panel.details.text()


def test_notification_when_a_job_ends_in_the_background(make_window, qtbot, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    shown = []
    monkeypatch.setattr(notifications, "show_notification",
                        lambda title, message, icon=None, error=False: shown.append((title, message)) or True)
    window = make_window(Settings(notify_when_done=True))  # never shown, so never active
    _open(window, qtbot, write_library(tmp_path / "lib.xml", n=4))
    job_id = window.start_tagging()
    record = _wait_finished(window, qtbot, job_id)
    assert record.status == Status.COMPLETED
    assert shown and "finished" in shown[0][1]


def test_several_jobs_queue_and_the_window_stays_usable(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window(Settings(notify_when_done=False))
    _open(window, qtbot, write_library(tmp_path / "lib.xml", n=8))
    first = window.start_tagging()
    second = window.start_split()
    assert first != second
    assert window.jobs_panel.model.rowCount() >= 2  # both rows are there at once
    assert _wait_finished(window, qtbot, first).status == Status.COMPLETED
    assert _wait_finished(window, qtbot, second).status == Status.COMPLETED


def test_quitting_with_jobs_running_asks(make_window, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        fake_openai) -> None:
    library = write_library(tmp_path / "lib.xml", n=30)
    answers = []
    server = fake_openai(latency_per_track=0.2)
    window = make_window(_server_settings(server, batch_size=2, concurrency=1), show=True)
    _open(window, qtbot, library)
    job_id = window.start_tagging()
    with qtbot.waitSignal(window.bridge.job_progressed, timeout=30_000,
                          check_params_cb=lambda r: r.id == job_id and r.status == Status.IN_PROGRESS):
        pass
    monkeypatch.setattr(dialogs, "ask_quit_with_jobs", lambda parent, running: answers.append(running) or False)
    assert not window.close()  # "Keep running": the window stays
    assert answers == [1] and window.isVisible()
    monkeypatch.setattr(dialogs, "ask_quit_with_jobs", lambda parent, running: answers.append(running) or True)
    assert window.close()
    assert len(answers) == 2
    conn = connect()
    status = jobs_log.get_job(conn, job_id).status
    conn.close()
    assert status == Status.INTERRUPTED  # so the next launch offers it for resuming


def test_interrupted_jobs_are_offered_in_a_banner_and_resume(make_window, qtbot, tmp_path: Path) -> None:
    from taggenius_desktop.jobs import build_tag_job
    from taggenius_desktop.jobs.specs import spec_to_json

    library = write_library(tmp_path / "lib.xml", n=5)
    spec = build_tag_job(library, tmp_path / "out.xml", provider="offline")
    conn = connect()
    job_id = jobs_log.insert_job(conn, {
        "job_display_name": spec.display_name, "original_filename": "lib.xml", "input_file_path": str(library),
        "output_file_path": spec.output_path, "job_type": "tag", "spec": spec_to_json(spec),
        "provider": "offline", "status": Status.INTERRUPTED, "tracks_total": 5, "tracks_done": 2,
    })
    conn.close()
    window = make_window(Settings(notify_when_done=False))
    assert not window.banner.isHidden()
    assert "did not finish" in window.banner.text.text()
    window.banner.action_button.click()
    record = _wait_finished(window, qtbot, job_id)
    assert record.status == Status.COMPLETED
    assert json.loads(record.result_data)["tracks_total"] == 5
    assert Path(tmp_path / "out.xml").is_file()


def test_a_dismissed_banner_is_not_shown_again(make_window, tmp_path: Path) -> None:
    conn = connect()
    job_id = jobs_log.insert_job(conn, {
        "job_display_name": "Tag old.xml", "original_filename": "old.xml", "input_file_path": str(tmp_path / "old.xml"),
        "job_type": "tag", "spec": "{}", "status": Status.INTERRUPTED,
    })
    conn.close()
    first = make_window(Settings(notify_when_done=False))
    assert not first.banner.isHidden()
    first.banner.close_button.click()
    assert first.banner.isHidden()
    assert job_id in first.settings.dismissed_jobs
    second = make_window(first.settings)
    assert second.banner.isHidden()
