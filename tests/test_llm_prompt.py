"""Request shape (prompt, payload, strict schema), reply parsing and the token budget."""

from __future__ import annotations

import json
import math

import pytest
from lxml import etree

from taggenius_desktop.tagging.llm import LLMConfig, LLMTagger
from taggenius_desktop.tagging.llm.estimate import shared_prompt_tokens
from taggenius_desktop.tagging.llm.prompt import (
    MAX_FIELD_CHARS,
    messages,
    system_prompt,
    track_payload,
    user_message,
)
from taggenius_desktop.tagging.llm.reply import parse_reply
from taggenius_desktop.tagging.llm.schema import response_format, sub_genre_names
from taggenius_desktop.vocabulary import load_vocabulary
from taggenius_desktop.vocabulary.profile import TrackInfo


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary()


def fixture_tracks(folder, count: int) -> list[TrackInfo]:
    tracks: list[TrackInfo] = []
    for path in sorted(folder.glob("*.xml")):
        for _, element in etree.iterparse(str(path), tag="TRACK"):
            if element.get("TrackID") and element.get("Name") is not None:
                tracks.append(TrackInfo.from_attributes(dict(element.attrib)))
            element.clear()
            if len(tracks) >= count:
                return tracks
    return tracks


# ---------------------------------------------------------------- prompt and payload


def test_system_prompt_is_byte_stable_and_holds_no_track_data(vocab):
    a, b = system_prompt(vocab, False), system_prompt(vocab, False)
    assert a == b and a.encode() == b.encode()
    batch_one = messages(vocab, False, user_message([TrackInfo("1", title="Zyxwvut")]))
    batch_two = messages(vocab, False, user_message([TrackInfo("2", title="B", artist="C")]))
    assert batch_one[0] == batch_two[0] and batch_one[0]["role"] == "system"
    assert batch_one[1]["role"] == "user" and "Zyxwvut" in batch_one[1]["content"] and "Zyxwvut" not in a
    # the listing variant (for servers that may ignore the schema) spells the vocabulary out
    listed = system_prompt(vocab, True)
    assert all(name in listed for name in (*vocab.primary_genres, *vocab.vibes, *vocab.situations))
    assert "Deep House" in listed and "Electronic" not in listed.split("Allowed values:")[1]


def test_payload_leaves_out_empty_and_uninformative_fields(vocab):
    track = TrackInfo("777", title="Blue Monday", artist="New Order", mix="Original Mix", album="Blue Monday",
                      label="Factory", genre="", year=0, bpm=130.04, key="", duration_s=0, comments="secret notes")
    assert track_payload("3", track) == {"id": "3", "artist": "New Order", "title": "Blue Monday",
                                         "label": "Factory", "bpm": 130}
    long = TrackInfo("1", title="x" * 300, mix="Dub Mix", remixer="Someone", bpm=122.5, duration_s=412, key="8A")
    payload = track_payload("1", long)
    assert len(payload["title"]) == MAX_FIELD_CHARS and payload["mix"] == "Dub Mix"
    assert payload["bpm"] == 122.5 and payload["duration"] == 412 and payload["key"] == "8A"


def test_user_message_uses_short_local_ids_and_maps_them_back(vocab):
    tracks = [TrackInfo(str(9000 + i), title=f"Café {i}") for i in range(3)]
    batch = user_message(tracks)
    data = json.loads(batch.content)
    assert [t["id"] for t in data["tracks"]] == ["1", "2", "3"]
    assert {k: v.track_id for k, v in batch.tracks_by_local_id.items()} == {"1": "9000", "2": "9001", "3": "9002"}
    assert "Café" in batch.content and " " not in batch.content.replace("Café ", "")  # compact, UTF-8 kept


# ---------------------------------------------------------------- strict schema


def _objects(node):
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


