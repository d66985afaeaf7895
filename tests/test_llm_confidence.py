"""The model fills in a per-track confidence; it is mapped onto ours and validated."""

from __future__ import annotations

import json

import pytest

from taggenius_desktop.tagging.llm import LLMConfig, LLMTagger
from taggenius_desktop.tagging.llm.reply import parse_reply
from taggenius_desktop.tagging.llm.schema import LLM_CONFIDENCE, response_format
from taggenius_desktop.tagging.llm.retry import RetryPolicy
from taggenius_desktop.vocabulary import load_vocabulary
from taggenius_desktop.vocabulary.profile import TrackInfo

SOURCE = "llm:gpt-4o-mini"


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary()


def item(**extra):
    return {"id": "1", "primary_genre": "Techno", "sub_genres": [], "energy": 7, "vibes": ["Dark"],
            "situations": ["Peak Hour"], "components": [], "era": None, **extra}


def test_the_schema_requires_a_confidence(vocab):
    schema = response_format(vocab)["json_schema"]["schema"]["properties"]["tracks"]["items"]
    assert schema["properties"]["confidence"]["enum"] == list(LLM_CONFIDENCE)
    assert "confidence" in schema["required"]


@pytest.mark.parametrize("word, level", [("sure", "medium"), ("unsure", "low"), ("guess", "guess"),
                                         (" Sure ", "medium")])
def test_the_models_word_becomes_our_level_on_every_filled_category(vocab, word, level):
    reply = json.dumps({"tracks": [item(confidence=word)]})
    parsed = parse_reply(reply, {"1": TrackInfo("t1")}, vocab, SOURCE)
    profile = parsed.profiles["1"]
    assert set(profile.confidence) == set(profile.sources)
    assert set(profile.confidence.values()) == {level}


def test_a_confidence_off_the_list_is_asked_again_not_guessed(vocab):
    reply = json.dumps({"tracks": [item(confidence="pretty sure")]})
    parsed = parse_reply(reply, {"1": TrackInfo("t1")}, vocab, SOURCE)
    assert "1" not in parsed.profiles and "confidence" in parsed.problems["1"]


def test_a_reply_without_confidence_still_reads(vocab):
    parsed = parse_reply(json.dumps({"tracks": [item()]}), {"1": TrackInfo("t1")}, vocab, SOURCE)
    assert parsed.profiles["1"].confidence == {}


def test_confidence_arrives_through_the_real_client(vocab, fake_openai):
    tracks = [TrackInfo("a", title="Song", genre="Techno", bpm=130.0), TrackInfo("b", title="Other", genre="", bpm=128.0)]
    results = []
    server = fake_openai(api_key="sk-test")
    tagger = LLMTagger(LLMConfig(base_url=server.base_url, api_key="sk-test", model="gpt-4o-mini"), vocab,
                       retry_policy=RetryPolicy(max_retries=2, base_delay=0.01, max_delay=0.02))
    tagger.tag(tracks, results.extend, lambda: False)
    tagger.close()
    by_id = {r.track_id: r.profile for r in results}
    assert by_id["a"].confidence["primary_genre"] == "medium"  # the fake is sure of a genre the metadata names
    assert by_id["b"].confidence["primary_genre"] == "low"
