"""The tag job: read a library, get a profile for every track in scope (cache first),
plan the field changes, store the originals, write the output atomically.

Pure core code: runs the same in a worker process, in the CLI, in tests and in the
frozen app's self-test. Deterministic for a given library, cache and spec, so a resumed
job writes exactly what an uninterrupted one would.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..library import Library
from ..library.bulk import gc_paused
from ..store import cache as tag_cache
from ..store.originals import TrackOriginals
from ..tagging.base import TaggingStopped, TagResult, Tagger
from ..tagging.choice import TaggerChoice
from ..vocabulary import InvalidProfile, coerce_profile, load_vocabulary
from ..vocabulary.profile import Level, TagProfile, TrackInfo
from ..writeback import WriteOptions, plan_fields
from .cached import partition
from .errors import CACHE_NOT_SAVED, JobCancelled, JobFailed, failure_reasons, nothing_tagged_message
from .finish import (
    STORE_WRITE_ERRORS,
    StoreTolerantReporter,
    clean_stale_temps,
    keep_finished_work,
    publish_finished,
    save_originals,
    write_output,
)
from .audio_stage import run_audio_stage
from .progress import Counters, Reporter, open_library
from .report import write_report
from .specs import ProviderSettings, TagJobSpec
from .summary import NOTE_FAILED, SKIP_LOCKED, SummaryBuilder

#: Offline tagging streams through the library in chunks of this many tracks, so each
#: track's attributes are parsed once and never all held in memory at the same time.
OFFLINE_CHUNK = 2000


def llm_config(settings: ProviderSettings) -> Any:
    """The LLM configuration a spec's provider settings describe."""
    try:
        return TaggerChoice.of(settings).llm_config()
    except ValueError as error:
        raise JobFailed(str(error), bad_input=True) from None


def make_tagger(spec: TagJobSpec) -> Tagger:
    """The tagger a spec asks for (imports the LLM stack only when it is used)."""
    try:
        return TaggerChoice.of(spec.provider).make_tagger()
    except ValueError as error:
        raise JobFailed(str(error), bad_input=True) from None
    except TaggingStopped as stop:
        raise JobFailed(str(stop)) from None


def cache_key(spec: TagJobSpec) -> str | None:
    """The tag-cache key of the spec's provider and model (None when it is not cached)."""
    try:
        return TaggerChoice.of(spec.provider).cache_key()
    except ValueError as error:
        raise JobFailed(str(error), bad_input=True) from None


def tracks_in_scope(library: Library, playlist_paths: Iterable[str]) -> list[str]:
    """TrackIDs to tag: the whole collection, or the union of the chosen playlists
    (in collection order, so outputs do not depend on the order playlists were picked)."""
    wanted = {p for p in playlist_paths if p}
    if not wanted:
        return [t.track_id for t in library.tracks]
    chosen: set[str] = set()
    found: set[str] = set()
    if library.playlists is not None:
        for folder_path, node in library.playlists.iter_playlists():
            full = "/".join([*folder_path, node.name])
            if full in wanted:
                found.add(full)
                chosen.update(node.track_ids(library))
    missing = sorted(wanted - found)
    if missing:
        raise JobFailed(f"{library.path.name}: no playlist named {missing[0]!r}", bad_input=True)
    return [t.track_id for t in library.tracks if t.track_id in chosen]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Planner:
    """Turns profiles into attribute changes on the library, remembering the originals."""

    def __init__(self, library: Library, options: WriteOptions, job_id: int | None, keep_rows: bool = False) -> None:
        self.library = library
        self.options = options
        self.job_id = job_id or 0
        self.records: list[TrackOriginals] = []
        self.notes: dict[str, list[str]] = {}
        self.summary = SummaryBuilder(options, keep_rows)

    def skip(self, track_id: str, reason: str) -> None:
        """A track in scope that gets no profile (locked, not music, failed)."""
        self.summary.add(track_id, self.library.track_by_id(track_id).attrs, None, {}, (reason,))

    def apply(self, track_id: str, attrs: Mapping[str, str], profile: TagProfile) -> None:
        # Once per track: plan_fields spares a WritePlan object per track.
        changes, notes, _ = plan_fields(attrs, profile, self.options)
        for note in notes:
            self.notes.setdefault(note, []).append(track_id)
        self.summary.add(track_id, attrs, profile, changes, notes)
        if not changes:
            return
        get = attrs.get
        originals = {name: get(name) for name in changes}
        self.records.append(TrackOriginals(self.job_id, track_id, get("Location"), originals, changes))
        self.library.set_track_attributes(track_id, changes)