def test_schema_is_strict_and_its_enums_are_the_vocabulary(vocab):
    fmt = response_format(vocab)
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]
    for obj in _objects(schema):
        assert obj["additionalProperties"] is False
        assert set(obj["required"]) == set(obj["properties"])
    item = schema["properties"]["tracks"]["items"]["properties"]
    assert item["primary_genre"]["enum"] == list(vocab.primary_genres)
    assert item["vibes"]["items"]["enum"] == list(vocab.vibes) and item["vibes"]["maxItems"] == 3
    assert item["situations"]["items"]["enum"] == list(vocab.situations)
    assert item["components"]["items"]["enum"] == list(vocab.components)
    subs = item["sub_genres"]["items"]["enum"]
    assert subs == sub_genre_names(vocab) and "Deep House" in subs
    assert not any(vocab.genres.is_vague(name) for name in subs)
    assert item["era"]["anyOf"][0]["enum"] == list(vocab.eras) and item["era"]["anyOf"][1] == {"type": "null"}
    assert item["energy"] == {"type": "integer", "minimum": 1, "maximum": 10}
    assert json.dumps(fmt) == json.dumps(response_format(vocab))  # byte-stable


# ---------------------------------------------------------------- reply parsing

IDS = {"1": TrackInfo("a"), "2": TrackInfo("b")}


def _item(local_id: str, **overrides) -> dict:
    item = {"id": local_id, "primary_genre": "House", "sub_genres": ["Deep House"], "energy": 5,
            "vibes": ["Groovy"], "situations": ["Warmup"], "components": ["Vocal"], "era": "1990s"}
    item.update(overrides)
    return item


def test_parse_reply_valid_items(vocab):
    parsed = parse_reply(json.dumps({"tracks": [_item("1"), _item("2", energy=8)]}), IDS, vocab, "llm:m")
    assert set(parsed.profiles) == {"1", "2"} and parsed.problems == {}
    assert parsed.profiles["2"].energy == 8 and parsed.profiles["1"].sub_genres == ("Deep House",)
    assert parsed.profiles["1"].sources["vibes"] == "llm:m"


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "empty reply"), ("", "empty reply"), ('{"tracks": [', "not valid JSON"),
     ('{"items": []}', "did not list tracks"), ('"hello"', "did not list tracks")],
)
def test_parse_reply_unusable_replies_fail_every_track(vocab, content, reason):
    parsed = parse_reply(content, IDS, vocab, "llm:m")
    assert parsed.profiles == {} and set(parsed.problems) == {"1", "2"}
    assert all(reason in text for text in parsed.problems.values())


def test_parse_reply_per_item_problems(vocab):
    reply = {"tracks": [_item("1", energy=11), _item("7"), "junk", _item(" 2 ")]}
    parsed = parse_reply(json.dumps(reply), IDS, vocab, "llm:m")
    assert set(parsed.profiles) == {"2"}  # ids are matched after trimming
    assert "off the vocabulary" in parsed.problems["1"] and "energy 11" in parsed.problems["1"]
    assert parsed.unknown_ids == ["7"]
    missing = parse_reply(json.dumps([_item("1")]), IDS, vocab, "llm:m")  # a bare list is accepted
    assert set(missing.profiles) == {"1"} and "left this track out" in missing.problems["2"]


def test_parse_reply_duplicates(vocab):
    same = parse_reply(json.dumps({"tracks": [_item("1"), _item("1"), _item("2")]}), IDS, vocab, "llm:m")
    assert set(same.profiles) == {"1", "2"}
    differ = parse_reply(json.dumps({"tracks": [_item("1"), _item("1", energy=9), _item("2")]}), IDS, vocab, "llm:m")
    assert set(differ.profiles) == {"2"} and "twice" in differ.problems["1"]


# ---------------------------------------------------------------- token budget


def test_input_tokens_per_track_at_batch_20_stay_under_120(vocab, fixtures_dir, fake_openai):
    tracks = fixture_tracks(fixtures_dir, 200)
    shared = shared_prompt_tokens(LLMConfig(), vocab)
    assert shared > 1024  # long enough for OpenAI's automatic prompt caching
    per_batch = [shared + math.ceil(len(user_message(tracks[i:i + 20]).content) / 4) for i in range(0, 200, 20)]
    assert sum(per_batch) / 200 <= 120
    # and as the (characters / 4) server counts it, through the real client
    server = fake_openai()
    tagger = LLMTagger(LLMConfig(base_url=server.base_url, api_key="sk-x", batch_size=20, concurrency=5), vocab)
    tagger.tag(tracks[:100], lambda results: None, lambda: False)
    assert server.batch_sizes and max(server.batch_sizes) == 20
    assert tagger.usage.input_tokens / 100 <= 120
