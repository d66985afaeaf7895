"""Exit codes and words that say what really happened.

130 is only for Ctrl-C; a worker killed under the job, or an output disk that fills up
after the job ran, is a failed job (1), not bad input (2). The disk fault is injected at
the operating-system call in the real worker process (a ``sitecustomize`` on its path).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from taggenius_desktop.cli.main import run_cli
from tests.support.fake_openai import FakeOpenAIServer
from taggenius_desktop.store import connect, jobs_log
from tests.conftest import PROJECT_ROOT
from tests.support.libraries import bad_inputs, write_library

MODEL = "gpt-4o-mini"

#: Makes every os.fsync of a file named like our output fail as a full disk would.
FULL_DISK_SITECUSTOMIZE = '''
import errno, os
_real_fsync = os.fsync
def _full(fd):
    name = os.readlink(f"/proc/self/fd/{fd}") if os.path.exists(f"/proc/self/fd/{fd}") else ""
    if ".out.xml." in name:
        raise OSError(errno.ENOSPC, "No space left on device")
    return _real_fsync(fd)
os.fsync = _full
'''


def _cli(args: list[str], env_extra: dict[str, str] | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, **(env_extra or {})}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [env_extra and env_extra.get("PYTHONPATH"), str(PROJECT_ROOT)]))
    return subprocess.Popen([sys.executable, "-m", "taggenius_desktop", *args], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_worker_killed_by_sigkill_exits_1_not_130(tmp_path, fake_openai):
    library = write_library(tmp_path / "lib.xml", n=6)
    server = fake_openai(latency_per_request=60.0)
    process = _cli(["tag", str(library), "--base-url", server.base_url, "--model", MODEL, "--json"])
    try:
        pid = None
        for _ in range(1200):
            if server.request_count >= 1:
                records = jobs_log.list_jobs(connect(), limit=1)
                pid = records[0].worker_pid if records else None
                if pid:
                    break
            time.sleep(0.05)
        assert pid, "the job never started"
        os.kill(pid, signal.SIGKILL)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 1, err
    summary = json.loads(out)
    assert summary["status"] == "Interrupted" and summary["output"] is None
    assert not (tmp_path / "lib_tagged.xml").exists()


@pytest.mark.parametrize("command", ["tag", "split"])
def test_a_full_output_disk_after_the_job_ran_exits_1_and_leaves_no_temp_file(tmp_path, command):
    inject = tmp_path / "inject"
    inject.mkdir()
    (inject / "sitecustomize.py").write_text(FULL_DISK_SITECUSTOMIZE, encoding="utf-8")
    library = write_library(tmp_path / "lib.xml", n=6)
    output = tmp_path / "out.xml"
    process = _cli([command, str(library), "-o", str(output), "--json"], {"PYTHONPATH": str(inject)})
    out, err = process.communicate(timeout=180)
    assert process.returncode == 1, err
    summary = json.loads(out)
    assert summary["status"] == "Failed" and summary["output"] is None
    assert "could not write the output: disk full" in summary["error"]
    assert "could not write the output: disk full" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inject", "lib.xml"], "no output, no temp file"


def test_bad_input_never_names_an_output_that_was_not_written(tmp_path, capsys):
    path = bad_inputs(tmp_path / "in")["truncated"]
    code = run_cli(["tag", str(path), "-o", str(tmp_path / "out.xml"), "--json"])
    out, err = capsys.readouterr()
    assert code == 2, err
    for line in out.splitlines():
        assert json.loads(line)["output"] is None
    assert not (tmp_path / "out.xml").exists()
    for record in jobs_log.list_jobs(connect()):
        assert record.status == "Failed" and not Path(str(record.output_file_path)).exists()


def _cli_job_in_flight(library: Path, server: FakeOpenAIServer) -> subprocess.Popen[str]:
    """A ``taggenius tag`` process whose first request has reached ``server``."""
    process = _cli(["tag", str(library), "--base-url", server.base_url, "--model", MODEL])
    for _ in range(1200):
        if server.request_count >= 1:
            return process
        time.sleep(0.05)
    process.kill()
    raise AssertionError("the job never reached the server")


def test_a_job_cancelled_from_another_terminal_is_not_ctrl_c(tmp_path, fake_openai):
    library = write_library(tmp_path / "lib.xml", n=6)
    server = fake_openai(latency_per_request=60.0)
    process = _cli_job_in_flight(library, server)
    try:
        job_id = jobs_log.list_jobs(connect(), limit=1)[0].id
        assert run_cli(["cancel", str(job_id)]) == 0
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 1, err
    assert "cancelled" in err.lower()


def test_an_output_folder_that_is_a_file_is_refused_before_any_job_is_recorded(tmp_path, capsys):
    library = write_library(tmp_path / "lib.xml", n=3)
    code = run_cli(["tag", str(library), "-o", str(library / "out.xml"), "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and len(err.strip().splitlines()) == 1 and "is a file, not a folder" in err, err
    assert out == ""
    assert jobs_log.list_jobs(connect()) == [], "bad input is refused before a job exists"


#: In the worker: storing the originals fails as SQLite does when the data folder's disk is full.
ORIGINALS_FULL_SITECUSTOMIZE = '''
import sqlite3
from taggenius_desktop.store import originals
def _full(*args, **kwargs):
    raise sqlite3.OperationalError("database or disk is full")
originals.replace_for_job = _full
'''


def test_a_full_data_folder_still_gives_the_output_and_tells_the_user(tmp_path):
    from taggenius_desktop.jobs.errors import RESTORE_DATA_NOT_SAVED

    inject = tmp_path / "inject"
    inject.mkdir()
    (inject / "sitecustomize.py").write_text(ORIGINALS_FULL_SITECUSTOMIZE, encoding="utf-8")
    library = write_library(tmp_path / "lib.xml", n=6)
    process = _cli(["tag", str(library), "--json"], {"PYTHONPATH": str(inject)})
    out, err = process.communicate(timeout=180)
    assert process.returncode == 0, err
    summary = json.loads(out)
    assert summary["status"] == "Completed" and Path(summary["output"]).exists()
    assert summary["warnings"] == [RESTORE_DATA_NOT_SAVED]
    assert RESTORE_DATA_NOT_SAVED in err


def test_ctrl_c_still_exits_130_and_says_how_to_resume(tmp_path, fake_openai):
    library = write_library(tmp_path / "lib.xml", n=6)
    server = fake_openai(latency_per_request=60.0)
    process = _cli_job_in_flight(library, server)
    try:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    assert "taggenius resume" in err and "Traceback" not in err
