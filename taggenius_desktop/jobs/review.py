"""Proposals for the review table: what a tag job would write, before it runs.

For the offline tagger the proposal is computed on the spot (microseconds a track); for
an LLM provider it is what the cache already holds for that provider and model (tracks
not asked yet have no proposal until a job runs). Pure core code: the GUI calls it from a
background thread and shows the result.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from ..library import Library
from ..tagging.choice import Provider, TaggerChoice
from ..vocabulary.profile import TagProfile, TrackInfo
from .cached import partition
from .specs import TagJobSpec

if TYPE_CHECKING:
    from .audio_stage import AudioStage

#: Proposal origins: computed now by the offline tagger, or an earlier LLM job's cached answer.
ORIGIN_OFFLINE = Provider.OFFLINE.value
ORIGIN_CACHE = "cache"


@dataclass(frozen=True, slots=True)
class Proposal:
    track_id: str
    profile: TagProfile
    origin: str  # ORIGIN_OFFLINE or ORIGIN_CACHE


def propose(
    library: Library, spec: TagJobSpec, conn: sqlite3.Connection | None, track_ids: Iterable[str] | None = None,
    audio: "AudioStage | None" = None,
) -> dict[str, Proposal]:
    """TrackID -> proposal for every track that has one; with ``audio``
    (``jobs.audio_stage.cached_audio_stage``) the measured energy is combined in as the
    job combines it."""
    proposals = _propose(library, spec, conn, track_ids)
    if audio is None or not audio.energies:
        return proposals
    return {tid: Proposal(tid, audio.adjust(tid, p.profile), p.origin) for tid, p in proposals.items()}


def _propose(
    library: Library, spec: TagJobSpec, conn: sqlite3.Connection | None, track_ids: Iterable[str] | None
) -> dict[str, Proposal]:
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



#: why a track has no proposal under an LLM provider: the job will ask for it
NOT_TAGGED_YET = "not tagged yet: the job asks the AI"


def missing_reasons(library: Library, spec: TagJobSpec, track_ids: Iterable[str]) -> dict[str, str]:
    """Why each of ``track_ids`` (tracks :func:`propose` gave no proposal) has none.

    The offline tagger skips tracks that are not music and says why; under an LLM
    provider a track without a cached answer is simply not tagged yet."""
    if TaggerChoice.of(spec.provider).cache_key() is not None:
        return {tid: NOT_TAGGED_YET for tid in track_ids}
    from ..tagging.offline import profile_for
    from ..tagging.offline.evidence import not_music

    reasons: dict[str, str] = {}
    for tid in track_ids:
        info = TrackInfo.from_attributes(library.track_by_id(tid).attrs)
        reasons[tid] = not_music(info, profile_for(info).sources["primary_genre"]) or "not tagged"
    return reasons
