"""What a tag job would cost before it runs: tracks to send, requests, tokens, money, time.

Tracks already in the tag cache for the chosen provider and model are not counted: they
cost nothing. Used by ``taggenius tag --estimate`` and the GUI's library summary.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ..library import Library, read_library
from ..store import connect
from ..tagging.choice import TaggerChoice
from ..vocabulary.profile import TrackInfo
from .cached import partition
from .errors import JobFailed
from .specs import TagJobSpec
from .tagging import tracks_in_scope

#: The offline tagger's measured pace on a modest laptop (bench/bench_tag_offline.py).
OFFLINE_SECONDS_PER_TRACK = 0.0001


def estimate_job(
    spec: TagJobSpec, library: Library | None = None, conn: sqlite3.Connection | None = None
) -> dict[str, Any]:
    """Raises LibraryError for an unreadable library and JobFailed for a bad spec.

    The cache is read from ``conn`` (the caller's database); without one, from the
    default database, opened and closed here.
    """
    library = library if library is not None else read_library(spec.input_path)
    scope = set(tracks_in_scope(library, spec.playlists)) - set(spec.locked) - set(spec.overrides)
    by_id = {t.track_id: TrackInfo.from_attributes(t.attrs) for t in library.tracks if t.track_id in scope}
    infos = list(by_id.values())
    result: dict[str, Any] = {
        "provider": spec.provider.provider,
        "model": spec.provider.model or None,
        "tracks": len(infos),
        "tracks_cached": 0,
        "tracks_to_send": 0,
        "requests": 0,
        "input_tokens": 0,
        "output_tokens": 0,
        "cost_usd": 0.0,
        "seconds": round(len(infos) * OFFLINE_SECONDS_PER_TRACK, 1),
    }
    choice = TaggerChoice.of(spec.provider)
    try:
        key = choice.cache_key()
        config = choice.llm_config() if key is not None else None
    except ValueError as error:
        raise JobFailed(str(error), bad_input=True) from None
    if key is None or config is None:
        return result
    pending = infos
    if spec.provider.use_cache:
        own = conn is None
        db = connect() if conn is None else conn
        try:
            pending = [by_id[tid] for tid in partition(db, by_id, key).misses]
        finally:
            if own:
                db.close()
    from ..tagging.llm import estimate

    figures = estimate(pending, config)
    result.update(
        model=config.model,
        tracks_cached=len(infos) - len(pending),
        tracks_to_send=len(pending),
        requests=figures.requests,
        input_tokens=figures.input_tokens,
        output_tokens=figures.output_tokens,
        cost_usd=round(figures.cost_usd, 4),
        seconds=round(figures.seconds, 1),
    )
    return result
