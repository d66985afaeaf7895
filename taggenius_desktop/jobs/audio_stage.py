"""The audio stage of a tag job: measure every reachable track, then let the measured
energy take over from the tagger's.

Runs before tagging: locate each track's file (with the spec's music-folder remaps),
look its identity up in the feature cache, analyse the rest on every core (storing each
result as it finishes, so a killed job resumes where it stopped), fit the DJ's Mixed In
Key scale when there are enough references, and hand back :class:`AudioStage`, whose
``adjust`` the planner applies to each profile. Progress shows as "analysing audio N / M"
with the time left; cancel is seen within a tenth of a second.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping, Sequence

from ..audio.locate import PAUSE_EVERY, Remap, resolve
from ..audio.reasons import Reason
from ..vocabulary.profile import (
    SOURCE_AUDIO,
    SOURCE_AUDIO_LLM,
    SOURCE_ENERGY,
    SOURCE_LLM,
    SOURCE_MIXED_IN_KEY,
    Confidence,
    TagProfile,
)
from .errors import JobCancelled
from .progress import Reporter
from .specs import TagJobSpec

log = logging.getLogger(__name__)

OK = "ok"
#: how the job's "current track" reads while files are analysed ("analysing audio 3 / 120, ...")
ANALYSING_AUDIO = "analysing audio"


@dataclass
class AudioStage:
    """Measured energy per track and the counts for the job summary."""

    mode: str
    enabled: bool
    #: TrackID -> continuous audio energy (calibrated when a calibration was fitted)
    energies: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)
    calibration: dict[str, object] | None = None
    seconds: float = 0.0
    flagged: int = 0
    sources: dict[str, int] = field(default_factory=dict)

    def adjust(self, track_id: str, profile: TagProfile) -> TagProfile:
        """The profile with the measured energy combined in (unchanged when not measured)."""
        from ..audio.energy import combine

        audio = self.energies.get(track_id)
        if audio is None:
            return profile
        prior_source = profile.sources.get("energy", "")
        sources, confidence = dict(profile.sources), dict(profile.confidence)
        if prior_source == SOURCE_MIXED_IN_KEY:
            # The DJ's own measurement wins; ours only calibrated the scale.
            confidence["energy"] = Confidence.HIGH.value
            self._count(SOURCE_MIXED_IN_KEY)
            return replace(profile, confidence=confidence)
        combined = combine(audio, profile.energy)
        llm = prior_source == SOURCE_LLM or prior_source.startswith(SOURCE_LLM + ":")
        sources["energy"] = SOURCE_AUDIO_LLM if llm else SOURCE_AUDIO
        confidence["energy"] = (Confidence.LOW if combined.flagged else Confidence.HIGH).value
        self.flagged += combined.flagged
        self._count(sources["energy"])
        situations = profile.situations
        if combined.energy != profile.energy and profile.sources.get("situations") == SOURCE_ENERGY:
            situations = _situations_for(combined.energy, profile.primary_genre, situations)
        return replace(profile, energy=combined.energy, situations=situations, sources=sources, confidence=confidence)

    def wrap(self, apply: Callable[[str, Mapping[str, str], TagProfile], None], overrides: Mapping[str, Any]) -> Callable[
        [str, Mapping[str, str], TagProfile], None
    ]:
        """``apply`` (the planner's) with the energy adjusted first; the DJ's review edits
        are applied as they are."""
        if not self.energies:
            return apply

        def adjusted(track_id: str, attrs: Mapping[str, str], profile: TagProfile) -> None:
            apply(track_id, attrs, profile if track_id in overrides else self.adjust(track_id, profile))

        return adjusted

    def _count(self, source: str) -> None:
        self.sources[source] = self.sources.get(source, 0) + 1

    def summary(self) -> dict[str, object]:
        return {
            "mode": self.mode,
            "enabled": self.enabled,
            **{name: self.counts.get(name, 0) for name in ("found", "analysed", "cached", "missing", "unsupported", "failed")},
            "reasons": dict(sorted(self.reasons.items())),
            "flagged": self.flagged,
            "energy_sources": dict(sorted(self.sources.items())),
            "calibration": self.calibration,
            "seconds": round(self.seconds, 3),
        }


def _situations_for(energy: int, primary_genre: str, fallback: tuple[str, ...]) -> tuple[str, ...]:
    """Situations the offline tagger derives from energy, for the measured energy (its
    rule: the energy's best place first, then the genre's own)."""
    from ..tagging.offline import rules_for

    rules = rules_for()
    try:
        places = rules.vocab.genres.attributes(primary_genre).situations
    except (KeyError, ValueError):
        return fallback
    return rules.situations_for(energy, places)


def _eta(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, int(seconds + 0.5))} s"
    return f"{int(seconds / 60 + 0.5)} min"


def run_audio_stage(
    spec: TagJobSpec,
    library: Any,
    scope: Sequence[str],
    reporter: Reporter,
    conn: sqlite3.Connection | None,
    skip: Sequence[str] | set[str] = (),
) -> AudioStage:
    """Measure the tracks of ``scope`` (but not ``skip``: locked or hand-edited)."""
    mode = spec.audio
    stage = AudioStage(mode=mode, enabled=False)
    if mode == "off":
        return stage
    started = time.perf_counter()
    remaps = [Remap(old, new) for old, new in spec.music_roots]
    skipped = set(skip)
    paths: dict[str, str] = {}
    counts = {"found": 0, "analysed": 0, "cached": 0, "missing": 0, "unsupported": 0, "failed": 0}
    reasons: dict[str, int] = {}

    def count(reason: Reason) -> None:
        counts[reason.group] += 1
        reasons[reason.value] = reasons.get(reason.value, 0) + 1

    for track_id in scope:
        if track_id in skipped:
            continue
        path = resolve(library.track_by_id(track_id).attrs.get("Location", ""), remaps)
        if path is None:
            count(Reason.NOT_A_FILE)
        elif os.path.isfile(path):
            paths[track_id] = path
        else:
            count(Reason.MISSING)
    counts["found"] = len(paths)
    stage.counts, stage.reasons = counts, reasons
    if mode == "auto" and not paths:
        stage.seconds = time.perf_counter() - started
        return stage
    stage.enabled = True
    outcomes = _measure(paths, reporter, conn, counts, count, spec.audio_workers)
    _energies(stage, library, outcomes)
    stage.seconds = time.perf_counter() - started
    return stage


def _measure(
    paths: Mapping[str, str],
    reporter: Reporter,
    conn: sqlite3.Connection | None,
    counts: dict[str, int],
    count: Callable[[Reason], None],
    workers: int | None,
) -> dict[str, dict[str, Any]]:
    """TrackID -> features dict for every track measured (from the cache or now)."""
    from ..audio.measures import ANALYSER_VERSION
    from ..audio.pool import AnalysisCancelled, analyse_many
    from ..store import audio_features as store

    identities: dict[str, str] = {}
    for track_id, path in paths.items():
        try:
            identities[track_id] = store.file_identity(path)
        except OSError:
            count(Reason.UNREADABLE)
    known = store.get_many(conn, ANALYSER_VERSION, identities.values()) if conn is not None else {}
    by_identity: dict[str, tuple[str, Any]] = {}
    for identity, (status, data) in known.items():
        by_identity[identity] = (status, json.loads(data) if status == OK else data)
    # One analysis per file, however many TRACKs point at it.
    todo = sorted({identity for identity in identities.values() if identity not in by_identity})
    wanted = set(todo)
    todo_paths = {identities[tid]: path for tid, path in paths.items() if identities.get(tid, "") in wanted}
    cached_tracks = sum(1 for identity in identities.values() if identity in by_identity)
    total = len(todo)
    begun = time.perf_counter()
    done = 0

    def on_result(index: int, outcome: tuple[str, Any]) -> None:
        nonlocal done
        identity = todo[index]
        status, data = outcome
        if conn is not None:
            store.put(conn, ANALYSER_VERSION, identity, status, data)
        by_identity[identity] = (status, data)
        done += 1
        left = (time.perf_counter() - begun) / done * (total - done)
        reporter.current_track = f"{ANALYSING_AUDIO} {done} / {total}" + (f", about {_eta(left)} left" if total > done else "")
        reporter.tick()

    if total:
        reporter.current_track = f"{ANALYSING_AUDIO} 0 / {total}"
        reporter.tick(force=True)
        try:
            analyse_many([todo_paths[i] for i in todo], on_result, reporter.is_cancelled, workers)
        except AnalysisCancelled:
            raise JobCancelled("Cancelled") from None
        # A cancel that came while the last files were analysed still stops the job
        # before tagging; what was measured is stored, so resume starts from there.
        if reporter.cancelled_now():
            raise JobCancelled("Cancelled")
        reporter.current_track = None
        reporter.tick(force=True)
    measured: dict[str, dict[str, Any]] = {}
    fresh = set(todo)
    for track_id, identity in identities.items():
        status, data = by_identity.get(identity, (Reason.ERROR.value, "not analysed"))
        if status == OK:
            measured[track_id] = data
            counts["analysed" if identity in fresh else "cached"] += 1
        else:
            try:
                count(Reason(status))
            except ValueError:
                count(Reason.ERROR)
    log.info("audio: %d files analysed, %d tracks from the cache", total, cached_tracks)
    return measured


def _energies(stage: AudioStage, library: Any, measured: Mapping[str, Mapping[str, Any]]) -> None:
    from ..audio.calibrate import fit, reference_energy
    from ..audio.energy import score, score_to_energy
    from ..audio.measures import AudioFeatures

    scores = {tid: score(AudioFeatures.from_dict(data)) for tid, data in measured.items()}
    references = []
    for track_id, value in scores.items():
        reference = reference_energy(library.track_by_id(track_id).attrs)
        if reference is not None:
            references.append((track_id, value, reference))
    calibration = fit(references)
    stage.calibration = calibration.summary() if calibration else {"references": len(references), "fitted": False}
    for track_id, value in scores.items():
        stage.energies[track_id] = calibration.apply(value) if calibration else score_to_energy(value)


def cached_audio_stage(spec: TagJobSpec, library: Any, conn: sqlite3.Connection | None,
                       pause: Callable[[], None] | None = None) -> tuple[AudioStage, dict[str, dict[str, Any]]]:
    """The stage a job would apply, from features measured before (nothing is decoded),
    and the raw features per TrackID: the review's proposals and tooltips use them, so
    they show the energy the job will write once the files were analysed."""
    stage = AudioStage(mode=spec.audio, enabled=False)
    if spec.audio == "off" or conn is None:
        return stage, {}
    locations = {t.track_id: t.attrs.get("Location") or "" for t in library.tracks}
    measured = features_for_tracks(conn, locations, spec.music_roots, pause)
    if measured:
        stage.enabled = True
        _energies(stage, library, measured)
    return stage, measured


def features_for_tracks(
    conn: sqlite3.Connection, locations: Mapping[str, str], music_roots: Sequence[tuple[str, str]] = (),
    pause: Callable[[], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """TrackID -> cached raw features, for the review table's tooltip (no decoding);
    ``pause`` is called every few hundred files (a GUI thread's turn, a cancel)."""
    from ..audio.measures import ANALYSER_VERSION
    from ..store import audio_features as store

    remaps = [Remap(old, new) for old, new in music_roots]
    identities: dict[str, str] = {}
    for done, (track_id, location) in enumerate(locations.items()):
        if pause is not None and done % PAUSE_EVERY == 0:
            pause()
        path = resolve(location, remaps)
        if path is not None and os.path.isfile(path):
            try:
                identities[track_id] = store.file_identity(path)
            except OSError:
                continue
    known = store.get_many(conn, ANALYSER_VERSION, identities.values())
    return {
        tid: json.loads(known[identity][1]) for tid, identity in identities.items() if known.get(identity, ("",))[0] == OK
    }
