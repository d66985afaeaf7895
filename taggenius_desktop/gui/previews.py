"""The window's background reads: the estimate and the review's proposals, and the
:class:`Previews` that keeps them current with the window's options.

Both are plain functions of a spec and a library that run in a pool thread (no Qt
objects) and stop at the ticket's checkpoints when a newer request supersedes them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import credentials
from ..tagging.choice import TaggerChoice
from .operations import Ticket

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger(__name__)

#: Tracks per slice of proposal work between pauses for the GUI thread.
PROPOSAL_SLICE = 500


@dataclass
class EstimateResult:
    estimate: dict[str, Any]
    cached: int | None
    offline: bool


@dataclass
class ProposalResult:
    proposals: dict[str, Any]
    search: dict[str, str]
    #: TrackID -> raw audio features measured before (for the energy tooltip)
    features: dict[str, dict[str, Any]]


def estimate_work(spec: Any, library: Any, offline: bool, db_path: str | None, ticket: Ticket) -> EstimateResult:
    from ..jobs.estimate import estimate_job
    from ..store import connect

    ticket.checkpoint()
    conn = connect(db_path)  # this window's database, not the default one
    try:
        estimate = estimate_job(spec, library, conn)
    finally:
        conn.close()
    return EstimateResult(estimate, estimate.get("tracks_cached"), offline)


def proposals_work(spec: Any, library: Any, db_path: str | None, ticket: Ticket) -> ProposalResult:
    from ..jobs.audio_stage import cached_audio_stage
    from ..jobs.review import propose
    from ..store import connect
    from .review_model import proposal_search_text

    conn = connect(db_path)
    proposals: dict[str, Any] = {}
    search: dict[str, str] = {}
    ids = [t.track_id for t in library.tracks]
    try:
        # The energy measured by earlier jobs, combined in as the next job will.
        audio, features = cached_audio_stage(spec, library, conn, pause=ticket.checkpoint)
        # In slices, pausing between them: a long pure-Python loop in this thread would
        # otherwise hold the GIL the GUI thread needs to paint (tasks.py).
        for start in range(0, len(ids), PROPOSAL_SLICE):
            ticket.checkpoint()
            chunk = propose(library, spec, conn, ids[start:start + PROPOSAL_SLICE], audio)
            proposals.update(chunk)
            search.update((tid, proposal_search_text(p.profile)) for tid, p in chunk.items())
    finally:
        conn.close()
    return ProposalResult(proposals, search, features)


class Previews:
    """Keeps the window's estimate and review proposals up to date with its options."""

    def __init__(self, window: "MainWindow") -> None:
        self.window = window
        self._proposal_key: tuple[Any, ...] | None = None
        self._offline_sample_profile: Any = None

    def new_library(self, offline_sample_profile: Any) -> None:
        self._proposal_key = None
        self._offline_sample_profile = offline_sample_profile

    def refresh(self, proposals: bool = False) -> None:
        """Re-estimate; re-propose when the tagger changed (or ``proposals``)."""
        from ..jobs import SpecError

        window = self.window
        if proposals:
            self._proposal_key = None
        if window.library is None:
            return
        try:
            spec = window.jobs.build_tag_spec(for_estimate=True)
        except SpecError as exc:
            window.summary.set_estimate(None, str(exc))
            return
        library, offline = window.library, TaggerChoice.of(spec.provider).is_offline
        window.summary.set_cached(None)
        window.summary.set_estimate(None, "Estimating…")
        window.ops.run("estimate", lambda ticket: estimate_work(spec, library, offline, window.db_path, ticket),
                       self._estimate_ready, lambda exc: self._failed("estimate", exc))
        key = (spec.provider.provider, spec.provider.model, spec.provider.base_url, spec.audio, spec.music_roots)
        if key != self._proposal_key:
            self._proposal_key = key
            window.review.set_status("Computing proposals…")
            db_path = window.db_path
            window.ops.run("proposals", lambda ticket: proposals_work(spec, library, db_path, ticket),
                           self._proposals_ready, lambda exc: self._failed("proposals", exc))

    def _estimate_ready(self, result: EstimateResult) -> None:
        window = self.window
        total = window.review.model.track_count() if window.library is not None else None
        window.summary.set_cached(result.cached, total, offline=result.offline)
        note = "The offline tagger is free and runs on this computer." if result.offline else ""
        window.summary.set_estimate(result.estimate, note)
        window.estimate_updated.emit()

    def _proposals_ready(self, result: ProposalResult) -> None:
        window = self.window
        proposals = result.proposals
        window.review.model.set_audio_features(result.features)
        window.review.model.set_proposals(proposals, result.search)
        total = window.review.model.track_count()
        if not window.job_settings.preset().is_llm:
            text = "Proposals from the offline tagger. Edit any cell, tick Lock to keep a track as it is."
        elif len(proposals) < total:
            text = (f"{len(proposals):,} of {total:,} tracks have AI tags from earlier runs; the others get "
                    "theirs when the job runs. Edits and locks are kept either way.")
        else:
            text = "Proposals from earlier AI runs (cached). Edit any cell, tick Lock to keep a track as it is."
        window.review.set_status(text)
        sample = window.job_settings.sample_track_id()
        if sample:
            # The preview shows this provider's answer when there is one, else the offline tagger's.
            profile = proposals[sample].profile if sample in proposals else self._offline_sample_profile
            window.job_settings.set_sample(window.job_settings.sample_attrs(), profile)
        window.proposals_updated.emit()

    def _failed(self, what: str, exc: BaseException) -> None:
        window = self.window
        log.warning("%s failed: %s", what, exc)
        if what == "estimate":
            window.summary.set_estimate(None, credentials.redact(f"No estimate: {exc}"))
            window.estimate_updated.emit()
        else:
            window.review.set_status(credentials.redact(f"No proposals: {exc}"))
            window.proposals_updated.emit()
