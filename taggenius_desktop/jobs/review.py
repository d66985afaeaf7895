"""Proposals for the review table: what a tag job would write, before it runs.

For the offline tagger the proposal is computed on the spot (microseconds a track); for
an LLM provider it is what the cache already holds for that provider and model (tracks
not asked yet have no proposal until a job runs). Pure core code: the GUI calls it from a
background thread and shows the result.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Iterable

from ..library import Library
from ..store import cache as tag_cache
from ..vocabulary.profile import TagProfile, TrackInfo
from .specs import TagJobSpec
from .tagging import cache_key


@dataclass(frozen=True, slots=True)
class Proposal:
    track_id: str
    profile: TagProfile
    origin: str  # "offline" (computed now) or "cache" (an earlier LLM job's answer)


def propose(
    library: Library, spec: TagJobSpec, conn: sqlite3.Connection | None, track_ids: Iterable[str] | None = None
) -> dict[str, Proposal]:
    """TrackID -> proposal for every track that has one."""
    wanted = list(track_ids) if track_ids is not None else [t.track_id for t in library.tracks]
    infos = {tid: TrackInfo.from_attributes(library.track_by_id(tid).attrs) for tid in wanted}
    if spec.provider.provider == "offline":
        from ..tagging.offline import profile_for
        from ..tagging.offline.evidence import not_music

        proposals = {}
        for tid, info in infos.items():
            profile = profile_for(info)
            if not_music(info, profile.sources["primary_genre"]) is None:  # a tone gets no proposal
                proposals[tid] = Proposal(tid, profile, "offline")
        return proposals
    if conn is None:
        return {}
    key = cache_key(spec)
    identities = {tid: tag_cache.track_identity(info) for tid, info in infos.items()}
    hits = tag_cache.get_cached(conn, key, identities.values()) if key else {}
    return {tid: Proposal(tid, hits[ident], "cache") for tid, ident in identities.items() if ident in hits}


def count_cached(library: Library, spec: TagJobSpec, conn: sqlite3.Connection) -> int:
    """How many of the library's tracks already have tags cached for the spec's provider."""
    key = cache_key(spec)
    if key is None:
        return 0
    identities = [tag_cache.track_identity(TrackInfo.from_attributes(t.attrs)) for t in library.tracks]
    return tag_cache.count_cached(conn, key, identities)
