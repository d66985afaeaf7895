"""The tagger choice (Provider, cache key, cost) and the one cache partition."""

from __future__ import annotations

from pathlib import Path

import pytest

from taggenius_desktop.jobs import build_tag_job
from taggenius_desktop.jobs.cached import ANY_TAGGER, partition
from taggenius_desktop.jobs.estimate import estimate_job
from taggenius_desktop.library import read_library
from taggenius_desktop.store import cache as tag_cache
from taggenius_desktop.store import connect
from taggenius_desktop.tagging.choice import PROVIDER_NAMES, Provider, TaggerChoice
from taggenius_desktop.tagging.offline import OfflineTagger
from taggenius_desktop.vocabulary.profile import TagProfile, TrackInfo
from tests.support.libraries import write_library


def _choice(provider: str, **fields: object) -> TaggerChoice:
    spec = build_tag_job("/music/in.xml", "/music/out.xml", provider=provider, **fields)  # type: ignore[arg-type]
    return TaggerChoice.of(spec.provider)


def test_provider_names_and_one_line_error_for_an_unknown_one() -> None:
    assert PROVIDER_NAMES == ("offline", "openai", "openai-compatible")
    with pytest.raises(ValueError, match=r"^unknown provider 'claude'; choose one of offline, openai, openai-compatible$"):
        Provider.parse("claude")


def test_offline_choice_is_free_uncached_and_makes_the_offline_tagger() -> None:
    choice = _choice("offline")
    assert choice.is_offline and not choice.costs_money and not choice.uses_cache
    assert choice.cache_key() is None
    assert isinstance(choice.make_tagger(), OfflineTagger)


def test_llm_choices_are_cached_per_model_and_only_openai_costs_money() -> None:
    openai_a = _choice("openai", model="gpt-4o-mini", api_key="sk-x")
    openai_b = _choice("openai", model="gpt-4.1-mini", api_key="sk-x")
    local = _choice("openai-compatible", model="llama3.1:8b", base_url="http://127.0.0.1:11434/v1")
    assert openai_a.costs_money and not local.costs_money
    keys = {openai_a.cache_key(), openai_b.cache_key(), local.cache_key()}
    assert None not in keys and len(keys) == 3
    # The key does not depend on the secret: the same model with another key shares the cache.
    assert _choice("openai", model="gpt-4o-mini", api_key="sk-other").cache_key() == openai_a.cache_key()
    assert "sk-x" not in repr(openai_a)


def test_compatible_choice_without_a_url_cannot_run() -> None:
    with pytest.raises(ValueError, match="base URL"):
        _choice("openai-compatible", model="m").llm_config()


def _infos(path: Path) -> dict[str, TrackInfo]:
    return {t.track_id: TrackInfo.from_attributes(t.attrs) for t in read_library(path).tracks}


def test_partition_splits_hits_and_misses_in_order(tmp_path: Path) -> None:
    infos = _infos(write_library(tmp_path / "lib.xml", n=6))
    conn = connect(tmp_path / "db.sqlite")
    ids = list(infos)
    profile = TagProfile(primary_genre="Techno", energy=7)
    tag_cache.put_cached(conn, "k:1", {tag_cache.track_identity(infos[ids[1]]): profile})
    tag_cache.put_cached(conn, "k:2", {tag_cache.track_identity(infos[ids[4]]): profile})

    part = partition(conn, infos, "k:1")
    assert part.hits == {ids[1]: profile}
    assert part.misses == [i for i in ids if i != ids[1]]
    assert set(part.identities) == set(ids)
    assert set(partition(conn, infos, ANY_TAGGER).hits) == {ids[1], ids[4]}
    ignored = partition(conn, infos, "k:1", lookup=False)
    assert ignored.hits == {} and ignored.misses == ids and len(ignored.identities) == len(ids)
    assert partition(None, infos, "k:1").misses == ids


def test_estimate_reads_the_cache_of_the_database_it_is_given(tmp_path: Path) -> None:
    library_path = write_library(tmp_path / "lib.xml", n=8)
    spec = build_tag_job(library_path, tmp_path / "out.xml", provider="openai", model="gpt-4o-mini", api_key="sk-x")
    key = TaggerChoice.of(spec.provider).cache_key()
    assert key is not None
    infos = _infos(library_path)
    other = connect(tmp_path / "elsewhere.sqlite")  # not the default database under TAGGENIUS_HOME
    cached = dict(list(infos.items())[:3])
    tag_cache.put_cached(other, key, {tag_cache.track_identity(i): TagProfile(primary_genre="House", energy=5)
                                      for i in cached.values()})

    result = estimate_job(spec, read_library(library_path), conn=other)
    assert result["tracks"] == 8 and result["tracks_cached"] == 3 and result["tracks_to_send"] == 5
    # The default database holds nothing for this library.
    assert estimate_job(spec, read_library(library_path), conn=connect())["tracks_cached"] == 0
