"""A full disk under the data folder: one plain error the job runner can catch, and logs
that go quiet instead of printing tracebacks."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from taggenius_desktop.store import cache, connect, jobs_log, originals
from taggenius_desktop.store.errors import StoreError, StoreFull
from taggenius_desktop.vocabulary.profile import TagProfile
from tests.conftest import PROJECT_ROOT
from tests.mounts import fill, tmpfs


def _profiles(start: int, count: int) -> dict[str, TagProfile]:
    return {f"id{i}-" + "x" * 40: TagProfile(primary_genre="House", sub_genres=("Deep House",), energy=5)
            for i in range(start, start + count)}


def _job(conn: sqlite3.Connection) -> int:
    return jobs_log.insert_job(conn, {"job_display_name": "t", "original_filename": "a.xml",
                                      "input_file_path": "/a.xml", "job_type": "tag", "spec": "{}"})


def test_full_disk_gives_store_full_not_cannot_rollback(tmp_path, monkeypatch):
    with tmpfs(tmp_path / "small", "2m") as home:
        monkeypatch.setenv("TAGGENIUS_HOME", str(home))
        conn = connect()
        job_id = _job(conn)
        spare = home / "spare"
        spare.write_bytes(b"\0" * 600_000)
        # One big batch spills pages mid-transaction: SQLITE_FULL then rolls back by itself,
        # which is where "cannot rollback - no transaction is active" came from.
        with pytest.raises(StoreFull) as raised:
            cache.put_cached(conn, "k", _profiles(0, 30_000))
        assert "full" in str(raised.value) and str(home) in str(raised.value)
        assert "cannot rollback" not in str(raised.value)
        assert not conn.in_transaction, "the failed transaction is gone, not left open"
        with pytest.raises(StoreError):
            originals.replace_for_job(conn, job_id, [originals.TrackOriginals(
                job_id, str(i), f"file://localhost/{i}-{os.urandom(16).hex()}.mp3", {"Genre": ""},
                {"Genre": os.urandom(64).hex()}) for i in range(20_000)])
        # Space again: the same connection stores again.
        spare.unlink()
        cache.put_cached(conn, "k", _profiles(10**6, 10))
        assert len(cache.get_cached(conn, "k", list(_profiles(10**6, 10)))) == 10
        conn.close()


def test_full_disk_on_a_progress_write_is_store_full(tmp_path, monkeypatch):
    with tmpfs(tmp_path / "small", "1m") as home:
        monkeypatch.setenv("TAGGENIUS_HOME", str(home))
        conn = connect()
        job_id = _job(conn)
        fill(home)
        with pytest.raises(StoreFull):
            for n in range(20000):  # each write appends to the WAL until the disk is full
                jobs_log.update_job(conn, job_id, current_track=f"{n} " + "y" * 2000)
        conn.close()


_LOG_SCRIPT = """
import logging, sys
from taggenius_desktop.logs import setup_logging
setup_logging("probe")
log = logging.getLogger("probe")
for n in range(50):
    log.warning("record %d %s", n, "z" * 4000)
log.error("still running")
print("done", file=sys.stderr)
"""


def test_logging_on_a_full_disk_says_once_that_it_is_off(tmp_path):
    with tmpfs(tmp_path / "small", "1m") as home:
        (home / "logs").mkdir()
        fill(home)
        env = {**os.environ, "TAGGENIUS_HOME": str(home)}
        done = subprocess.run([sys.executable, "-c", _LOG_SCRIPT], env=env, cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "--- Logging error ---" not in done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines[-1] == "done"
    off = [line for line in lines if "logging is off" in line]
    assert len(off) == 1 and "taggenius-probe.log" in off[0]


def test_logging_into_a_home_that_cannot_hold_logs_is_off_in_one_line(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "logs").write_text("a file where the log folder should be")
    env = {**os.environ, "TAGGENIUS_HOME": str(home)}
    done = subprocess.run([sys.executable, "-c", _LOG_SCRIPT], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "--- Logging error ---" not in done.stderr
    assert sum("logging is off" in line for line in done.stderr.splitlines()) == 1


def test_diagnostics_without_a_log_folder_are_empty_not_an_error(isolated_home):
    from taggenius_desktop.logs import recent_lines

    (isolated_home / "logs").write_text("a file where the log folder should be")
    assert recent_lines() == []


def test_progress_that_cannot_be_written_does_not_stop_the_job(tmp_path, monkeypatch):
    from taggenius_desktop.jobs.progress import DatabaseReporter

    with tmpfs(tmp_path / "small", "1m") as home:
        monkeypatch.setenv("TAGGENIUS_HOME", str(home))
        conn = connect()
        job_id = _job(conn)
        reporter = DatabaseReporter(job_id, heartbeat_interval=60)
        fill(home)
        for n in range(2000):  # progress is not the DJ's data: the job goes on without it
            reporter.current_track = f"{n} " + "y" * 2000
            reporter.tick(force=True)
            reporter.set_fields(track_count=n)
        assert isinstance(reporter.store_trouble, StoreFull)
        reporter.close()
        conn.close()
