"""Per-track tag cache: validated profiles keyed by (what tagged them, what the track is).

The key's first half, ``cache_key``, comes from the tagger (provider, model, prompt and
vocabulary version), so changing any of those never serves stale tags. The second half is
a hash of the normalized metadata the tagger saw, so the same track in another export (or
another copy of the library) is recognised, and a track whose metadata changed is asked
again. Only successes are stored: a failure is retried next time, never cached.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
import unicodedata
from types import TracebackType
from typing import Iterable, Mapping

from ..vocabulary.profile import TagProfile, TrackInfo
from .errors import plain


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.split())


def track_identity(info: TrackInfo) -> str:
    """Stable identity of a track's tag-relevant metadata (not its TrackID or file path,
    which differ between exports of the same music)."""
    fields = [
        _normalize(info.artist),
        _normalize(info.title),
        _normalize(info.mix),
        _normalize(info.remixer),
        _normalize(info.album),
        _normalize(info.label),
        _normalize(info.genre),
        str(info.year or ""),
        f"{info.bpm:.1f}" if info.bpm else "",
        _normalize(info.key),
        str(info.duration_s or ""),
    ]
    digest = hashlib.blake2b(json.dumps(fields, ensure_ascii=False).encode("utf-8"), digest_size=16)
    return digest.hexdigest()


# SQLite limits the number of bound parameters; stay well below it.
_CHUNK = 500


def _select_profiles(
    conn: sqlite3.Connection, sql: str, identities: Iterable[str], *leading: str
) -> dict[str, TagProfile]:
    """Run ``sql`` (with ``{marks}`` for the IN list) chunk by chunk; later rows win."""
    unique = list(dict.fromkeys(identities))
    found: dict[str, TagProfile] = {}
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        marks = ",".join("?" for _ in chunk)
        for identity, profile_json in conn.execute(sql.format(marks=marks), (*leading, *chunk)):
            found[identity] = TagProfile.from_json(profile_json)
    return found


def get_cached(conn: sqlite3.Connection, cache_key: str, identities: Iterable[str]) -> dict[str, TagProfile]:
    """Cached profiles for those identities (missing ones are simply absent)."""
    return _select_profiles(
        conn,
        "SELECT track_identity, profile_json FROM tag_cache WHERE cache_key = ? AND track_identity IN ({marks})",
        identities,
        cache_key,
    )


def put_cached(conn: sqlite3.Connection, cache_key: str, profiles: Mapping[str, TagProfile]) -> None:
    """Store successes (one short transaction: workers call this once per batch)."""
    if not profiles:
        return
    now = time.time()
    rows = [(cache_key, identity, profile.to_json(), now) for identity, profile in profiles.items()]
    with _transaction(conn):
        conn.executemany(
            "INSERT OR REPLACE INTO tag_cache (cache_key, track_identity, profile_json, created_at) VALUES (?, ?, ?, ?)",
            rows,
        )


def count_cached(conn: sqlite3.Connection, cache_key: str, identities: Iterable[str]) -> int:
    return len(get_cached(conn, cache_key, identities))


def latest_cached_any(conn: sqlite3.Connection, identities: Iterable[str]) -> dict[str, TagProfile]:
    """The newest cached profile per identity whatever tagged it (used by split jobs)."""
    return _select_profiles(
        conn,
        "SELECT track_identity, profile_json FROM tag_cache WHERE track_identity IN ({marks}) ORDER BY created_at",
        identities,
    )


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT: take the write lock up front so a busy database waits
    (busy_timeout) instead of failing half way with "database is locked".

    A full disk (SQLITE_FULL) or an I/O error makes SQLite roll the transaction back by
    itself; a ROLLBACK then fails with "cannot rollback - no transaction is active" and
    hides the real cause. So roll back only what is still open, and raise the cause as a
    :class:`~.errors.StoreError` in plain words.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise plain(error, self.conn) from error
        return self.conn

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is None:
            try:
                self.conn.execute("COMMIT")
                return
            except sqlite3.Error as error:
                exc = error
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the cause below is what the caller needs to see
        if isinstance(exc, sqlite3.Error):
            replacement = plain(exc, self.conn)
            if replacement is not exc or exc_type is None:
                raise replacement from exc


transaction = _transaction
