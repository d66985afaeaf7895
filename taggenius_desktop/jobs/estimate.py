"""What a tag job would cost before it runs: tracks to send, requests, tokens, money, time.

Tracks already in the tag cache for the chosen provider and model are not counted: they
cost nothing. Used by ``taggenius tag --estimate`` and the GUI's library summary.
"""

from __future__ import annotations

from typing import Any

from ..library import read_library
from ..store import cache as tag_cache
from ..store import connect
from ..vocabulary.profile import TrackInfo
from .specs import TagJobSpec
from .tagging import cache_key, llm_config, tracks_in_scope

#: The offline tagger's measured pace on a modest laptop (bench/bench_tag_offline.py).
OFFLINE_SECONDS_PER_TRACK = 0.0001


def estimate_job(spec: TagJobSpec, library: Any = None) -> dict[str, Any]:
    """Raises LibraryError for an unreadable library and JobFailed for a bad spec."""
    library = library if library is not None else read_library(spec.input_path)
    scope = set(tracks_in_scope(library, spec.playlists)) - set(spec.locked) - set(spec.overrides)
    infos = [TrackInfo.from_attributes(t.attrs) for t in library.tracks if t.track_id in scope]
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
    key = cache_key(spec)
    if key is None:
        return result
    config = llm_config(spec.provider)
    pending = infos
    if spec.provider.use_cache:
        conn = connect()
        try:
            identities = [tag_cache.track_identity(info) for info in infos]
            hits = tag_cache.get_cached(conn, key, identities)
        finally:
            conn.close()
        pending = [info for info, ident in zip(infos, identities) if ident not in hits]
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
