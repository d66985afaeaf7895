"""The end of a tag job: finished work is never discarded, temp files never outlive it.

Full data folder: SQLite's own limit (``max_page_count``) makes every write that grows
the database fail with the real "database or disk is full". SIGTERM during the output
write: a real child process is stopped while its temp file exists.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from taggenius_desktop.cli.main import run_cli
from taggenius_desktop.jobs import build_tag_job
from taggenius_desktop.jobs.errors import CACHE_NOT_SAVED, RESTORE_DATA_NOT_SAVED
from taggenius_desktop.jobs.progress import Reporter
from taggenius_desktop.jobs.tagging import run_tag_job
from taggenius_desktop.library import read_library
from taggenius_desktop.store import connect, jobs_log
from tests.conftest import PROJECT_ROOT
from tests.support.libraries import write_library


def _job_row(conn) -> int:
    return jobs_log.insert_job(conn, {"job_display_name": "t", "original_filename": "lib.xml",
                                      "input_file_path": "lib.xml", "job_type": "tag", "spec": "{}",
                                      "status": "In Progress"})


def _fill_up(conn) -> None:
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # from now on the database cannot grow


def test_a_full_data_folder_still_writes_the_output_and_says_restore_data_was_not_saved(tmp_path):
    library = write_library(tmp_path / "lib.xml", n=3000)
    conn = connect()
    job_id = _job_row(conn)
    _fill_up(conn)
    spec = build_tag_job(library, tmp_path / "out.xml")
    result = run_tag_job(spec, Reporter(), conn, job_id)
    assert result["tagged"] == 3000
    assert RESTORE_DATA_NOT_SAVED in result["warnings"]
    # Finished work is not discarded: the output is what a run with a healthy store writes.
    reference = build_tag_job(library, tmp_path / "reference.xml")
    run_tag_job(reference, Reporter(), None, None)
    written = (tmp_path / "out.xml").read_bytes()
    assert written == (tmp_path / "reference.xml").read_bytes(), "finished work must not be discarded"
    assert sum("/* E: " in t.attrs.get("Comments", "") for t in read_library(tmp_path / "out.xml").tracks) > 2000


def test_a_full_data_folder_does_not_cost_the_tags_already_paid_for(tmp_path, fake_openai):
    library = write_library(tmp_path / "lib.xml", n=30)
    conn = connect()
    _fill_up(conn)
    server = fake_openai()
    spec = build_tag_job(library, tmp_path / "out.xml", provider="openai-compatible", base_url=server.base_url,
                         model="gpt-4o-mini", batch_size=5)
    result = run_tag_job(spec, Reporter(), conn, None)
    assert result["tagged"] == 30 and result["failed"] == 0
    assert CACHE_NOT_SAVED in result["warnings"]
    assert read_library(tmp_path / "out.xml").tracks[0].attrs["Comments"].startswith("/* E: ")


class _CancelWhenAllDone(Reporter):
    """A cancel that arrives the moment the last track is tagged."""

    def is_cancelled(self) -> bool:
        return self.counters.tracks_total > 0 and self.counters.tracks_done >= self.counters.tracks_total


def test_a_cancel_after_every_track_is_tagged_lets_the_job_complete(tmp_path, fake_openai):
    library = write_library(tmp_path / "lib.xml", n=25)
    server = fake_openai()
    spec = build_tag_job(library, tmp_path / "out.xml", provider="openai-compatible", base_url=server.base_url,
                         model="gpt-4o-mini", batch_size=5)
    result = run_tag_job(spec, _CancelWhenAllDone(), connect(), None)
    assert result["tagged"] == 25
    assert (tmp_path / "out.xml").exists()


def test_stale_temp_files_of_ours_are_removed_on_the_next_start_and_nothing_else(tmp_path, capsys):
    library = write_library(tmp_path / "lib.xml", n=5)
    old = time.time() - 3600
    stale = tmp_path / ".out.xml.3fa9c0d2.tmp"
    not_ours = [tmp_path / ".out.xml.notours.tmp", tmp_path / ".other.xml.3fa9c0d2.tmp",
                tmp_path / "out.xml.3fa9c0d2.tmp", tmp_path / ".out.xml.3fa9c0d2.tmp.bak"]
    for path in [stale, *not_ours]:
        path.write_bytes(b"x" * 1000)
        os.utime(path, (old, old))
    younger = tmp_path / ".out.xml.0badc0de.tmp"  # a write that started after this job
    younger.write_bytes(b"y")
    future = time.time() + 3600
    os.utime(younger, (future, future))
    assert run_cli(["tag", str(library), "-o", str(tmp_path / "out.xml")]) == 0, capsys.readouterr().err
    assert not stale.exists()
    assert all(p.exists() for p in not_ours) and younger.exists()


CHILD = r'''
import sys, time
from pathlib import Path
from taggenius_desktop.jobs import build_tag_job
from taggenius_desktop.jobs.errors import JobCancelled
from taggenius_desktop.jobs.progress import Reporter
from taggenius_desktop.jobs.tagging import run_tag_job
from taggenius_desktop.library import writer

real = writer._produce
def slow(lib, write, reuse_input):
    write(b"<?xml")  # the temp file now exists and holds a partial document
    Path(sys.argv[3]).write_text("writing")
    time.sleep(60)
    real(lib, write, reuse_input)
writer._produce = slow
try:
    run_tag_job(build_tag_job(sys.argv[1], sys.argv[2]), Reporter())
except JobCancelled:
    print("cancelled")
'''


def test_sigterm_during_the_output_write_leaves_no_temp_file(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    library = write_library(work / "lib.xml", n=10)
    flag = tmp_path / "writing"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(library), str(work / "out.xml"), str(flag)],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(1200):
            if flag.exists() or child.poll() is not None:
                break
            time.sleep(0.05)
        assert flag.exists(), child.stderr.read() if child.stderr else ""
        assert [p.name for p in work.glob(".out.xml.*.tmp")], "the write must be under way"
        child.send_signal(signal.SIGTERM)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert "cancelled" in out, err
    assert sorted(p.name for p in work.iterdir()) == ["lib.xml"], "no temp file, no half output"


def test_a_temp_file_left_by_a_killed_write_is_gone_after_the_next_run(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    library = write_library(work / "lib.xml", n=10)
    flag = tmp_path / "writing"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(library), str(work / "out.xml"), str(flag)], env=env)
    try:
        for _ in range(1200):
            if flag.exists() or child.poll() is not None:
                break
            time.sleep(0.05)
        assert flag.exists()
    finally:
        child.kill()
        child.wait()
    left = list(work.glob(".out.xml.*.tmp"))
    assert left, "kill -9 cannot be cleaned up by the process itself"
    assert run_cli(["tag", str(library), "-o", str(work / "out.xml")]) == 0
    assert sorted(p.name for p in work.iterdir()) == ["lib.xml", "out.xml"]
    assert Path(work / "out.xml").read_bytes().startswith(b"<?xml")


#: In the worker process: the output write takes 5 s (longer than the cancel grace), and
#: a flag file says when it started (every track is tagged by then).
SLOW_WRITE_SITECUSTOMIZE = '''
import os, time
flag = os.environ.get("TG_TEST_SLOW_WRITE_FLAG")
if flag:
    from pathlib import Path
    from taggenius_desktop.library import writer
    _real = writer._produce
    def _slow(lib, write, reuse_input):
        Path(flag).write_text("writing")
        time.sleep(5)
        _real(lib, write, reuse_input)
    writer._produce = _slow
'''


@pytest.mark.slow  # the injected output write takes 5 s
def test_a_cancel_during_the_final_write_lets_the_pool_job_complete(tmp_path, monkeypatch):
    from taggenius_desktop.jobs import JobManager

    inject = tmp_path / "inject"
    inject.mkdir()
    (inject / "sitecustomize.py").write_text(SLOW_WRITE_SITECUSTOMIZE, encoding="utf-8")
    flag = tmp_path / "writing"
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(inject), str(PROJECT_ROOT)]))
    monkeypatch.setenv("TG_TEST_SLOW_WRITE_FLAG", str(flag))
    work = tmp_path / "work"
    work.mkdir()
    library = write_library(work / "lib.xml", n=30)
    with JobManager(workers=1) as manager:
        job_id = manager.submit(build_tag_job(library, work / "out.xml"))
        for _ in range(1200):
            if flag.exists():
                break
            time.sleep(0.05)
        assert flag.exists(), "the write never started"
        manager.cancel(job_id)
        record = manager.wait(job_id, timeout=120)
    assert record.status == "Completed", (record.status, record.error)
    assert record.tracks_done == record.tracks_total == 30
    assert sorted(p.name for p in work.iterdir()) == ["lib.xml", "out.xml"]


class _DiskFillsUp(Reporter):
    """Progress writes start failing as SQLite's do once the data folder's disk is full."""

    def __init__(self, working_writes: int) -> None:
        super().__init__()
        self.left = working_writes
        self.failed_writes = 0

    def _write(self) -> None:
        if self.left <= 0:
            self.failed_writes += 1
            raise sqlite3.OperationalError("database or disk is full")
        self.left -= 1

    def tick(self, force: bool = False) -> None:
        self._write()

    def set_fields(self, **values: object) -> None:
        self._write()


def test_progress_writes_failing_mid_job_do_not_discard_the_finished_work(tmp_path, fake_openai):
    library = write_library(tmp_path / "lib.xml", n=30)
    reporter = _DiskFillsUp(working_writes=4)
    server = fake_openai()
    spec = build_tag_job(library, tmp_path / "out.xml", provider="openai-compatible", base_url=server.base_url,
                         model="gpt-4o-mini", batch_size=5)
    result = run_tag_job(spec, reporter, connect(), None)
    assert reporter.failed_writes > 0, "the fault must have been hit"
    assert result["tagged"] == 30
    assert all("/* E: " in t.attrs["Comments"] for t in read_library(tmp_path / "out.xml").tracks)
