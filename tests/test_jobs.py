"""The job system: worker pool, progress in processing_log, cancel, crash recovery."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from taggenius_desktop.jobs import JobManager, build_split_job, build_tag_job
from taggenius_desktop.library import read_library
from taggenius_desktop.store import connect, jobs_log
from taggenius_desktop.store.jobs_log import Status
from taggenius_desktop.writeback.plan import NOTE_UNSURE
from tests.conftest import PROJECT_ROOT
from tests.support.libraries import write_library

FAKE_MODEL = "gpt-4o-mini"


def _wait_until(predicate, timeout: float = 30.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not reached in time")


def test_offline_job_through_the_pool(tmp_path):
    library = write_library(tmp_path / "lib.xml", n=20)
    with JobManager(workers=2) as manager:
        job_id = manager.submit(build_tag_job(library))
        record = manager.wait(job_id, timeout=60)
    assert record.status == Status.COMPLETED, record.error
    assert record.tracks_done == record.tracks_total == 20
    assert record.output_file_path == str(tmp_path / "lib_tagged.xml")
    assert record.worker_pid and record.worker_pid != os.getpid()
    result = json.loads(record.result_data)
    # every tenth track has no genre: tagged from the tempo alone, a guess, left as it was
    assert result["tracks_changed"] == 18
    assert result["notes"] == {NOTE_UNSURE: 2}
    tagged = read_library(record.output_file_path)
    assert sum(1 for t in tagged.tracks if t.attrs["Genre"]) == 18


def test_three_concurrent_jobs_lose_nothing(tmp_path):
    libraries = [write_library(tmp_path / f"lib{i}.xml", n=40 + i) for i in range(3)]
    with JobManager(workers=2) as manager:
        ids = [manager.submit(build_tag_job(lib)) for lib in libraries]
        records = [manager.wait(job_id, timeout=120) for job_id in ids]
    for lib, record in zip(libraries, records, strict=True):
        assert record.status == Status.COMPLETED, record.error
        assert record.tracks_done == record.tracks_total == len(read_library(lib).tracks)
        assert len(read_library(record.output_file_path).tracks) == record.tracks_total
    conn = connect()
    assert [r.status for r in jobs_log.list_jobs(conn)] == [Status.COMPLETED] * 3


def test_cancel_stops_a_job_against_a_slow_server_within_2s(tmp_path, fake_openai):
    library = write_library(tmp_path / "lib.xml", n=30)
    server = fake_openai(latency_per_request=30.0)
    with JobManager(workers=1) as manager:
        spec = build_tag_job(library, provider="openai-compatible", base_url=server.base_url,
                             model=FAKE_MODEL, batch_size=5, concurrency=2)
        job_id = manager.submit(spec)
        _wait_until(lambda: server.request_count >= 1)
        assert manager.get(job_id).status == Status.IN_PROGRESS
        cancelled_at = time.monotonic()
        assert manager.cancel(job_id)
        record = manager.wait(job_id, timeout=2.0)
        stopped_after = time.monotonic() - cancelled_at
    assert record.status == Status.CANCELLED
    assert stopped_after <= 2.0
    assert not Path(spec.output_path).exists(), "no output is written for a cancelled job"
    assert not list(tmp_path.glob("*.tmp*")), "no half-written file is left behind"


def test_cancel_of_a_queued_job_is_immediate(tmp_path, fake_openai):
    library = write_library(tmp_path / "lib.xml", n=5)
    server = fake_openai(latency_per_request=30.0)
    with JobManager(workers=1) as manager:
        slow = manager.submit(build_tag_job(library, tmp_path / "a.xml", provider="openai-compatible",
                                            base_url=server.base_url, model=FAKE_MODEL))
        queued = manager.submit(build_tag_job(library, tmp_path / "b.xml"))
        assert manager.get(queued).status == Status.QUEUED
        manager.cancel(queued)
        assert manager.get(queued).status == Status.CANCELLED
        manager.cancel(slow)
        assert manager.wait(slow, timeout=5).status == Status.CANCELLED


def test_split_keeps_every_playlist_and_adds_a_tag_genius_folder(tmp_path):
    library = write_library(tmp_path / "lib.xml", n=20)
    with JobManager(workers=1) as manager:
        record = manager.wait(manager.submit(build_split_job(library)), timeout=60)
    assert record.status == Status.COMPLETED, record.error
    original = read_library(library)
    split = read_library(record.output_file_path)
    playlists = {"/".join([*path, node.name]): node.track_ids(split) for path, node in split.playlists.iter_playlists()}
    for path, node in original.playlists.iter_playlists():
        assert playlists["/".join([*path, node.name])] == node.track_ids(original)
    genre_lists = {k: v for k, v in playlists.items() if k.startswith("Tag Genius/By Genre/")}
    assert genre_lists
    assert sorted(tid for ids in genre_lists.values() for tid in ids) == sorted(t.track_id for t in original.tracks)


def _tag_command(library: Path, output: Path, base_url: str) -> list[str]:
    return [sys.executable, "-m", "taggenius_desktop", "tag", str(library), "-o", str(output),
            "--provider", "openai-compatible", "--base-url", base_url, "--model", FAKE_MODEL,
            "--batch-size", "2", "--concurrency", "1"]


@pytest.mark.slow
def test_sigkill_half_way_then_resume_gives_the_same_bytes(tmp_path, monkeypatch, fake_openai):
    library = write_library(tmp_path / "lib.xml", n=30)
    reference = tmp_path / "reference.xml"
    resumed_output = tmp_path / "resumed.xml"
    server = fake_openai(latency_per_request=0.25)
    # An uninterrupted run, with its own empty cache.
    env = {**os.environ, "TAGGENIUS_HOME": str(tmp_path / "reference_home")}
    proc = subprocess.run(_tag_command(library, reference, server.base_url), env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    requests_for_full_run = server.request_count

    # The same job, killed half way (the host process, as when the app is force-quit).
    host = subprocess.Popen(_tag_command(library, resumed_output, server.base_url), cwd=PROJECT_ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    conn = connect()

    def half_done():
        jobs = jobs_log.list_jobs(conn)
        return jobs and jobs[0].tracks_done >= 10 and jobs[0]

    running = _wait_until(half_done, timeout=60)
    os.kill(host.pid, signal.SIGKILL)
    host.wait(timeout=10)
    job_id = running.id
    # The worker notices its host is gone and stops: no orphan keeps spending.
    _wait_until(lambda: not jobs_log.process_alive(running.worker_pid), timeout=10)
    _wait_until(lambda: (jobs_log.mark_interrupted_jobs(conn) or True)
                and jobs_log.get_job(conn, job_id).status == Status.INTERRUPTED, timeout=20)
    assert not resumed_output.exists()

    requests_before_resume = server.request_count
    with JobManager(workers=1) as manager:
        manager.resume(job_id)
        record = manager.wait(job_id, timeout=120)
    assert record.status == Status.COMPLETED, record.error
    assert record.cached >= 10, "finished tracks come from the cache"
    resume_requests = server.request_count - requests_before_resume
    assert resume_requests < requests_for_full_run
    assert record.output_file_path == str(resumed_output)
    assert resumed_output.read_bytes() == reference.read_bytes()


@pytest.mark.slow
def test_progress_is_visible_while_running(tmp_path, fake_openai):
    library = write_library(tmp_path / "lib.xml", n=20)
    server = fake_openai(latency_per_request=0.3)
    with JobManager(workers=1) as manager:
        job_id = manager.submit(build_tag_job(library, provider="openai-compatible", base_url=server.base_url,
                                              model=FAKE_MODEL, batch_size=2, concurrency=1))
        reader = connect()
        seen = set()
        while True:
            record = jobs_log.get_job(reader, job_id)
            if record.status == Status.IN_PROGRESS:
                seen.add(record.tracks_done)
            if record.status in Status.FINISHED:
                break
            time.sleep(0.05)
    assert record.status == Status.COMPLETED
    assert len([d for d in seen if 0 < d < 20]) >= 2, f"intermediate progress was written: {sorted(seen)}"
    assert record.requests >= 10 and record.input_tokens > 0 and record.output_tokens > 0


SECRET_KEY = "sk-proj-" + "Zq7" * 16


def _files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_llm_job_caches_results_and_never_leaks_the_key(tmp_path, isolated_home, fake_openai):
    library = write_library(tmp_path / "lib.xml", n=25)
    server = fake_openai(api_key=SECRET_KEY)
    with JobManager(workers=1) as manager:
        def run(output: str, use_cache: bool = True):
            spec = build_tag_job(library, tmp_path / output, provider="openai", base_url=server.base_url,
                                 api_key=SECRET_KEY, batch_size=5, use_cache=use_cache)
            return manager.wait(manager.submit(spec), timeout=60)

        first = run("first.xml")
        requests_after_first = server.request_count
        second = run("second.xml")
        requests_after_second = server.request_count
        third = run("third.xml", use_cache=False)
    assert first.status == second.status == third.status == Status.COMPLETED, (first.error, second.error)
    assert first.tagged == 25 and first.cached == 0 and first.requests >= 5
    assert second.cached == 25 and second.tagged == 0 and second.requests == 0
    assert requests_after_second == requests_after_first, "a second run makes zero requests"
    assert server.request_count > requests_after_second, "--no-cache asks again"
    assert (tmp_path / "first.xml").read_bytes() == (tmp_path / "second.xml").read_bytes()
    # The key is in no file Tag Genius wrote: database (with its WAL), logs, outputs.
    written = _files_under(isolated_home) + [tmp_path / "first.xml", tmp_path / "second.xml"]
    assert any(p.suffix == ".log" for p in written)
    for path in written:
        assert SECRET_KEY.encode() not in path.read_bytes(), path
        assert SECRET_KEY[8:30].encode() not in path.read_bytes(), path


def test_rejected_key_fails_the_job_at_once_with_plain_words(tmp_path, isolated_home, fake_openai):
    library = write_library(tmp_path / "lib.xml", n=10)
    wrong = "sk-wrong-" + "A1b2" * 10
    server = fake_openai(api_key=SECRET_KEY)
    with JobManager(workers=1) as manager:
        spec = build_tag_job(library, provider="openai", base_url=server.base_url, api_key=wrong)
        record = manager.wait(manager.submit(spec), timeout=60)
    assert server.request_count <= 2, "a bad key must not be retried track after track"
    assert record.status == Status.FAILED
    assert "key" in record.error.lower() and "401" in record.error
    assert wrong not in record.error and wrong[9:25] not in record.error
    for path in _files_under(isolated_home):
        assert wrong[9:25].encode() not in path.read_bytes(), path
    assert not Path(spec.output_path).exists()


def test_quitting_to_resume_later_leaves_jobs_interrupted(tmp_path, fake_openai):
    library = write_library(tmp_path / "lib.xml", n=10)
    server = fake_openai(latency_per_request=30.0)
    manager = JobManager(workers=1)
    spec = build_tag_job(library, tmp_path / "a.xml", provider="openai-compatible", base_url=server.base_url,
                         model=FAKE_MODEL)
    running = manager.submit(spec)
    queued = manager.submit(build_tag_job(library, tmp_path / "b.xml"))
    _wait_until(lambda: server.request_count >= 1)
    manager.shutdown(cancel_running=False, timeout=0.0)
    conn = connect()
    assert jobs_log.get_job(conn, running).status == Status.INTERRUPTED
    assert jobs_log.get_job(conn, queued).status == Status.INTERRUPTED
    with JobManager(workers=1) as again:
        again.resume(queued)
        assert again.wait(queued, timeout=60).status == Status.COMPLETED
