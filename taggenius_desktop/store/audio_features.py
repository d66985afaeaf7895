"""The audio feature cache: raw features (or the reason there are none) per file.

Keyed by file identity, not path: the size plus a hash of the first, middle and last
64 KiB. A file moved or renamed (or a library exported on another computer) keeps its
identity and is not analysed again; a re-encoded or edited file gets a new one. The
analyser version is part of the key so a changed measure never reads stale numbers.
One row per file, written as each track finishes, so a killed job loses nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from typing import Iterable, Mapping

SAMPLE_BYTES = 64 * 1024

SCHEMA = """
CREATE TABLE audio_features (
    identity          TEXT    NOT NULL,   -- size + hash of three 64 KiB samples
    analyser_version  INTEGER NOT NULL,
    status            TEXT    NOT NULL,   -- "ok" or the reason (audio.reasons.Reason)
    data              TEXT    NOT NULL,   -- features JSON, or the one-line detail
    created_at        REAL    NOT NULL,
    PRIMARY KEY (identity, analyser_version)
) WITHOUT ROWID
"""

OK = "ok"


def file_identity(path: str) -> str:
    """``<size>:<blake2b of the sampled bytes>``; raises OSError when unreadable."""
    size = os.path.getsize(path)
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        for offset in sorted({0, max(0, size // 2 - SAMPLE_BYTES // 2), max(0, size - SAMPLE_BYTES)}):
            handle.seek(offset)
            digest.update(handle.read(SAMPLE_BYTES))
    return f"{size}:{digest.hexdigest()}"


def get_many(conn: sqlite3.Connection, version: int, identities: Iterable[str]) -> dict[str, tuple[str, str]]:
    """identity -> (status, data) for the identities already analysed by ``version``."""
    wanted = list(dict.fromkeys(identities))
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT identity, status, data FROM audio_features WHERE analyser_version = ? AND identity IN ({marks})",
            (version, *chunk),
        )
        for identity, status, data in rows:
            found[identity] = (status, data)
    return found


def put(conn: sqlite3.Connection, version: int, identity: str, status: str, data: Mapping[str, object] | str) -> None:
    text = data if isinstance(data, str) else json.dumps(data, sort_keys=True)
    conn.execute(
        "INSERT OR REPLACE INTO audio_features (identity, analyser_version, status, data, created_at) VALUES (?, ?, ?, ?, ?)",
        (identity, version, status, text, time.time()),
    )
