"""The job manager: a queue in the job log (``store.jobs_log``) and a pool of worker processes.

Threading rules (the whole of them):
- ``submit``, ``cancel``, ``resume`` and ``wait`` may be called from any thread; they only
  touch the database and a lock-protected queue, and return at once (``wait`` polls).
- One dispatcher thread owns the worker processes: it starts them, hands them jobs in
  queue order, reaps the dead, and enforces cancel deadlines (ask, then terminate, then
  kill). Nothing else touches a ``Process`` object.
- Workers report only through the database, so any process (the GUI's bridge, ``taggenius
  jobs``) sees progress the same way.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from ..store import db, jobs_log
from ..store.jobs_log import JobRecord, Status
from .specs import JobSpec, SpecError, spec_to_json
from .worker import worker_main

log = logging.getLogger(__name__)

#: Cooperative cancel gets this long before the worker is terminated (the issue's
#: promise is "stops within 2 s"), then ``KILL_AFTER_S`` more before SIGKILL.
CANCEL_GRACE_S = 1.5
KILL_AFTER_S = 0.5
POLL_INTERVAL_S = 0.05


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    tasks: Connection
    job_id: int | None = None
    cancel_seen_at: float | None = None
    terminated_at: float | None = None


@dataclass
class _Pending:
    job_id: int
    api_key: str | None = field(default=None, repr=False)


class JobManager:
    def __init__(self, workers: int = 2, db_path: str | None = None, prestart: bool = True) -> None:
        if workers < 1:
            raise ValueError("at least one worker is needed")
        self.worker_count = workers
        self._context = multiprocessing.get_context("spawn")
        self._conn = db.connect(db_path)
        # The file this run really uses (a stand-in when the data folder or the database
        # could not be used), so worker processes open the same one.
        self.db_path = str(db.resolve_path(db_path))
        self._lock = threading.Lock()
        self._queue: deque[_Pending] = deque()
        self._workers: list[_Worker] = []
        self._stopping = threading.Event()
        self._keep_warm = prestart
        jobs_log.mark_interrupted_jobs(self._conn)
        # Held while this manager lives: readers see its Queued jobs die with it.
        self._host_lock = jobs_log.hold_host_lock(self._conn)
        if prestart:
            # Idle workers waiting on their pipes make a submitted job start at once.
            for _ in range(workers):
                self._workers.append(self._start_worker())
        self._dispatcher = threading.Thread(target=self._dispatch_loop, name="job-dispatcher", daemon=True)
        self._dispatcher.start()

    # -- public API (any thread) -------------------------------------------------------
    def submit(self, spec: JobSpec) -> int:
        """Record the job as Queued and return its id at once."""
        output = getattr(spec, "output_path", None) or getattr(spec, "out_dir", None)
        provider = getattr(spec, "provider", None)
        with self._lock:
            job_id = jobs_log.insert_job(
                self._conn,
                {
                    "job_display_name": spec.display_name or spec.job_type,
                    "original_filename": os.path.basename(spec.input_path),
                    "input_file_path": spec.input_path,
                    "output_file_path": output,
                    "job_type": spec.job_type,
                    "spec": spec_to_json(spec),
                    "provider": provider.provider if provider else None,
                    "model": provider.model if provider else None,
                    "level": getattr(spec, "level", None),
                    "host_pid": os.getpid(),
                },
            )
            self._queue.append(_Pending(job_id, provider.api_key if provider else None))
        return job_id

    def cancel(self, job_id: int) -> bool:
        """Ask a job to stop. A queued job is cancelled at once; a running one within ~2 s."""
        with self._lock:
            for pending in list(self._queue):
                if pending.job_id == job_id:
                    self._queue.remove(pending)
                    jobs_log.update_job(self._conn, job_id, status=Status.CANCELLED, finished_at=time.time())
                    return True
            return jobs_log.request_cancel(self._conn, job_id)

    def resume(self, job_id: int, api_key: str | None = None) -> int:
        """Queue an Interrupted, Failed or Cancelled job again under the same id.

        The tag cache makes it continue where it stopped: finished tracks cost nothing.
        """
        with self._lock:
            record = jobs_log.get_job(self._conn, job_id)
            if record is None:
                raise SpecError(f"there is no job {job_id}")
            if record.status not in (Status.INTERRUPTED, Status.FAILED, Status.CANCELLED):
                raise SpecError(f"job {job_id} is {record.status}; only interrupted, failed or cancelled jobs resume")
            jobs_log.update_job(
                self._conn,
                job_id,
                status=Status.QUEUED,
                cancel_requested=0,
                error=None,
                finished_at=None,
                tracks_done=0,
                tagged=0,
                cached=0,
                skipped=0,
                failed=0,
                worker_pid=None,
                host_pid=os.getpid(),
            )
            self._queue.append(_Pending(job_id, api_key))
        return job_id

    def get(self, job_id: int) -> JobRecord | None:
        with self._lock:
            return jobs_log.get_job(self._conn, job_id)

    def wait(self, job_id: int, timeout: float | None = None, poll: float = 0.05) -> JobRecord:
        """Block until the job has finished (any final status); raises TimeoutError."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            record = self.get(job_id)
            if record is None:
                raise KeyError(job_id)
            if record.status in Status.FINISHED:
                return record
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {record.status} after {timeout} s")
            time.sleep(poll)

    def running_jobs(self) -> list[int]:
        with self._lock:
            return [w.job_id for w in self._workers if w.job_id is not None]

    def has_active_jobs(self) -> bool:
        with self._lock:
            return bool(self._queue) or any(w.job_id is not None for w in self._workers)

    def shutdown(self, cancel_running: bool = True, timeout: float = 5.0) -> None:
        """Stop the pool.

        ``cancel_running``: running and queued jobs end Cancelled (finished tracks stay
        cached). Without it (quitting the app to resume later) they end Interrupted, so
        the next launch offers to resume them.
        """
        if self._stopping.is_set():
            return
        queued_status = Status.CANCELLED if cancel_running else Status.INTERRUPTED
        with self._lock:
            for pending in self._queue:
                jobs_log.update_job(self._conn, pending.job_id, status=queued_status, finished_at=time.time())
            self._queue.clear()
            running = [w.job_id for w in self._workers if w.job_id is not None]
        if cancel_running:
            for job_id in running:
                jobs_log.request_cancel(self._conn, job_id)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.running_jobs():
            time.sleep(POLL_INTERVAL_S)
        self._stopping.set()
        self._dispatcher.join(timeout=2)
        for worker in self._workers:
            try:
                worker.tasks.send(None)
            except OSError:
                pass
        for worker in self._workers:
            worker.process.join(timeout=1)
            if worker.process.is_alive():
                worker.process.terminate()
                worker.process.join(timeout=1)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=1)
            self._finish_abandoned(worker, Status.INTERRUPTED, "The app closed before the job finished.")
        self._workers.clear()
        if self._host_lock is not None:
            self._host_lock.release()
        self._conn.close()

    def __enter__(self) -> "JobManager":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.shutdown()

    # -- dispatcher thread ------------------------------------------------------------
    def _start_worker(self) -> _Worker:
        parent_end, child_end = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=worker_main, args=(child_end, self.db_path, os.getpid()), name="taggenius-worker", daemon=True
        )
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def _dispatch_loop(self) -> None:
        conn = db.connect(self.db_path)
        try:
            while not self._stopping.is_set():
                try:
                    self._dispatch_once(conn)
                except Exception:  # noqa: BLE001 - the dispatcher must survive anything
                    log.exception("job dispatcher error")
                self._stopping.wait(POLL_INTERVAL_S)
        finally:
            conn.close()

    def _dispatch_once(self, conn: Any) -> None:
        with self._lock:
            for worker in list(self._workers):
                self._collect_messages(worker)
                if not worker.process.is_alive():
                    worker.process.join(timeout=0)
                    cancelled = worker.cancel_seen_at is not None
                    self._finish_abandoned(
                        worker,
                        Status.CANCELLED if cancelled else Status.INTERRUPTED,
                        None if cancelled else "The worker process stopped unexpectedly.",
                        conn,
                    )
                    self._workers.remove(worker)
            while len(self._workers) < self.worker_count and (self._queue or self._keep_warm):
                self._workers.append(self._start_worker())
            for worker in self._workers:
                if worker.job_id is None and self._queue:
                    pending = self._queue.popleft()
                    worker.job_id = pending.job_id
                    worker.cancel_seen_at = worker.terminated_at = None
                    worker.tasks.send((pending.job_id, pending.api_key))
            self._enforce_cancel_deadlines(conn)

    def _collect_messages(self, worker: _Worker) -> None:
        try:
            while worker.tasks.poll():
                kind, job_id = worker.tasks.recv()
                if kind == "finished" and worker.job_id == job_id:
                    worker.job_id = None
                    worker.cancel_seen_at = None
        except (EOFError, OSError):
            pass  # the process died; the liveness check handles it

    def _enforce_cancel_deadlines(self, conn: Any) -> None:
        now = time.monotonic()
        for worker in self._workers:
            if worker.job_id is None:
                continue
            cancel_wanted, all_done = jobs_log.cancel_state(conn, worker.job_id)
            if all_done and worker.terminated_at is None:
                # Every track is done, only the output write remains: finished work is not
                # cancelled (the job side of this rule is in jobs/tagging.py).
                worker.cancel_seen_at = None
                continue
            if worker.cancel_seen_at is None:
                if cancel_wanted:
                    worker.cancel_seen_at = now
                continue
            if worker.terminated_at is None and now - worker.cancel_seen_at > CANCEL_GRACE_S:
                log.warning("job %s did not stop in time; terminating its worker", worker.job_id)
                worker.process.terminate()
                worker.terminated_at = now
            elif worker.terminated_at is not None and now - worker.terminated_at > KILL_AFTER_S:
                worker.process.kill()

    def _finish_abandoned(self, worker: _Worker, status: str, error: str | None, conn: Any = None) -> None:
        """A worker died or was stopped holding a job: give the job a final status."""
        if worker.job_id is None:
            return
        jobs_log.finish_abandoned(conn or self._conn, worker.job_id, status, error)
        worker.job_id = None
