"""Analysing many files on every core: a few analysis subprocesses fed one file at a time.

Why subprocesses: the work is CPU-bound numpy (threads would share one core for the
Python parts), and the job runs inside a daemonic pool worker that multiprocessing will
not let start children. Each subprocess is driven by one thread here that sends a path
and waits for its answer; results come back to the caller's thread through a queue, so
the caller stores each one as it arrives and checks for cancel ten times a second. Cancel
kills the subprocesses at once (they hold nothing that needs saving).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Callable, Sequence

from .analyse import Outcome, analyse_file
from .child import CHILD_FLAG
from .reasons import Reason

POLL_S = 0.1
#: A subprocess that dies on a file (a decoder crash) is replaced this many times.
RESTARTS = 3


class AnalysisCancelled(Exception):
    pass


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def child_command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, CHILD_FLAG]
    return [sys.executable, "-m", "taggenius_desktop.audio.child"]


#: One thread per analysis process: the processes already use every core, and idle
#: BLAS/OpenMP threads spinning beside them slow everything down.
_SINGLE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")}


def _child_env() -> dict[str, str]:
    env = {**os.environ, **_SINGLE_THREAD}
    if not getattr(sys, "frozen", False):
        # The package must be importable in the child even when run from a source tree.
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def _start_child() -> subprocess.Popen[str]:
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0) if os.name == "nt" else 0
    return subprocess.Popen(
        child_command(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        bufsize=1,
        env=_child_env(),
        creationflags=flags,
    )


Task = tuple[int, str]
Result = tuple[int, str, object]


class _Driver(threading.Thread):
    def __init__(self, tasks: "queue.Queue[Task]", results: "queue.Queue[Result]", stop: threading.Event) -> None:
        super().__init__(name="audio-analysis", daemon=True)
        self.tasks, self.results, self.stop = tasks, results, stop
        self.lock = threading.Lock()
        self.child: subprocess.Popen[str] | None = None

    def run(self) -> None:
        restarts = 0
        try:
            while not self.stop.is_set():
                try:
                    index, path = self.tasks.get_nowait()
                except queue.Empty:
                    return
                answer = self._ask(index, path)
                if answer is None:
                    if self.stop.is_set():
                        return
                    self.results.put((index, Reason.ERROR.value, "the analysis process stopped on this file"))
                    restarts += 1
                    if restarts > RESTARTS:
                        self._fail_rest()
                        return
                    continue
                self.results.put(answer)
        finally:
            self.close()

    def _ask(self, index: int, path: str) -> Result | None:
        with self.lock:
            if self.stop.is_set():
                return None
            if self.child is None or self.child.poll() is not None:
                self.child = _start_child()
            child = self.child
        stdin, stdout = child.stdin, child.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(json.dumps({"id": index, "path": path}) + "\n")
            stdin.flush()
            line = stdout.readline()
        except (OSError, ValueError):
            return None
        if not line:
            return None
        reply = json.loads(line)
        return index, str(reply["status"]), reply["data"]

    def _fail_rest(self) -> None:
        while True:
            try:
                index, _ = self.tasks.get_nowait()
            except queue.Empty:
                return
            self.results.put((index, Reason.ERROR.value, "the analysis processes kept stopping"))

    def close(self, kill: bool = False) -> None:
        with self.lock:
            child, self.child = self.child, None
        if child is None:
            return
        streams: list[IO[str] | None] = [child.stdin, child.stdout]
        if kill:
            child.kill()
        for stream in streams:
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(timeout=5)


def analyse_many(
    paths: Sequence[str],
    on_result: Callable[[int, Outcome], None],
    is_cancelled: Callable[[], bool] = lambda: False,
    workers: int | None = None,
) -> None:
    """Analyse ``paths``; ``on_result(index, outcome)`` is called in this thread as each
    finishes (in completion order). ``workers=0`` analyses in this process (tests, the
    self-test, a single file). Raises :class:`AnalysisCancelled` when cancelled."""
    count = default_workers() if workers is None else workers
    if count <= 0:
        for index, path in enumerate(paths):
            if is_cancelled():
                raise AnalysisCancelled()
            on_result(index, analyse_file(path))
        return
    tasks: queue.Queue[Task] = queue.Queue()
    for index, path in enumerate(paths):
        tasks.put((index, path))
    results: queue.Queue[Result] = queue.Queue()
    stop = threading.Event()
    drivers = [_Driver(tasks, results, stop) for _ in range(min(count, len(paths)))]
    for driver in drivers:
        driver.start()
    done = 0
    try:
        while done < len(paths):
            if is_cancelled():
                raise AnalysisCancelled()
            try:
                index, status, data = results.get(timeout=POLL_S)
            except queue.Empty:
                if not any(d.is_alive() for d in drivers) and results.empty():
                    break  # every driver gave up; what is left was reported as failed
                continue
            done += 1
            on_result(index, (status, data))
    finally:
        stop.set()
        for driver in drivers:
            driver.close(kill=True)
        for driver in drivers:
            driver.join(timeout=5)
