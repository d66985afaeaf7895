"""The SQLite store: schema, permissions, cache, originals, liveness of jobs."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time

import pytest

from taggenius_desktop import paths
from taggenius_desktop.store import cache, connect, db, jobs_log, originals
from taggenius_desktop.store.jobs_log import Status
from taggenius_desktop.vocabulary.profile import TagProfile, TrackInfo


def _job(conn: sqlite3.Connection, **values) -> int:
    base = {"job_display_name": "t", "original_filename": "a.xml", "input_file_path": "/a.xml",
            "job_type": "tag", "spec": "{}"}
    return jobs_log.insert_job(conn, {**base, **values})


def test_database_is_private_wal_and_versioned(isolated_home):
    conn = connect()
    assert paths.database_path().parent == isolated_home
    mode = stat.S_IMODE(os.stat(paths.database_path()).st_mode)
    assert mode == 0o600
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    conn.close()
    # opening again does not migrate twice or lose rows
    conn = connect()
    job_id = _job(conn)
    conn.close()
    assert jobs_log.get_job(connect(), job_id).status == Status.QUEUED


def test_newer_schema_is_not_opened_and_said_in_one_line():
    conn = connect()
    conn.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}")
    conn.close()
    paths.take_notices()
    conn = connect()  # a temporary stand-in: see test_store_recovery.py
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    conn.close()
    (notice,) = paths.take_notices()
    assert "newer Tag Genius" in notice


def test_cache_round_trip_and_identity():
    conn = connect()
    info = TrackInfo(track_id="1", title="Spastik", artist="Plastikman", genre="Techno", bpm=130.0, year=1993)
    same_music_other_export = TrackInfo(track_id="999", title="spastik ", artist="PLASTIKMAN", genre="techno",
                                        bpm=130.0, year=1993, location="file://localhost/other/path.mp3")
    retagged = TrackInfo(track_id="1", title="Spastik", artist="Plastikman", genre="Minimal", bpm=130.0, year=1993)
    ident = cache.track_identity(info)
    assert cache.track_identity(same_music_other_export) == ident
    assert cache.track_identity(retagged) != ident

    profile = TagProfile(primary_genre="Techno", sub_genres=("Minimal Techno",), energy=7, era="1990s",
                         sources={"energy": "llm"})
    cache.put_cached(conn, "openai:gpt:1", {ident: profile})
    assert cache.get_cached(conn, "openai:gpt:1", [ident]) == {ident: profile}
    assert cache.get_cached(conn, "openai:other-model:1", [ident]) == {}
    assert cache.latest_cached_any(conn, [ident]) == {ident: profile}


def test_cache_lookup_of_many_identities_is_chunked():
    conn = connect()
    profiles = {f"id{i}": TagProfile(primary_genre="House", energy=5) for i in range(1500)}
    cache.put_cached(conn, "k", profiles)
    found = cache.get_cached(conn, "k", [f"id{i}" for i in range(2000)])
    assert len(found) == 1500


def test_originals_round_trip_and_replace_on_rerun():
    conn = connect()
    job_id = _job(conn)
    rows = [originals.TrackOriginals(job_id, "7", "file://localhost/a.mp3", {"Genre": "", "Colour": None},
                                     {"Genre": "House, Deep House", "Colour": "0x00FF00"})]
    originals.replace_for_job(conn, job_id, rows)
    originals.replace_for_job(conn, job_id, rows)  # a resumed job stores again: no duplicates
    stored = originals.for_job(conn, job_id)
    assert list(stored) == ["7"]
    assert stored["7"].originals == {"Genre": "", "Colour": None}
    by_location = originals.latest_by_location(conn, ["file://localhost/a.mp3"])
    assert by_location["file://localhost/a.mp3"][0].written["Colour"] == "0x00FF00"
    jobs_log.update_job(conn, job_id, output_sha256="abc")
    assert originals.job_for_output_hash(conn, "abc") == job_id
    assert originals.job_for_output_hash(conn, "def") is None


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_dead_worker_and_stale_heartbeat_become_interrupted():
    conn = connect()
    dead = _dead_pid()
    crashed = _job(conn, status=Status.IN_PROGRESS, worker_pid=dead, heartbeat_at=time.time())
    stale = _job(conn, status=Status.IN_PROGRESS, worker_pid=os.getpid(), heartbeat_at=time.time() - 3600)
    alive = _job(conn, status=Status.IN_PROGRESS, worker_pid=os.getpid(), heartbeat_at=time.time())
    orphan_queued = _job(conn, status=Status.QUEUED, host_pid=dead)
    queued = _job(conn, status=Status.QUEUED, host_pid=os.getpid())
    done = _job(conn, status=Status.COMPLETED, worker_pid=dead)

    assert sorted(jobs_log.mark_interrupted_jobs(conn)) == sorted([crashed, stale, orphan_queued])
    assert jobs_log.get_job(conn, crashed).status == Status.INTERRUPTED
    assert jobs_log.get_job(conn, crashed).error
    assert jobs_log.get_job(conn, alive).status == Status.IN_PROGRESS
    assert jobs_log.get_job(conn, queued).status == Status.QUEUED
    assert jobs_log.get_job(conn, done).status == Status.COMPLETED


def test_cancel_request_only_for_active_jobs():
    conn = connect()
    running = _job(conn, status=Status.IN_PROGRESS)
    finished = _job(conn, status=Status.COMPLETED)
    assert jobs_log.request_cancel(conn, running) is True
    assert jobs_log.get_job(conn, running).cancel_requested == 1
    assert jobs_log.request_cancel(conn, finished) is False


def test_eta_from_rate():
    conn = connect()
    job_id = _job(conn, status=Status.IN_PROGRESS, started_at=time.time() - 10, tracks_done=100, tracks_total=300)
    eta = jobs_log.get_job(conn, job_id).eta_seconds()
    assert eta == pytest.approx(20, rel=0.1)
    assert jobs_log.get_job(conn, job_id).to_json_dict()["status"] == Status.IN_PROGRESS
