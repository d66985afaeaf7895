"""Store failures in plain words, as one exception type the job runner can catch.

Why a subclass of ``sqlite3.OperationalError``: code that already survives a busy or
failing database (``except sqlite3.Error``) keeps doing so, while a runner that wants to
carry on without the store (write the output anyway) catches :class:`StoreError`.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Iterator

# SQLite's primary result codes (the low byte of an extended code).
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26
SQLITE_IOERR = 10
SQLITE_READONLY = 8


class StoreError(sqlite3.OperationalError):
    """The database cannot be written or read (message in plain words)."""


class StoreFull(StoreError):
    """The disk holding the database is full: nothing more can be stored there."""


def primary_code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _folder(conn: sqlite3.Connection | None) -> str:
    if conn is not None:
        try:
            for row in conn.execute("PRAGMA database_list"):
                if row[1] == "main" and row[2]:
                    return str(Path(row[2]).parent)
        except sqlite3.Error:
            pass
    return "the Tag Genius data folder"


def plain(error: sqlite3.Error, conn: sqlite3.Connection | None = None) -> sqlite3.Error:
    """The error to raise instead of ``error``: a :class:`StoreError` for disk trouble,
    ``error`` itself for anything else (a bug should show as one)."""
    if isinstance(error, StoreError):
        return error
    code = primary_code(error)
    if code == SQLITE_FULL or "disk is full" in str(error):
        return StoreFull(f"The disk holding {_folder(conn)} is full; free some space there and resume the job.")
    if code in (SQLITE_IOERR, SQLITE_READONLY, SQLITE_CANTOPEN):
        return StoreError(f"Tag Genius cannot write its database in {_folder(conn)}: {error}.")
    return error


@contextlib.contextmanager
def plain_errors(conn: sqlite3.Connection | None = None) -> Iterator[None]:
    """Turn disk trouble inside the block into :class:`StoreError` / :class:`StoreFull`."""
    try:
        yield
    except sqlite3.Error as error:
        replacement = plain(error, conn)
        if replacement is error:
            raise
        raise replacement from error
