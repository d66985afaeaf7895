"""Worker processes: top-level, Qt-free functions, safe under spawn and in a frozen app.

A worker waits for job ids on its pipe, runs each job to the end, and reports back. It
ignores Ctrl-C (the parent decides about cancelling) and exits when its parent goes away,
so killing the app never leaves orphans running up an API bill.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import time
import traceback
from multiprocessing.connection import Connection
from typing import Callable

from ..store import db, jobs_log
from ..store.errors import StoreError
from ..store.jobs_log import Status
from .progress import DatabaseReporter, mark_started

log = logging.getLogger(__name__)


def worker_main(tasks: Connection, db_path: str | None, parent_pid: int) -> None:
    """Entry point of a pool worker process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from ..logs import setup_logging

    setup_logging("worker")

    def host_alive() -> bool:
        if os.name == "posix":
            # An orphan is handed to another parent at once; a pid check would still see
            # the dead host as a zombie, or a reused pid as alive.
            return os.getppid() == parent_pid
        return jobs_log.process_alive(parent_pid)

    while True:
        try:
            message = tasks.recv()
        except (EOFError, OSError):
            return  # the manager is gone
        if message is None:
            return
        job_id, api_key = message
        run_job(job_id, api_key, db_path, host_alive)
        try:
            tasks.send(("finished", job_id))
        except (OSError, BrokenPipeError):
            return


def run_job(
    job_id: int,
    api_key: str | None = None,
    db_path: str | None = None,
    host_alive: Callable[[], bool] | None = None,
) -> str:
    """Run one job from the job log in this process; returns its final status."""
    conn = db.connect(db_path)
    # Held until the final status is written: readers judge liveness by it (jobs_log).
    try:
        lock = jobs_log.hold_job_lock(conn, job_id)
    except TimeoutError:
        jobs_log.update_job(conn, job_id, status=Status.FAILED, finished_at=time.time(),
                            error="This job is still running in another Tag Genius process.")
        conn.close()
        return Status.FAILED
    mark_started(conn, job_id, os.getpid())
    record = jobs_log.get_job(conn, job_id)
    assert record is not None, f"job {job_id} vanished"
    reporter = DatabaseReporter(job_id, db_path, host_alive=host_alive)
    status, error, result = Status.FAILED, None, None
    try:
        # Imported here, after the job shows as In Progress: these pull in lxml and the
        # taggers, which takes a noticeable moment the user should not wait on.
        from .errors import JobCancelled, JobFailed
        from .restore import run_restore_job
        from .specs import RestoreJobSpec, SplitJobSpec, TagJobSpec, spec_from_json
        from .split import run_split_job
        from .tagging import run_tag_job

        spec = spec_from_json(record.spec, api_key=api_key)
        try:
            if isinstance(spec, TagJobSpec):
                result = run_tag_job(spec, reporter, conn, job_id)
            elif isinstance(spec, SplitJobSpec):
                result = run_split_job(spec, reporter, conn)
            elif isinstance(spec, RestoreJobSpec):
                result = run_restore_job(spec, reporter, conn)
            status = Status.COMPLETED
        except JobCancelled:
            status = Status.INTERRUPTED if reporter.host_lost else Status.CANCELLED
            error = "The app closed before the job finished." if reporter.host_lost else None
        except JobFailed as failure:
            error = str(failure)
            if failure.bad_input:
                result = {"error_kind": "bad_input"}
    except StoreError as trouble:  # a full disk under the data folder: plain words, no traceback
        log.error("job %s: %s", job_id, trouble)
        error = str(trouble)
    except Exception as unexpected:  # noqa: BLE001 - any bug must end the job visibly
        log.error("job %s crashed:\n%s", job_id, traceback.format_exc())
        from ..logs import redact_secrets

        error = redact_secrets(f"Unexpected error: {type(unexpected).__name__}: {unexpected}")
    finally:
        reporter.tick(force=True)
        reporter.close()
    values: dict[str, object] = {"status": status, "finished_at": time.time(), "error": error, "current_track": None}
    if result is not None:
        values["result_data"] = json.dumps(result, ensure_ascii=False)
        if result.get("output_file_path"):
            values["output_file_path"] = result["output_file_path"]
    try:
        jobs_log.update_job(conn, job_id, **values)
    except StoreError as trouble:
        # Nothing more can be recorded; the job shows as Interrupted once this process is gone.
        log.error("job %s: could not record its end (%s): %s", job_id, status, trouble)
    if lock is not None:
        lock.release(remove=True)
    conn.close()
    log.info("job %s finished: %s%s", job_id, status, f" ({error})" if error else "")
    return status
