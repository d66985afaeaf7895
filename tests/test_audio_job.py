"""The audio stage inside a tag job: counts per reason, written energy with its source,
the feature cache (unchanged re-run decodes nothing, a moved file is not re-analysed, a
changed one is), remapped music folders, cancel and kill -9 mid-analysis, resume."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from taggenius_desktop.audio import decode
from taggenius_desktop.jobs import JobManager, build_tag_job
from taggenius_desktop.jobs.progress import Reporter
from taggenius_desktop.jobs.tagging import run_tag_job
from taggenius_desktop.library import read_library
from taggenius_desktop.store import jobs_log
from taggenius_desktop.store.db import connect
from taggenius_desktop.store.jobs_log import Status
from tests.support import audio_synth


def _energy(output: Path, track_id: str) -> int:
    comments = read_library(output).track_by_id(track_id).attrs["Comments"]
    return int(comments.split("E: ")[1][:2])


def _run(library: Path, out: Path, **audio: Any) -> dict[str, Any]:
    spec = build_tag_job(library, out, audio_workers=0, **audio)
    conn = connect()
    try:
        return run_tag_job(spec, Reporter(), conn)
    finally:
        conn.close()


@pytest.fixture()
def music(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "Music"
    folder.mkdir()
    files = {
        "calm": audio_synth.write(folder / "calm pad.wav", audio_synth.track(0, 20.0)),
        "intense": audio_synth.write(folder / "Peak – tïme.flac", audio_synth.track(7, 20.0)),
        "corrupt": folder / "corrupt.mp3",
        "empty": folder / "empty.aiff",
        "aac": folder / "song.m4a",
    }
    files["corrupt"].write_bytes(bytes(range(256)) * 40)
    files["empty"].write_bytes(b"")
    files["aac"].write_bytes(b"\x00\x00\x00\x20ftypM4A " + bytes(4000))
    return files


def _library(tmp_path: Path, music: dict[str, Path], root: Path | None = None) -> Path:
    def where(key: str) -> str:
        path = music[key]
        return audio_synth.location(root / path.name if root else path)

    locations = [where(k) for k in ("calm", "intense", "corrupt", "empty", "aac")]
    locations += [audio_synth.location(tmp_path / "Music" / "gone.mp3"), ""]
    return audio_synth.library_for(tmp_path / "lib.xml", locations)


def test_measured_energy_is_written_and_every_reason_counted(tmp_path: Path, music: dict[str, Path],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))  # no OS converter for .m4a
    library = _library(tmp_path, music)
    result = _run(library, tmp_path / "out.xml", audio="on")
    audio = result["audio"]
    assert audio["enabled"] is True
    assert {k: audio[k] for k in ("found", "analysed", "cached", "missing", "unsupported", "failed")} == {
        "found": 5, "analysed": 2, "cached": 0, "missing": 2, "unsupported": 1, "failed": 2,
    }
    assert audio["reasons"] == {"missing": 1, "no-location": 1, "unsupported": 1, "unreadable": 1, "zero-length": 1}
    assert audio["energy_sources"] == {"audio": 2}
    assert result["failed"] == 0 and result["tagged"] == 7, "an unmeasured track is tagged from metadata"
    out = tmp_path / "out.xml"
    assert _energy(out, "1") <= 3 and _energy(out, "2") >= 8
    # Situations the offline tagger derives from energy follow the measured energy.
    from taggenius_desktop.tagging.offline import rules_for

    rules = rules_for()
    for track_id in ("1", "2"):
        comments = read_library(out).track_by_id(track_id).attrs["Comments"]
        situation = comments.split("Sit: ")[1].split(" /")[0].split(",")[0].strip()
        places = rules.vocab.genres.attributes("Techno").situations
        assert situation == rules.situations_for(_energy(out, track_id), places)[0], comments
    # Same genre and tempo: without audio both tracks get the same energy.
    plain = _run(library, tmp_path / "plain.xml", audio="off")
    assert plain["audio"]["enabled"] is False
    assert _energy(tmp_path / "plain.xml", "1") == _energy(tmp_path / "plain.xml", "2")


def test_auto_without_reachable_files_changes_nothing(tmp_path: Path) -> None:
    gone = [audio_synth.location(tmp_path / "elsewhere" / f"{i}.mp3") for i in range(4)]
    library = audio_synth.library_for(tmp_path / "lib.xml", gone)
    auto = _run(library, tmp_path / "auto.xml", audio="auto")
    _run(library, tmp_path / "off.xml", audio="off")
    assert auto["audio"]["enabled"] is False and auto["audio"]["missing"] == 4
    assert (tmp_path / "auto.xml").read_bytes() == (tmp_path / "off.xml").read_bytes()


def _no_decoding(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = decode.read_excerpt

    def counting(path: str) -> decode.Excerpt:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(decode, "read_excerpt", counting)
    return calls


def test_the_cache_survives_a_move_and_notices_a_change(tmp_path: Path, music: dict[str, Path],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    library = _library(tmp_path, music)
    first = _run(library, tmp_path / "a.xml", audio="on")["audio"]
    assert (first["analysed"], first["cached"]) == (2, 0)

    decoded = _no_decoding(monkeypatch)
    again = _run(library, tmp_path / "b.xml", audio="on")["audio"]
    assert (again["analysed"], again["cached"]) == (0, 2)
    assert decoded == [], "an unchanged re-run decodes nothing"
    assert (tmp_path / "a.xml").read_bytes() == (tmp_path / "b.xml").read_bytes()

    # The library moves to another drive; the XML still names the old folder.
    moved = tmp_path / "External" / "Renamed Music"
    shutil.copytree(tmp_path / "Music", moved)
    shutil.rmtree(tmp_path / "Music")
    lost = _run(library, tmp_path / "c.xml", audio="on")["audio"]
    assert lost["found"] == 0 and lost["missing"] == 7
    remapped = _run(library, tmp_path / "d.xml", audio="on",
                    music_roots=[(str(tmp_path / "Music"), str(moved))])["audio"]
    assert (remapped["found"], remapped["analysed"], remapped["cached"]) == (5, 0, 2)
    assert decoded == []

    # A re-encoded file is a different file: analysed again.
    audio_synth.write(moved / music["calm"].name, audio_synth.track(1, 20.0))
    changed = _run(library, tmp_path / "e.xml", audio="on", music_roots=[(str(tmp_path / "Music"), str(moved))])["audio"]
    assert (changed["analysed"], changed["cached"]) == (1, 1)
    assert decoded == [str(moved / music["calm"].name)]


def test_mixed_in_key_references_calibrate_the_scale(tmp_path: Path) -> None:
    folder = tmp_path / "Music"
    folder.mkdir()
    paths, comments = [], []
    for i in range(16):
        level = i % audio_synth.LEVELS
        paths.append(audio_synth.write(folder / f"{i}.wav", audio_synth.track(level, 8.0, seed=i)))
        comments.append(f"8A - Energy {min(10, 3 + level // 2)}")
    library = audio_synth.library_for(tmp_path / "lib.xml", [audio_synth.location(p) for p in paths], comments=comments)
    audio = _run(library, tmp_path / "out.xml", audio="on")["audio"]
    calibration = audio["calibration"]
    assert calibration["fitted"] is True and calibration["references"] == 16
    assert calibration["held_out"] >= 1 and calibration["within_one"] is not None
    # The DJ's Mixed In Key values themselves are kept, now with high confidence.
    assert audio["energy_sources"] == {"mixed-in-key": 16}


def _wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.05)


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _many_tracks(tmp_path: Path, count: int = 12) -> Path:
    folder = tmp_path / "Music"
    folder.mkdir()
    paths = [audio_synth.write(folder / f"t{i}.wav", audio_synth.track(i % audio_synth.LEVELS, 25.0, seed=i))
             for i in range(count)]
    return audio_synth.library_for(tmp_path / "lib.xml", [audio_synth.location(p) for p in paths])


def _cached_rows() -> int:
    conn = connect()
    try:
        return int(conn.execute("SELECT COUNT(*) FROM audio_features").fetchone()[0])
    finally:
        conn.close()


def _analysing(manager: JobManager, job_id: int, at_least: int) -> Callable[[], bool]:
    def check() -> bool:
        record = manager.get(job_id)
        return bool(record and (record.current_track or "").startswith("analysing audio") and _cached_rows() >= at_least)
    return check


@pytest.mark.slow  # analysis processes started, cancelled, and the job resumed to the end
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="child processes are listed through /proc")
def test_cancel_mid_analysis_stops_the_analysis_processes_and_resume_continues(tmp_path: Path) -> None:
    library = _many_tracks(tmp_path)
    with JobManager(workers=1) as manager:
        spec = build_tag_job(library, tmp_path / "out.xml", audio="on", audio_workers=2)
        job_id = manager.submit(spec)
        _wait_until(_analysing(manager, job_id, at_least=1))
        worker = manager.get(job_id).worker_pid
        assert _children_of(worker), "analysis runs in processes of its own"
        assert manager.cancel(job_id)
        record = manager.wait(job_id, timeout=30)
        assert record.status == Status.CANCELLED
        _wait_until(lambda: not _children_of(worker), timeout=10)
        stored = _cached_rows()
        assert 1 <= stored < 12, "finished tracks were stored as they finished"
        manager.resume(job_id)
        record = manager.wait(job_id, timeout=120)
    assert record.status == Status.COMPLETED, record.error
    audio = json.loads(record.result_data)["audio"]
    assert audio["analysed"] + audio["cached"] == 12
    assert audio["cached"] >= stored


@pytest.mark.slow  # analysis processes started, the worker killed, the job resumed to the end
@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_kill_9_mid_analysis_loses_no_finished_track(tmp_path: Path) -> None:
    library = _many_tracks(tmp_path)
    with JobManager(workers=1) as manager:
        job_id = manager.submit(build_tag_job(library, tmp_path / "out.xml", audio="on", audio_workers=2))
        _wait_until(_analysing(manager, job_id, at_least=2))
        os.kill(manager.get(job_id).worker_pid, signal.SIGKILL)
        record = manager.wait(job_id, timeout=30)
        assert record.status == Status.INTERRUPTED
        stored = _cached_rows()
        manager.resume(job_id)
        record = manager.wait(job_id, timeout=120)
    assert record.status == Status.COMPLETED, record.error
    audio = json.loads(record.result_data)["audio"]
    assert audio["cached"] >= stored >= 2
    assert audio["analysed"] + audio["cached"] == 12
    conn = connect()
    assert jobs_log.get_job(conn, job_id).status == Status.COMPLETED
    conn.close()


class _CancelSeenLate(Reporter):
    """A cancel that arrived while the last files were analysed: the heartbeat has not
    brought it yet (``is_cancelled`` False), the database already has it."""

    def cancelled_now(self) -> bool:
        return True


def test_a_cancel_during_the_last_analyses_stops_the_job_before_tagging(tmp_path: Path) -> None:
    from taggenius_desktop.jobs.errors import JobCancelled

    library = _many_tracks(tmp_path, count=2)
    conn = connect()
    try:
        with pytest.raises(JobCancelled):
            run_tag_job(build_tag_job(library, tmp_path / "out.xml", audio="on", audio_workers=0),
                        _CancelSeenLate(), conn)
    finally:
        conn.close()
    assert not (tmp_path / "out.xml").exists()
    assert _cached_rows() == 2  # what was measured is kept for the resume


def test_the_job_reporter_reads_a_cancel_at_once_when_asked(tmp_path: Path) -> None:
    from taggenius_desktop.jobs.progress import DatabaseReporter

    conn = connect()
    job_id = jobs_log.insert_job(conn, {"job_display_name": "t", "original_filename": "lib.xml",
                                        "input_file_path": str(tmp_path / "lib.xml"), "status": Status.IN_PROGRESS,
                                        "job_type": "tag", "spec": "{}"})
    reporter = DatabaseReporter(job_id, heartbeat_interval=3600)  # the heartbeat never looks
    try:
        assert not reporter.cancelled_now()
        assert jobs_log.request_cancel(conn, job_id)
        assert not reporter.is_cancelled()
        assert reporter.cancelled_now() and reporter.is_cancelled()
    finally:
        reporter.close()
        conn.close()