def run_tag_job(
    spec: TagJobSpec,
    reporter: Reporter,
    conn: sqlite3.Connection | None = None,
    job_id: int | None = None,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Run a tag job to the end. Returns the summary stored as ``result_data``; its
    ``summary`` is the library-wide preview (:mod:`.summary`).

    ``conn`` is the store (cache and originals); without it nothing is cached and no
    restore data is kept (benchmarks of the bare pipeline). ``dry_run`` plans every
    track but writes nothing: no output, no originals, no report (the GUI's preview).
    """
    started = time.perf_counter()
    clean_stale_temps(spec.output_path, time.time())
    reporter = StoreTolerantReporter(reporter)  # a full data folder must not end the job
    counters = reporter.counters
    library = open_library(spec.input_path, reporter)
    scope = tracks_in_scope(library, spec.playlists)
    counters.tracks_total = len(scope)
    reporter.set_fields(tracks_total=len(scope))
    reporter.tick(force=True)

    try:
        options = WriteOptions.from_dict({**spec.write_options, "level": spec.level})
    except ValueError as error:
        raise JobFailed(f"The write settings are not valid: {error}", bad_input=True) from None
    vocab = load_vocabulary()
    overrides: dict[str, TagProfile] = {}
    for track_id, raw in spec.overrides.items():
        try:
            overrides[track_id] = coerce_profile(raw, vocab)
        except InvalidProfile as error:
            raise JobFailed(f"The edited tags of track {track_id} are not valid: {error}", bad_input=True) from None
    planner = _Planner(library, options, job_id, keep_rows=bool(spec.report_path) and not dry_run)
    audio = run_audio_stage(spec, library, scope, reporter, conn, skip={*spec.locked, *overrides})
    planner.apply = audio.wrap(planner.apply, overrides)  # type: ignore[method-assign,assignment]
    tagger = make_tagger(spec)
    run = _TagRun(library, scope, tagger, planner, overrides, set(spec.locked), {}, reporter)
    try:
        if tagger.uses_cache:
            _tag_with_cache(run, conn, spec.provider.use_cache)
        else:
            _tag_streaming(run)
        _copy_usage(tagger, counters)
    finally:
        tagger.close()

    if dry_run:
        return {"tracks_total": counters.tracks_total, "summary": planner.summary.result()}
    publish_finished(reporter)  # all tracks done: from here a cancel no longer stops the job
    if reporter.is_cancelled():
        if counters.tracks_done < counters.tracks_total:
            raise JobCancelled("Cancelled")
        keep_finished_work(reporter)
    if counters.failed and not (counters.tagged + counters.cached):
        # Writing the input back unchanged would look like a tagged library to the DJ.
        raise JobFailed(nothing_tagged_message(counters.failed, failure_reasons(run.errors)))
    # Originals first, then the output: if the process dies in between, the output does
    # not exist yet and a resume redoes both.
    if conn is not None and job_id is not None:
        warning = save_originals(conn, job_id, planner.records)
        if warning:
            run.warnings.append(warning)
    write_output(library, spec.output_path)
    # Unrecorded on a full data folder: restore then finds the job by the tracks' values.
    reporter.set_fields(output_sha256=sha256_of(Path(spec.output_path)))
    reporter.tick(force=True)
    if spec.report_path:
        position = {track_id: i for i, track_id in enumerate(scope)}
        rows = sorted(planner.summary.rows or [], key=lambda row: position[row.track_id])  # collection order
        try:
            write_report(spec.report_path, rows)
        except LibraryError as error:
            raise JobFailed(str(error), bad_input=True) from None

    return {
        "output_file_path": spec.output_path,
        "tracks_total": counters.tracks_total,
        "tracks_changed": len(planner.records),
        "tagged": counters.tagged,
        "cached": counters.cached,
        "skipped": counters.skipped,
        "failed": counters.failed,
        "failures": dict(list(run.errors.items())[:200]),
        "failure_reasons": failure_reasons(run.errors),
        "warnings": run.warnings,
        "notes": {note: len(ids) for note, ids in planner.notes.items()},
        "requests": counters.requests,
        "input_tokens": counters.input_tokens,
        "output_tokens": counters.output_tokens,
        "cost_usd": round(counters.cost_usd, 6),
        "seconds": round(time.perf_counter() - started, 3),
        "level": Level(spec.level).value,
        "provider": spec.provider.provider,
        "model": tagger.model,
        "summary": planner.summary.result(),
        **({"report_file_path": spec.report_path} if spec.report_path else {}),
        "audio": audio.summary(),
    }


@dataclass
class _TagRun:
    """What both per-track paths of a tag job work with."""

    library: Library
    scope: list[str]
    tagger: Tagger
    planner: _Planner
    overrides: Mapping[str, TagProfile]
    locked: set[str]
    errors: dict[str, str]
    reporter: Reporter
    warnings: list[str] = field(default_factory=list)

    def count(self, result: TagResult) -> bool:
        """Count one result; True when it carries a profile."""
        if result.profile is not None:
            self.reporter.counters.tagged += 1
            return True
        if result.skipped is not None:  # deliberately not tagged (not music)
            self.reporter.counters.skipped += 1
            self.planner.skip(result.track_id, result.skipped)
            return False
        self.errors[result.track_id] = result.error or "no tags"
        self.reporter.counters.failed += 1
        self.planner.skip(result.track_id, f"{NOTE_FAILED}: {self.errors[result.track_id]}")
        return False


def _copy_usage(tagger: Tagger, counters: Counters) -> None:
    usage = tagger.usage
    counters.requests, counters.input_tokens = usage.requests, usage.input_tokens
    counters.output_tokens, counters.cost_usd = usage.output_tokens, usage.cost_usd


def _tag_streaming(run: _TagRun) -> None:
    """Cheap local taggers: chunk by chunk, each track's attributes parsed once.

    The cyclic garbage collector is paused meanwhile (see ``library.bulk``): the loop
    allocates several objects per track and forms no cycles, and the collector's passes
    over the whole library took over a second of a 100,000-track job.
    """
    with gc_paused():
        _tag_chunks(run)


def _tag_chunks(run: _TagRun) -> None:
    library, scope, tagger, reporter = run.library, run.scope, run.tagger, run.reporter
    locked, overrides, count = run.locked, run.overrides, run.count
    counters = reporter.counters
    track_by_id = library.track_by_id
    from_attributes = TrackInfo.from_attributes
    apply = run.planner.apply
    for start in range(0, len(scope), OFFLINE_CHUNK):
        if reporter.is_cancelled():
            raise JobCancelled("Cancelled")
        chunk_attrs: dict[str, dict[str, str]] = {}
        infos: list[TrackInfo] = []
        for track_id in scope[start : start + OFFLINE_CHUNK]:
            if track_id in locked:
                counters.skipped += 1
                run.planner.skip(track_id, SKIP_LOCKED)
                continue
            attrs = track_by_id(track_id).attrs
            chunk_attrs[track_id] = attrs
            if track_id in overrides:
                apply(track_id, attrs, overrides[track_id])
                counters.tagged += 1
            else:
                infos.append(from_attributes(attrs))

        def on_results(results: list[TagResult]) -> None:  # called within this iteration only
            for result in results:
                if count(result):
                    # Called only during this iteration's tag() below, so this chunk's attrs.
                    apply(result.track_id, chunk_attrs[result.track_id], result.profile)  # type: ignore[arg-type]  # noqa: B023
            reporter.tick()

        tagger.tag(infos, on_results, reporter.is_cancelled)
        reporter.tick()


def _tag_with_cache(run: _TagRun, conn: sqlite3.Connection | None, use_cache: bool) -> None:
    """Paid or slow taggers: cache hits first, then every miss at once (so the tagger can
    keep many requests in flight), each validated result cached as it arrives."""
    library, scope, tagger, reporter = run.library, run.scope, run.tagger, run.reporter
    locked, overrides = run.locked, run.overrides
    counters = reporter.counters
    infos: dict[str, TrackInfo] = {}
    for track_id in scope:
        if track_id in locked:
            counters.skipped += 1
            run.planner.skip(track_id, SKIP_LOCKED)
        elif track_id not in overrides:
            infos[track_id] = TrackInfo.from_attributes(library.track_by_id(track_id).attrs)
    profiles: dict[str, TagProfile] = dict(overrides)
    counters.tagged += len(overrides)

    cached = partition(conn, infos, tagger.cache_key, lookup=use_cache)
    identities, pending = cached.identities, cached.misses
    profiles.update(cached.hits)
    counters.cached += len(cached.hits)
    reporter.tick(force=True)

    def on_results(results: list[TagResult]) -> None:
        fresh: dict[str, TagProfile] = {}
        for result in results:
            if run.count(result):
                profiles[result.track_id] = result.profile  # type: ignore[assignment]
                if conn is not None:
                    fresh[identities[result.track_id]] = result.profile  # type: ignore[assignment]
            reporter.current_track = infos[result.track_id].title
        if fresh and CACHE_NOT_SAVED not in run.warnings:
            try:
                tag_cache.put_cached(conn, tagger.cache_key, fresh)  # type: ignore[arg-type]
            except STORE_WRITE_ERRORS:
                # A full data folder must not cost the tags already paid for: keep them
                # in memory, write the output, and say that they were not cached.
                run.warnings.append(CACHE_NOT_SAVED)
        _copy_usage(tagger, counters)
        reporter.tick()

    if pending:
        try:
            tagger.tag([infos[tid] for tid in pending], on_results, reporter.is_cancelled)
        except TaggingStopped as stop:
            raise JobFailed(str(stop)) from None
    if reporter.is_cancelled() and counters.tracks_done < counters.tracks_total:
        raise JobCancelled("Cancelled")
    for track_id in scope:  # collection order, whatever order the answers came in
        profile = profiles.get(track_id)
        if profile is not None:
            run.planner.apply(track_id, library.track_by_id(track_id).attrs, profile)
