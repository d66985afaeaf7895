"""Confidence is validated and coerced like sources, and kept through the tag cache."""

from __future__ import annotations

import pytest

from taggenius_desktop.store import cache as tag_cache
from taggenius_desktop.store import connect
from taggenius_desktop.tagging.llm import PROMPT_VERSION
from taggenius_desktop.tagging.offline import RULES_VERSION, OfflineTagger
from taggenius_desktop.vocabulary import InvalidProfile, coerce_profile, load_vocabulary, validate_profile
from taggenius_desktop.vocabulary.profile import TagProfile


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary()


def test_validate_refuses_unknown_levels_and_categories(vocab):
    validate_profile(TagProfile("Techno", confidence={"primary_genre": "high", "energy": "guess"}), vocab)
    with pytest.raises(InvalidProfile, match="confidence 'certain'"):
        validate_profile(TagProfile("Techno", confidence={"energy": "certain"}), vocab)
    with pytest.raises(InvalidProfile, match="unknown category"):
        validate_profile(TagProfile("Techno", confidence={"bpm": "high"}), vocab)
    with pytest.raises(InvalidProfile, match="mapping"):
        validate_profile(TagProfile("Techno", confidence=["high"]), vocab)  # type: ignore[arg-type]


def test_coerce_reads_one_level_or_a_mapping(vocab):
    raw = {"primary_genre": "Techno", "energy": 7, "vibes": ["Dark"]}
    one = coerce_profile({**raw, "confidence": " LOW "}, vocab, source="user")
    assert one.confidence == {"primary_genre": "low", "energy": "low", "vibes": "low"}
    per = coerce_profile({**raw, "confidence": {"energy": "high", "era": "guess"}}, vocab)
    assert per.confidence == {"energy": "high"}  # era is empty: nothing to be sure of
    with pytest.raises(InvalidProfile):
        coerce_profile({**raw, "confidence": "very"}, vocab)
    with pytest.raises(InvalidProfile):
        coerce_profile({**raw, "confidence": {"tempo": "high"}}, vocab)


def test_the_new_sources_are_known(vocab):
    for source in ("folder", "comments", "grouping", "album-label", "audio", "audio+llm", "metadata"):
        validate_profile(TagProfile("Techno", sources={"primary_genre": source}), vocab)


def test_confidence_survives_the_tag_cache():
    conn = connect()
    profile = TagProfile("Techno", energy=7, sources={"energy": "llm:m"}, confidence={"energy": "medium"})
    tag_cache.put_cached(conn, "k", {"id1": profile})
    assert tag_cache.get_cached(conn, "k", ["id1"])["id1"].confidence == {"energy": "medium"}
    conn.close()


def test_cache_keys_are_versioned():
    assert PROMPT_VERSION == "2" and RULES_VERSION == "2"
    assert OfflineTagger().cache_key.endswith(".2")
