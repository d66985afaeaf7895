"""The SQLite database: one file in the user data folder, shared by the GUI, the CLI and
worker processes.

Why these settings: several processes write (workers report progress while the GUI and
``taggenius jobs`` read), so the database runs in WAL mode with a generous busy timeout
and every write is a short transaction. The file holds job history and per-track
originals of the user's library, so it is created owner-only.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .. import paths
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


def _create_private_file(path: Path) -> None:
    """Create the file with mode 0600 before SQLite opens it (SQLite would use the umask)."""
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


def connect(path: Path | str | None = None) -> sqlite3.Connection:
    """Open (and create or migrate) the database. Safe to call from any process."""
    db_path = Path(path) if path is not None else paths.database_path()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    _create_private_file(db_path)
    conn = sqlite3.connect(db_path, timeout=30.0, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    _migrate(conn)
    return conn


def _migrate(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise RuntimeError(
            f"The Tag Genius database was written by a newer version (schema {version}); "
            "please update Tag Genius."
        )
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
        conn.execute("ROLLBACK")
        raise
