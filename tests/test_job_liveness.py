"""A job whose worker died shows as Interrupted to the very next reader, whatever is left
of the process (a zombie nobody reaped, or its pid reused by another process)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from taggenius_desktop.jobs import build_tag_job
from taggenius_desktop.jobs.specs import spec_to_json
from taggenius_desktop.store import connect, jobs_log
from taggenius_desktop.store.jobs_log import Status
from tests.conftest import PROJECT_ROOT
from tests.libraries import write_library

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to see the zombie")


class SilentServer:
    """Accepts connections on 127.0.0.1 and never answers: a worker asking it waits."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def server():
    silent = SilentServer()
    yield silent
    silent.close()


def _wait_until(predicate, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not reached in time")


def _state(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as handle:
        return handle.read().rsplit(")", 1)[1].split()[0]


def _zombie(pid: int) -> bool:
    """Dead and not reaped: its pid still exists. The main thread shows Z while the other
    threads may still be exiting, so wait until it is the only one left."""
    return _state(pid) == "Z" and len(os.listdir(f"/proc/{pid}/task")) == 1


_WORKER = "import sys; from taggenius_desktop.jobs.worker import run_job; run_job(int(sys.argv[1]), None, sys.argv[2])"


def _start_worker(tmp_path: Path, server: SilentServer) -> tuple[Path, int, subprocess.Popen[bytes]]:
    """A real worker running a real tag job, blocked on a request to the silent server."""
    db_path = tmp_path / "jobs.sqlite3"
    conn = connect(db_path)
    library = write_library(tmp_path / "lib.xml", n=6)
    spec = build_tag_job(library, tmp_path / "out.xml", provider="openai-compatible", model="m",
                         base_url=f"http://127.0.0.1:{server.port}/v1", batch_size=2, concurrency=1)
    job_id = jobs_log.insert_job(conn, {"job_display_name": "t", "original_filename": "lib.xml",
                                        "input_file_path": str(library), "job_type": "tag",
                                        "spec": spec_to_json(spec), "host_pid": os.getpid()})
    conn.close()
    worker = subprocess.Popen([sys.executable, "-c", _WORKER, str(job_id), str(db_path)], cwd=PROJECT_ROOT)
    _wait_until(lambda: server.connections)
    conn = connect(db_path)
    assert jobs_log.get_job(conn, job_id).status == Status.IN_PROGRESS
    assert jobs_log.mark_interrupted_jobs(conn) == [], "a live worker's job is not interrupted"
    conn.close()
    return db_path, job_id, worker


def test_sigkilled_worker_left_as_a_zombie_is_interrupted_on_the_next_read(tmp_path, server):
    db_path, job_id, worker = _start_worker(tmp_path, server)
    os.kill(worker.pid, signal.SIGKILL)
    _wait_until(lambda: _zombie(worker.pid))
    conn = connect(db_path)
    assert jobs_log.mark_interrupted_jobs(conn) == [job_id]
    assert jobs_log.get_job(conn, job_id).status == Status.INTERRUPTED
    conn.close()
    worker.wait()


def test_dead_worker_whose_pid_now_belongs_to_another_process_is_interrupted(tmp_path, server):
    db_path, job_id, worker = _start_worker(tmp_path, server)
    worker.kill()
    worker.wait()
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        conn = connect(db_path)
        # As if the kernel had handed the dead worker's pid to this unrelated process.
        jobs_log.update_job(conn, job_id, worker_pid=stranger.pid)
        assert jobs_log.mark_interrupted_jobs(conn) == [job_id]
        conn.close()
    finally:
        stranger.kill()
        stranger.wait()


_HOST = """
import sys, time
from taggenius_desktop.jobs import JobManager, build_tag_job
library, out, base_url, db_path = sys.argv[1:5]
manager = JobManager(workers=1, db_path=db_path)
spec = build_tag_job(library, out, provider="openai-compatible", model="m", base_url=base_url,
                     batch_size=2, concurrency=1)
first = manager.submit(spec)
second = manager.submit(build_tag_job(library, out + ".2.xml"))
print(first, second, flush=True)
time.sleep(600)
"""


def test_queued_job_of_a_host_killed_and_left_a_zombie_is_interrupted(tmp_path, server):
    db_path = tmp_path / "jobs.sqlite3"
    library = write_library(tmp_path / "lib.xml", n=6)
    host = subprocess.Popen([sys.executable, "-c", _HOST, str(library), str(tmp_path / "out.xml"),
                             f"http://127.0.0.1:{server.port}/v1", str(db_path)],
                            cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        running, queued = (int(n) for n in host.stdout.readline().split())
        _wait_until(lambda: server.connections)
        conn = connect(db_path)
        assert jobs_log.get_job(conn, queued).status == Status.QUEUED
        assert jobs_log.mark_interrupted_jobs(conn) == []
        os.kill(host.pid, signal.SIGKILL)
        _wait_until(lambda: _zombie(host.pid))
        assert queued in jobs_log.mark_interrupted_jobs(conn)
        assert jobs_log.get_job(conn, queued).status == Status.INTERRUPTED
        # Its worker sees the host gone and stops the running job too.
        _wait_until(lambda: (jobs_log.mark_interrupted_jobs(conn) or True)
                    and jobs_log.get_job(conn, running).status == Status.INTERRUPTED, timeout=30)
        conn.close()
    finally:
        host.kill()
        host.wait()


def test_without_a_writable_lock_folder_jobs_still_run_and_liveness_falls_back_to_the_pid(tmp_path):
    db_path = tmp_path / "jobs.sqlite3"
    Path(f"{db_path}.locks").write_text("a file where the lock folder should be")
    conn = connect(db_path)
    job_id = jobs_log.insert_job(conn, {"job_display_name": "t", "original_filename": "a.xml",
                                        "input_file_path": "/a.xml", "job_type": "tag", "spec": "{}",
                                        "status": Status.IN_PROGRESS, "worker_pid": os.getpid(),
                                        "heartbeat_at": time.time()})
    assert jobs_log.hold_job_lock(conn, job_id) is None
    assert jobs_log.hold_host_lock(conn) is None
    assert jobs_log.mark_interrupted_jobs(conn) == []
    conn.close()


def test_a_database_path_that_cannot_be_opened_is_a_plain_store_error(tmp_path):
    from taggenius_desktop.store.errors import StoreError

    folder_in_the_way = tmp_path / "jobs.sqlite3"
    folder_in_the_way.mkdir()
    with pytest.raises(StoreError, match="cannot open its database"):
        connect(folder_in_the_way)
