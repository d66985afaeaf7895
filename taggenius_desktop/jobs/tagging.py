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
from pathlib import Path
from typing import Any, Iterable

from ..library import Library, LibraryError, read_library, write_library
from ..store import cache as tag_cache
from ..store import originals as originals_store
from ..store.originals import TrackOriginals
from ..tagging.base import TaggingStopped, TagResult, Tagger
from ..vocabulary import InvalidProfile, coerce_profile, load_vocabulary
from ..vocabulary.profile import Level, TagProfile, TrackInfo
from ..writeback import WriteOptions, plan_changes
from .errors import JobCancelled, JobFailed
from .progress import Reporter
from .specs import TagJobSpec


def make_tagger(spec: TagJobSpec) -> Tagger:
    """The tagger a spec asks for (imports the LLM stack only when it is used)."""
    settings = spec.provider
    if settings.provider == "offline":
        from ..tagging.offline import OfflineTagger

        return OfflineTagger()
    from ..tagging.llm import LLMConfig, make_tagger as make_llm_tagger

    config = LLMConfig.from_settings(
        provider=settings.provider,
        model=settings.model or None,
        base_url=settings.base_url,
        api_key=settings.api_key,
        batch_size=settings.batch_size,
        concurrency=settings.concurrency,
    )
    return make_llm_tagger(config)


def tracks_in_scope(library: Library, playlist_paths: Iterable[str]) -> list[str]:
    """TrackIDs to tag: the whole collection, or the union of the chosen playlists
    (in collection order, so outputs do not depend on the order playlists were picked)."""
    wanted = [p for p in playlist_paths if p]
    if not wanted or library.playlists is None:
        return [t.track_id for t in library.tracks]
    chosen: set[str] = set()
    for folder_path, node in library.playlists.iter_playlists():
        full = "/".join([*folder_path, node.name])
        if full in wanted:
            chosen.update(node.track_ids(library))
    return [t.track_id for t in library.tracks if t.track_id in chosen]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_tag_job(
    spec: TagJobSpec,
    reporter: Reporter,
    conn: sqlite3.Connection | None = None,
    job_id: int | None = None,
) -> dict[str, Any]:
    """Run a tag job to the end. Returns the summary stored as ``result_data``.

    ``conn`` is the store (cache and originals); without it nothing is cached and no
    restore data is kept (benchmarks of the bare pipeline).
    """
    started = time.perf_counter()
    counters = reporter.counters
    try:
        library = read_library(spec.input_path)
    except LibraryError as error:
        raise JobFailed(str(error), bad_input=True) from None

    scope = tracks_in_scope(library, spec.playlists)
    counters.tracks_total = len(scope)
    reporter.set_fields(tracks_total=len(scope), track_count=len(library.tracks))
    reporter.tick(force=True)

    options = WriteOptions.from_dict({**spec.write_options, "level": spec.level})
    locked = set(spec.locked)
    vocab = load_vocabulary()
    overrides: dict[str, TagProfile] = {}
    for track_id, raw in spec.overrides.items():
        try:
            overrides[track_id] = coerce_profile(raw, vocab)
        except InvalidProfile as error:
            raise JobFailed(f"The edited tags of track {track_id} are not valid: {error}") from None

    infos: dict[str, TrackInfo] = {}
    to_tag: list[str] = []
    for track_id in scope:
        if track_id in locked:
            counters.skipped += 1
            continue
        if track_id in overrides:
            continue
        infos[track_id] = TrackInfo.from_attributes(library.track_by_id(track_id).attrs)
        to_tag.append(track_id)

    profiles: dict[str, TagProfile] = dict(overrides)
    errors: dict[str, str] = {}
    counters.tagged += len(overrides)

    tagger = make_tagger(spec)
    try:
        pending = to_tag
        identities: dict[str, str] = {}
        use_cache = conn is not None and tagger.uses_cache
        if use_cache:
            identities = {tid: tag_cache.track_identity(infos[tid]) for tid in to_tag}
            if spec.provider.use_cache:
                hits = tag_cache.get_cached(conn, tagger.cache_key, identities.values())
                pending = []
                for tid in to_tag:
                    profile = hits.get(identities[tid])
                    if profile is None:
                        pending.append(tid)
                    else:
                        profiles[tid] = profile
                        counters.cached += 1
        reporter.tick(force=True)

        def on_results(results: list[TagResult]) -> None:
            fresh: dict[str, TagProfile] = {}
            for result in results:
                if result.profile is not None:
                    profiles[result.track_id] = result.profile
                    counters.tagged += 1
                    if use_cache:
                        fresh[identities[result.track_id]] = result.profile
                else:
                    errors[result.track_id] = result.error or "no tags"
                    counters.failed += 1
                reporter.current_track = infos[result.track_id].title if result.track_id in infos else None
            if fresh:
                tag_cache.put_cached(conn, tagger.cache_key, fresh)  # type: ignore[arg-type]
            usage = tagger.usage
            counters.requests = usage.requests
            counters.input_tokens = usage.input_tokens
            counters.output_tokens = usage.output_tokens
            counters.cost_usd = usage.cost_usd
            reporter.tick()

        if pending:
            try:
                tagger.tag([infos[tid] for tid in pending], on_results, reporter.is_cancelled)
            except TaggingStopped as stop:
                raise JobFailed(str(stop)) from None
        if reporter.is_cancelled():
            raise JobCancelled("Cancelled")
    finally:
        tagger.close()

    # Plan every change first, store the originals, then write: if the process dies in
    # between, the output does not exist yet and a resume redoes both.
    records: list[TrackOriginals] = []
    for track_id in scope:
        profile = profiles.get(track_id)
        if profile is None:
            continue
        track = library.track_by_id(track_id)
        changes = plan_changes(track.attrs, profile, options)
        if not changes:
            continue
        originals = {name: track.attrs.get(name) for name in changes}
        records.append(TrackOriginals(job_id or 0, track_id, track.attrs.get("Location"), originals, dict(changes)))
        library.set_track_attributes(track_id, changes)

    if conn is not None and job_id is not None:
        originals_store.replace_for_job(conn, job_id, records)

    if reporter.is_cancelled():
        raise JobCancelled("Cancelled")
    try:
        write_library(library, spec.output_path)
    except LibraryError as error:
        raise JobFailed(str(error), bad_input=True) from None
    output_sha = _sha256(Path(spec.output_path))
    reporter.set_fields(output_sha256=output_sha)
    reporter.tick(force=True)

    return {
        "output_file_path": spec.output_path,
        "tracks_total": counters.tracks_total,
        "tracks_changed": len(records),
        "tagged": counters.tagged,
        "cached": counters.cached,
        "skipped": counters.skipped,
        "failed": counters.failed,
        "failures": dict(list(errors.items())[:200]),
        "requests": counters.requests,
        "input_tokens": counters.input_tokens,
        "output_tokens": counters.output_tokens,
        "cost_usd": round(counters.cost_usd, 6),
        "seconds": round(time.perf_counter() - started, 3),
        "level": Level(spec.level).value,
        "provider": spec.provider.provider,
        "model": tagger.model,
    }
