"""Issue 4 benchmark: job start latency and the cost of progress reporting.

    python bench/bench_jobs.py [--tracks 10000]

1. submit -> visible as In Progress in processing_log (read by a second connection, as
   the GUI bridge and ``taggenius jobs`` read it): warm pool and cold (first job right
   after the pool starts). Target < 0.5 s.
2. A 10,000-track offline tag job run with progress written to processing_log (the
   worker's reporter) beside the same job with reporting switched off. Target: overhead
   < 5% of the job's wall time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def _time_to_in_progress(manager, spec, reader) -> float:
    from taggenius_desktop.store import jobs_log

    t0 = time.perf_counter()
    job_id = manager.submit(spec)
    while True:
        record = jobs_log.get_job(reader, job_id)
        if record.status != "Queued":
            elapsed = time.perf_counter() - t0
            break
        time.sleep(0.002)
    manager.wait(job_id, timeout=120)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TAGGENIUS_HOME"] = str(Path(tmp) / "home")
        from generate_library import generate_library

        from taggenius_desktop.jobs import JobManager, build_tag_job
        from taggenius_desktop.jobs.progress import DatabaseReporter, Reporter
        from taggenius_desktop.jobs.tagging import run_tag_job
        from taggenius_desktop.store import connect, jobs_log

        small = Path(tmp) / "small.xml"
        big = Path(tmp) / "big.xml"
        generate_library(200, small)
        generate_library(args.tracks, big)
        reader = connect()

        # 1. start latency
        manager = JobManager(workers=2)
        cold = _time_to_in_progress(manager, build_tag_job(small, Path(tmp) / "o0.xml"), reader)
        warm = [
            _time_to_in_progress(manager, build_tag_job(small, Path(tmp) / f"o{i}.xml"), reader)
            for i in range(1, args.repeat + 1)
        ]
        manager.shutdown()
        print("submit -> In Progress (target < 0.5 s)")
        print(f"  cold pool (first job after start): {cold * 1000:7.1f} ms")
        print(f"  warm pool: median {statistics.median(warm) * 1000:7.1f} ms, max {max(warm) * 1000:7.1f} ms")

        # 2. progress overhead, same process, alternating runs to even out noise
        conn = connect()
        spec = build_tag_job(big, Path(tmp) / "big_tagged.xml")
        silent, reported = [], []
        inside: list[tuple[float, int, float]] = []

        class _TimedReporter(DatabaseReporter):
            """Counts the time the job thread spends in reporting calls (robust to the
            noise of a shared machine, unlike the A/B wall-time difference)."""

            spent = 0.0
            flushes = 0

            def tick(self, force: bool = False) -> None:
                t = time.perf_counter()
                before = self._last_flush
                super().tick(force)
                self.flushes += self._last_flush != before
                self.spent += time.perf_counter() - t

            def set_fields(self, **values: object) -> None:
                t = time.perf_counter()
                super().set_fields(**values)
                self.spent += time.perf_counter() - t

        run_tag_job(spec, Reporter(), conn, None)  # warm-up: imports, caches, file cache
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            run_tag_job(spec, Reporter(), conn, None)
            silent.append(time.perf_counter() - t0)
            job_id = jobs_log.insert_job(conn, {"job_display_name": "bench", "original_filename": big.name,
                                                "input_file_path": str(big), "job_type": "tag", "spec": "{}"})
            reporter = _TimedReporter(job_id)
            t0 = time.perf_counter()
            run_tag_job(spec, reporter, conn, None)
            wall = time.perf_counter() - t0
            reported.append(wall)
            reporter.close()
            inside.append((reporter.spent, reporter.flushes, wall))
        print(f"{args.tracks:,}-track offline job, {args.repeat} alternating runs each")
        for label, pick in (("best", min), ("median", statistics.median)):
            a, b = pick(silent), pick(reported)
            print(f"  {label:>6}: without progress writes {a:6.3f} s, with {b:6.3f} s, "
                  f"overhead {(b - a) / a * 100:+.1f}% (target < 5%)")
        spent, flushes, wall = min(inside, key=lambda x: x[0] / x[2])
        worst = max(inside, key=lambda x: x[0] / x[2])
        print(f"  time inside progress writes: {spent * 1000:.1f} ms of {wall:.3f} s "
              f"({spent / wall * 100:.2f}%, {flushes} flushes); worst run {worst[0] / worst[2] * 100:.2f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
