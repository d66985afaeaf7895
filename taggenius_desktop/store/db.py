"""The SQLite database: one file in the user data folder, shared by the GUI, the CLI and
worker processes.

Why these settings: several processes write (workers report progress while the GUI and
``taggenius jobs`` read), so the database runs in WAL mode with a generous busy timeout
and every write is a short transaction. The file holds job history and per-track
originals of the user's library, so it is created owner-only (and kept so on every open).

A damaged database (not SQLite, truncated, corrupt) is moved aside, never deleted, and a
fresh one started; a database from a newer Tag Genius is left untouched and this run uses
a temporary one. Either way one line is added to :func:`paths.take_notices`.
"""

from __future__ import annotations

import atexit
import errno
import os
import shutil
import sqlite3
import stat
import struct
import tempfile
import time
import weakref
from pathlib import Path

from .. import paths
from . import locks
from .errors import SQLITE_CORRUPT, SQLITE_NOTADB, StoreError, StoreFull, plain, primary_code

from .audio_features import SCHEMA as _AUDIO_FEATURES_SCHEMA

_SCHEMA_V1 = """
CREATE TABLE processing_log (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp         TEXT    NOT NULL,               -- when the job was submitted (ISO 8601, UTC)
    job_display_name  TEXT    NOT NULL,
    original_filename TEXT    NOT NULL,
    input_file_path   TEXT    NOT NULL,
    output_file_path  TEXT,
    track_count       INTEGER NOT NULL DEFAULT 0,
    status            TEXT    NOT NULL,               -- see jobs_log.Status
    job_type          TEXT    NOT NULL,               -- tag | split | restore
    result_data       TEXT,                           -- JSON summary of a finished job
    spec              TEXT    NOT NULL,               -- JSON job spec: what resume re-runs
    tracks_done       INTEGER NOT NULL DEFAULT 0,
    tracks_total      INTEGER NOT NULL DEFAULT 0,
    current_track     TEXT,
    tagged            INTEGER NOT NULL DEFAULT 0,
    cached            INTEGER NOT NULL DEFAULT 0,
    skipped           INTEGER NOT NULL DEFAULT 0,
    failed            INTEGER NOT NULL DEFAULT 0,
    requests          INTEGER NOT NULL DEFAULT 0,
    input_tokens      INTEGER NOT NULL DEFAULT 0,
    output_tokens     INTEGER NOT NULL DEFAULT 0,
    cost_usd          REAL    NOT NULL DEFAULT 0,
    provider          TEXT,
    model             TEXT,
    level             TEXT,
    error             TEXT,
    started_at        REAL,
    finished_at       REAL,
    heartbeat_at      REAL,
    worker_pid        INTEGER,
    host_pid          INTEGER,
    cancel_requested  INTEGER NOT NULL DEFAULT 0,
    output_sha256     TEXT
);
CREATE INDEX processing_log_status ON processing_log(status);
CREATE INDEX processing_log_output_sha ON processing_log(output_sha256);

-- Validated tags per track, keyed by what produced them. Failures are never stored.
CREATE TABLE tag_cache (
    cache_key      TEXT NOT NULL,   -- tagger + model + prompt/vocabulary version
    track_identity TEXT NOT NULL,   -- hash of the normalized metadata the tagger saw
    profile_json   TEXT NOT NULL,
    created_at     REAL NOT NULL,
    PRIMARY KEY (cache_key, track_identity)
) WITHOUT ROWID;

-- The user's values of every field a job changed, for an exact restore: one row per job
-- holding every track's record (zlib-compressed JSON). One row, not one per track,
-- because a 100,000-track job would otherwise spend longer storing rows than tagging.
CREATE TABLE track_originals (
    job_id  INTEGER PRIMARY KEY REFERENCES processing_log(id) ON DELETE CASCADE,
    tracks  INTEGER NOT NULL,
    data    BLOB    NOT NULL    -- [[track_id, location, {attr: original or null}, {attr: written}], ...]
);
"""

#: Schema version -> the statements that bring the database from the version before to it.
#: A number may be missing (reserved by work not merged yet): it is skipped.
_MIGRATIONS = {1: _SCHEMA_V1, 3: _AUDIO_FEATURES_SCHEMA}
SCHEMA_VERSION = max(_MIGRATIONS)


class _Broken(Exception):
    """The file is not a usable SQLite database (its reason in words)."""


class _Newer(Exception):
    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


#: A database written by a newer version -> the temporary stand-in this run uses instead.
_redirects: dict[Path, Path] = {}


class _Connection(sqlite3.Connection):
    """A connection that counts itself among this process's open ones for its file."""


#: This process's connections per file. While one is open, nothing here may open and
#: close that file itself: closing any descriptor of a file drops every POSIX lock the
#: process holds on it, SQLite's included, and other connections then see a stale WAL.
_in_use: dict[Path, "weakref.WeakSet[_Connection]"] = {}


def _private(path: Path) -> None:
    """Create the file with mode 0600 before SQLite opens it (SQLite would use the umask),
    and put the mode back if something changed it (SQLite gives -wal/-shm the same)."""
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    for member in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = member.stat().st_mode
        except FileNotFoundError:
            continue
        if stat.S_ISREG(mode) and mode & 0o077:  # only our files, never a folder in the way
            os.chmod(member, 0o600)


