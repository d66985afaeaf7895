"""The one tag-cache lookup every job and preview makes: which tracks have tags cached
for a tagger (hits) and which must be asked (misses).

Tag jobs, estimates, review proposals and split jobs all partition a set of tracks the
same way; they differ only in the connection and the cache partition (a tagger's cache
key, or :data:`ANY_TAGGER` for "the newest answer whatever gave it").
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Mapping

from ..store import cache as tag_cache
from ..vocabulary.profile import TagProfile, TrackInfo

#: Partition meaning "the newest cached profile whatever tagged it" (no cache key is "*").
ANY_TAGGER = "*"


@dataclass(slots=True)
class CachePartition:
    #: TrackID -> identity of its tag-relevant metadata (the cache's second key)
    identities: dict[str, str] = field(default_factory=dict)
    #: TrackID -> cached profile
    hits: dict[str, TagProfile] = field(default_factory=dict)
    #: TrackIDs with nothing cached, in the order given
    misses: list[str] = field(default_factory=list)


def partition(
    conn: sqlite3.Connection | None, infos: Mapping[str, TrackInfo], key: str, *, lookup: bool = True
) -> CachePartition:
    """Split ``infos`` (TrackID -> metadata) into cache hits and misses for ``key``.

    Without a connection nothing is cached and no identity is computed; with
    ``lookup=False`` (the user asked to ignore the cache) identities are computed, so
    fresh answers can still be stored, but every track is a miss.
    """
    if conn is None:
        return CachePartition(misses=list(infos))
    identities = {tid: tag_cache.track_identity(info) for tid, info in infos.items()}
    if not lookup:
        return CachePartition(identities, {}, list(infos))
    if key == ANY_TAGGER:
        found = tag_cache.latest_cached_any(conn, identities.values())
    else:
        found = tag_cache.get_cached(conn, key, identities.values())
    hits: dict[str, TagProfile] = {}
    misses: list[str] = []
    for tid, identity in identities.items():
        profile = found.get(identity)
        if profile is None:
            misses.append(tid)
        else:
            hits[tid] = profile
    return CachePartition(identities, hits, misses)
