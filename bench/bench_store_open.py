"""What the store's safety checks cost: opening the database and judging liveness.

    python bench/bench_store_open.py [--rows 100000] [--jobs 20] [--repeat 200]

Prints, in one run and on the same database (``--rows`` cached tracks, ``--jobs`` running
jobs each holding its lock), our ``connect()`` (private mode re-asserted, header check for
truncation, damage and newer-schema handling) beside a bare ``sqlite3.connect`` with the
same pragmas, and ``mark_interrupted_jobs`` (one lock probe per running job) beside the
same SELECT without any liveness check.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _bare(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    for pragma in ("busy_timeout = 30000", "journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("PRAGMA user_version").fetchone()
    return conn


def _per_call_ms(action, repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        action()
    return (time.perf_counter() - started) / repeat * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    from taggenius_desktop.store import cache, db, jobs_log
    from taggenius_desktop.vocabulary.profile import TagProfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "taggenius.sqlite3"
        conn = db.connect(path)
        profile = TagProfile(primary_genre="House", sub_genres=("Deep House",), energy=5)
        cache.put_cached(conn, "k", {f"track-{i}": profile for i in range(args.rows)})
        held = []
        for _ in range(args.jobs):
            job_id = jobs_log.insert_job(conn, {"job_display_name": "b", "original_filename": "a.xml",
                                                "input_file_path": "/a.xml", "job_type": "tag", "spec": "{}",
                                                "status": jobs_log.Status.IN_PROGRESS, "heartbeat_at": time.time()})
            held.append(jobs_log.hold_job_lock(conn, job_id))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        size_mb = path.stat().st_size / 1e6

        def ours_open() -> None:
            db.connect(path).close()

        def bare_open() -> None:
            _bare(path).close()

        reader = db.connect(path)
        now = time.time()

        def ours_liveness() -> None:
            assert jobs_log.mark_interrupted_jobs(reader, now=now) == []

        def bare_select() -> None:
            reader.execute("SELECT id, status, worker_pid, host_pid, heartbeat_at FROM processing_log "
                           "WHERE status IN (?, ?)", jobs_log.Status.ACTIVE).fetchall()

        rows = [
            ("open + close", _per_call_ms(ours_open, args.repeat), _per_call_ms(bare_open, args.repeat)),
            (f"liveness of {args.jobs} jobs", _per_call_ms(ours_liveness, args.repeat),
             _per_call_ms(bare_select, args.repeat)),
        ]
        reader.close()
        for lock in held:
            if lock is not None:
                lock.release()
    print(f"database: {args.rows:,} cached tracks, {size_mb:.1f} MB; {args.repeat} calls each")
    print(f"{'':<26}{'ours ms':>10}{'baseline ms':>13}")
    for name, ours, baseline in rows:
        print(f"{name:<26}{ours:>10.3f}{baseline:>13.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