def _looks_truncated(path: Path) -> bool:
    """A cheap sign of a truncated copy, which SQLite would only notice half way through
    a job: the file is shorter than its header says. Only a sign: a checkpoint in another
    process writes page 1 before it extends the file, so it is confirmed by SQLite.
    Raises :class:`_Broken` for a file that is not SQLite at all."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
            size = os.fstat(handle.fileno()).st_size
    except OSError:
        return False
    if len(header) < 100:
        return False  # empty (new), or too short to be SQLite: SQLite itself says so
    if not header.startswith(b"SQLite format 3\0"):
        # Not SQLite: said before SQLite opens it, which would reset a -wal it cannot read.
        raise _Broken("it is not a SQLite database")
    page_size: int = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    change_counter: int
    pages: int
    change_counter, pages = struct.unpack(">II", header[24:32])
    valid_for: int = struct.unpack(">I", header[92:96])[0]
    return change_counter == valid_for and size < pages * page_size


def resolve_path(path: Path | str | None = None) -> Path:
    """The file ``connect(path)`` opens in this run (hand this to other processes)."""
    requested = Path(path) if path is not None else paths.database_path()
    return _redirects.get(requested, requested)


def stand_in_dirs() -> list[Path]:
    """Folders of the temporary databases this run uses instead of newer ones."""
    return [stand_in.parent for stand_in in _redirects.values()]


def database_file(conn: sqlite3.Connection) -> Path | None:
    """The file behind a connection (None for an in-memory database)."""
    for row in conn.execute("PRAGMA database_list"):
        if row[1] == "main":
            return Path(row[2]) if row[2] else None
    return None


def connect(path: Path | str | None = None) -> sqlite3.Connection:
    """Open (and create or migrate) the database. Safe to call from any process.

    Never fails because of a damaged or newer database (see the module docstring); disk
    trouble raises :class:`~.errors.StoreError` in plain words.
    """
    requested = Path(path) if path is not None else paths.database_path()
    db_path = _redirects.get(requested, requested)
    try:
        return _open(db_path)
    except _Broken:
        # Under a lock, so two processes starting together do not both move files (the
        # second would move the first one's fresh database); and checked in full first.
        with locks.acquire(Path(f"{db_path}.lock"), wait=30.0):
            try:
                return _open(db_path, check_all=True)
            except _Broken as broken:
                aside = _move_aside(db_path)
                paths.add_notice(
                    f"The Tag Genius database was damaged ({broken}); it was moved to {aside} (kept, "
                    "not deleted) and a fresh one was started, without the earlier job history and restore data."
                )
        return _open(db_path)
    except _Newer as newer:
        stand_in = Path(tempfile.mkdtemp(prefix="taggenius-db-")) / db_path.name
        atexit.register(shutil.rmtree, stand_in.parent, True)
        _redirects[requested] = stand_in
        paths.add_notice(
            f"{db_path} was written by a newer Tag Genius (schema {newer.version}, this one knows "
            f"{SCHEMA_VERSION}); it is left untouched and this run uses a temporary database, so its "
            "history and restore data are not kept. Update Tag Genius to use yours."
        )
        return _open(stand_in)


def _open(db_path: Path, check_all: bool = False) -> sqlite3.Connection:
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        _private(db_path)
        # Already open here means SQLite read it fine; and the file must not be touched then.
        suspect = not _in_use.get(db_path) and _looks_truncated(db_path) or check_all
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise StoreFull(f"The disk holding {db_path.parent} is full; free some space there.") from error
        raise StoreError(f"Tag Genius cannot open its database {db_path}: {error.strerror or error}.") from error
    try:
        conn = sqlite3.connect(
            db_path, timeout=30.0, isolation_level=None, check_same_thread=False, factory=_Connection
        )
    except sqlite3.Error as error:
        raise StoreError(f"Tag Genius cannot open its database {db_path}: {error}.") from error
    _in_use.setdefault(db_path, weakref.WeakSet()).add(conn)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads the schema pages
        if suspect:
            problem = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
            if problem != "ok":
                raise _Broken(problem)
        _migrate(conn)
    except sqlite3.DatabaseError as error:
        conn.close()
        if primary_code(error) in (SQLITE_CORRUPT, SQLITE_NOTADB):
            raise _Broken(str(error)) from error
        raise plain(error) from error
    except BaseException:
        conn.close()
        raise
    return conn


def _move_aside(db_path: Path) -> Path:
    """Rename the database and its -wal/-shm to ``NAME.broken-YYYYmmdd-HHMMSS[-N]``."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = db_path.with_name(f"{db_path.name}.broken-{stamp}")
    number = 1
    while aside.exists():
        number += 1
        aside = db_path.with_name(f"{db_path.name}.broken-{stamp}-{number}")
    os.replace(db_path, aside)
    for suffix in ("-wal", "-shm"):
        companion = Path(f"{db_path}{suffix}")
        if companion.exists():
            os.replace(companion, Path(f"{aside}{suffix}"))
    return aside


def _migrate(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise _Newer(version)
    # BEGIN IMMEDIATE so two processes starting at once do not both migrate.
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for statement in _MIGRATIONS.get(target, "").split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite has already rolled back after some errors
            conn.execute("ROLLBACK")
        raise
