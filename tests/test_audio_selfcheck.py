"""The self-test's audio check, run from source: MP3 and FLAC encoded, decoded and
analysed in an analysis process, calm below intense."""

from __future__ import annotations

from taggenius_desktop.audio import pool
from taggenius_desktop.audio.selfcheck import check_audio


def test_self_test_audio_check_passes_through_an_analysis_process(monkeypatch) -> None:
    started: list[object] = []
    real = pool._start_child

    def recording() -> object:
        child = real()
        started.append(child)
        return child

    monkeypatch.setattr(pool, "_start_child", recording)
    detail = check_audio()
    assert detail.startswith("MP3 and FLAC decoded in an analysis process")
    assert len(started) == 1
    assert all(child.poll() is not None for child in started), "no analysis process outlives the check"
