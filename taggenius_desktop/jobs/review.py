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
from ..tagging.choice import Provider, TaggerChoice
from ..vocabulary.profile import TagProfile, TrackInfo
from .cached import partition
from .specs import TagJobSpec

#: Proposal origins: computed now by the offline tagger, or an earlier LLM job's cached answer.
ORIGIN_OFFLINE = Provider.OFFLINE.value
ORIGIN_CACHE = "cache"


@dataclass(frozen=True, slots=True)
class Proposal:
    track_id: str
    profile: TagProfile
    origin: str  # ORIGIN_OFFLINE or ORIGIN_CACHE


def propose(
    library: Library, spec: TagJobSpec, conn: sqlite3.Connection | None, track_ids: Iterable[str] | None = None
) -> dict[str, Proposal]:
    """TrackID -> proposal for every track that has one."""
    wanted = list(track_ids) if track_ids is not None else [t.track_id for t in library.tracks]
    infos = {tid: TrackInfo.from_attributes(library.track_by_id(tid).attrs) for tid in wanted}
    choice = TaggerChoice.of(spec.provider)
    key = choice.cache_key()
    if key is None:
        from ..tagging.offline import profile_for
        from ..tagging.offline.evidence import not_music

        proposals = {}
        for tid, info in infos.items():
            profile = profile_for(info)
            if not_music(info, profile.sources["primary_genre"]) is None:  # a tone gets no proposal
                proposals[tid] = Proposal(tid, profile, ORIGIN_OFFLINE)
        return proposals
    if conn is None:
        return {}
    hits = partition(conn, infos, key).hits
    return {tid: Proposal(tid, profile, ORIGIN_CACHE) for tid, profile in hits.items()}

