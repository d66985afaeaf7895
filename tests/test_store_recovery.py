"""A broken database or an unusable data folder never stops offline tagging, never
deletes anything, and is explained in one line."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from taggenius_desktop import paths
from taggenius_desktop.store import cache, connect, db, jobs_log
from taggenius_desktop.store.jobs_log import Status
from taggenius_desktop.vocabulary.profile import TagProfile
from tests.conftest import PROJECT_ROOT
from tests.libraries import write_library
from tests.mounts import remount_read_only, tmpfs


@pytest.fixture(autouse=True)
def _no_leftover_notices():
    paths.take_notices()
    yield
    paths.take_notices()


def _job(conn: sqlite3.Connection) -> int:
    return jobs_log.insert_job(conn, {"job_display_name": "t", "original_filename": "a.xml",
                                      "input_file_path": "/a.xml", "job_type": "tag", "spec": "{}"})


def _broken_copies(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{paths.database_path().name}.broken-*"))


def _assert_fresh_and_usable(conn: sqlite3.Connection) -> None:
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    job_id = _job(conn)
    assert jobs_log.get_job(conn, job_id).status == Status.QUEUED


def test_garbage_database_is_moved_aside_with_its_wal_and_a_fresh_one_started(isolated_home):
    database = paths.database_path()
    garbage = b"this is not a database, it is a shopping list\n" * 200
    database.write_bytes(garbage)
    Path(f"{database}-wal").write_bytes(b"wal bytes")
    Path(f"{database}-shm").write_bytes(b"shm bytes")

    conn = connect()
    _assert_fresh_and_usable(conn)
    moved = _broken_copies(isolated_home)
    kept = [p for p in moved if not p.name.endswith(("-wal", "-shm"))]
    assert len(kept) == 1 and kept[0].read_bytes() == garbage, "the broken file is kept, byte for byte"
    assert Path(f"{kept[0]}-wal").read_bytes() == b"wal bytes"
    assert Path(f"{kept[0]}-shm").read_bytes() == b"shm bytes"
    notices = paths.take_notices()
    assert len(notices) == 1 and str(kept[0]) in notices[0] and "\n" not in notices[0]
    conn.close()
    # The next opening finds the fresh database healthy: nothing more is moved.
    connect().close()
    assert _broken_copies(isolated_home) == moved and paths.take_notices() == []


def test_truncated_database_is_moved_aside(isolated_home):
    conn = connect()
    cache.put_cached(conn, "k", {f"id{i}": TagProfile(primary_genre="House", energy=5) for i in range(3000)})
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    database = paths.database_path()
    whole = database.read_bytes()
    assert len(whole) > 100_000
    database.write_bytes(whole[: len(whole) // 2])

    conn = connect()
    _assert_fresh_and_usable(conn)
    assert cache.get_cached(conn, "k", ["id1"]) == {}
    kept = [p for p in _broken_copies(isolated_home) if not p.name.endswith(("-wal", "-shm"))]
    assert len(kept) == 1 and kept[0].read_bytes() == whole[: len(whole) // 2]
    assert "moved" in paths.take_notices()[0]


def test_newer_schema_is_left_alone_and_this_run_uses_a_temporary_database(isolated_home):
    conn = connect()
    old_job = _job(conn)
    conn.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 5}")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    database = paths.database_path()
    before = database.read_bytes()

    conn = connect()
    _assert_fresh_and_usable(conn)
    assert jobs_log.get_job(conn, old_job) is None or jobs_log.get_job(conn, old_job).job_display_name == "t"
    notices = paths.take_notices()
    assert len(notices) == 1 and "newer" in notices[0] and "temporary" in notices[0]
    job_id = _job(conn)
    conn.close()
    # Every later opening in this run (workers are handed the path) uses the same stand-in.
    stand_in = db.resolve_path(None)
    assert stand_in != database
    again = connect()
    assert jobs_log.get_job(again, job_id) is not None
    again.close()
    assert database.read_bytes() == before, "a newer version's database is never touched"
    assert _broken_copies(isolated_home) == []
    assert paths.take_notices() == [], "said once per run"


def test_home_that_is_a_file_falls_back_to_a_temporary_folder(tmp_path, monkeypatch):
    home = tmp_path / "home-is-a-file"
    home.write_text("not a folder")
    monkeypatch.setenv("TAGGENIUS_HOME", str(home))
    conn = connect()
    _assert_fresh_and_usable(conn)
    conn.close()
    assert home.read_text() == "not a folder"
    used = paths.data_dir()
    assert used != home and used.is_dir()
    notices = paths.take_notices()
    assert len(notices) == 1 and str(home) in notices[0] and "TAGGENIUS_HOME" in notices[0]


def test_read_only_home_falls_back_to_a_temporary_folder(tmp_path, monkeypatch):
    with tmpfs(tmp_path / "ro-home", "1m") as home:
        remount_read_only(home)
        monkeypatch.setenv("TAGGENIUS_HOME", str(home))
        conn = connect()
        _assert_fresh_and_usable(conn)
        conn.close()
        assert paths.data_dir() != home
        assert "Read-only" in paths.take_notices()[0]


def _cli_tag(tmp_path: Path, home: Path) -> subprocess.CompletedProcess[str]:
    library = write_library(tmp_path / "lib.xml", n=8)
    env = {**os.environ, "TAGGENIUS_HOME": str(home)}
    env.pop("OPENAI_API_KEY", None)
    return subprocess.run([sys.executable, "-m", "taggenius_desktop", "tag", str(library)], env=env,
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("damage", ["garbage", "newer", "home-is-a-file"])
def test_offline_tagging_from_the_cli_still_works(tmp_path, damage):
    home = tmp_path / "home"
    if damage == "home-is-a-file":
        home.write_text("x")
    else:
        home.mkdir()
        database = home / paths.database_path().name
        if damage == "garbage":
            database.write_bytes(b"\x00garbage" * 1000)
        else:
            conn = sqlite3.connect(database)
            conn.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}")
            conn.close()
    done = _cli_tag(tmp_path, home)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "lib_tagged.xml").exists()
    if damage == "garbage":
        assert list(home.glob("*.broken-*"))


def _my_locks_on(path: Path) -> int:
    inode = os.stat(path).st_ino
    with open("/proc/locks") as handle:
        return sum(1 for line in handle
                   if line.split()[4] == str(os.getpid()) and line.split()[5].endswith(f":{inode}"))


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="reads /proc/locks")
def test_checking_the_file_never_drops_sqlite_locks_held_by_this_process(isolated_home):
    first = connect()
    jobs_log.list_jobs(first)
    held = _my_locks_on(paths.database_path())
    assert held > 0, "SQLite holds a lock on the database file while a connection is open"
    # A second opening (another thread, a reporter) must not open and close the file
    # itself: that would drop every POSIX lock this process holds on it, SQLite's too.
    second = connect()
    second.close()
    assert _my_locks_on(paths.database_path()) == held
    first.close()
