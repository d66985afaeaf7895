"""The fake OpenAI server speaks OpenAI's shapes to the real openai client."""

from __future__ import annotations

import json

import openai
import pytest

from tests.support.fake_openai import FakeOpenAIServer, format_duration, plausible_tags
from taggenius_desktop.tagging.llm.prompt import messages, user_message
from taggenius_desktop.tagging.llm.schema import response_format
from taggenius_desktop.vocabulary import load_vocabulary
from taggenius_desktop.vocabulary.profile import TrackInfo

KEY = "sk-test-abcdefghijklmnopqrstuvwxyz0123"


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary()


def _client(server: FakeOpenAIServer, key: str = KEY) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key=key, max_retries=0, timeout=10)


def _request(vocab, tracks: list[TrackInfo]) -> dict:
    return {"model": "gpt-4o-mini", "messages": messages(vocab, False, user_message(tracks)),
            "response_format": response_format(vocab)}


TRACKS = [
    TrackInfo("11", title="Sing It Back", artist="Moloko", genre="Deep House", bpm=124, year=1998),
    TrackInfo("12", title="Spastik", artist="Plastikman", genre="TECHNO", bpm=130, year=1993),
    TrackInfo("13", title="Untitled", artist="Nobody", genre="fos"),
]


def test_chat_completion_shape_and_schema_valid_tags(vocab, fake_openai):
    server = fake_openai(api_key=KEY)
    client = _client(server)
    reply = client.chat.completions.create(**_request(vocab, TRACKS))
    again = client.chat.completions.create(**_request(vocab, TRACKS))
    client.close()
    assert reply.object == "chat.completion" and reply.model == "gpt-4o-mini"
    assert reply.choices[0].finish_reason == "stop" and reply.choices[0].message.role == "assistant"
    assert reply.usage.prompt_tokens > 0 and reply.usage.completion_tokens > 0
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens
    items = json.loads(reply.choices[0].message.content)["tracks"]
    assert [item["id"] for item in items] == ["1", "2", "3"]
    for item in items:
        assert item["primary_genre"] in vocab.primary_genres
        assert 1 <= item["energy"] <= 10
        assert set(item["vibes"]) <= set(vocab.vibes) and len(item["vibes"]) <= 3
        assert set(item["situations"]) <= set(vocab.situations)
        assert set(item["components"]) <= set(vocab.components)
        assert item["era"] is None or item["era"] in vocab.eras
    # plausible: a known genre is kept, the year gives the decade
    assert items[0]["era"] == "1990s" and items[1]["primary_genre"] == "Techno"
    # deterministic
    assert again.choices[0].message.content == reply.choices[0].message.content
    assert server.request_count == 2 and server.requests_for("Spastik", "Plastikman") == 2


def test_models_list_and_unknown_model_404(vocab, fake_openai):
    server = fake_openai(models=["gpt-4o-mini", "llama3.1:8b"])
    client = _client(server)
    assert [m.id for m in client.models.list()] == ["gpt-4o-mini", "llama3.1:8b"]
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(**{**_request(vocab, TRACKS), "model": "gpt-9"})
    client.close()
    assert caught.value.code == "model_not_found"


def test_wrong_key_gets_401_that_echoes_part_of_the_key(vocab, fake_openai):
    wrong = "sk-wrong-0123456789abcdefghij"
    server = fake_openai(api_key=KEY)
    client = _client(server, key=wrong)
    with pytest.raises(openai.AuthenticationError) as caught:
        client.chat.completions.create(**_request(vocab, TRACKS))
    client.close()
    # Exactly why the app must redact: the SDK's message carries a fragment of the key.
    assert wrong[-4:] in str(caught.value) and caught.value.code == "invalid_api_key"


def test_rpm_limit_answers_real_429_with_headers(vocab, fake_openai):
    server = fake_openai(rpm_limit=2)
    client = _client(server)
    first = client.chat.completions.with_raw_response.create(**_request(vocab, TRACKS[:1]))
    client.chat.completions.create(**_request(vocab, TRACKS[:1]))
    with pytest.raises(openai.RateLimitError) as caught:
        client.chat.completions.create(**_request(vocab, TRACKS[:1]))
    client.close()
    assert first.headers["x-ratelimit-limit-requests"] == "2"
    assert first.headers["x-ratelimit-remaining-requests"] == "1"
    error = caught.value
    assert error.code == "rate_limit_exceeded"
    assert float(error.response.headers["retry-after-ms"]) > 0 and "retry-after" in error.response.headers
    assert error.response.headers["x-ratelimit-remaining-requests"] == "0"
    assert server.status_counts[429] == 1


def test_tpm_limit_counts_tokens(vocab, fake_openai):
    server = fake_openai(tpm_limit=3000)
    client = _client(server)
    with pytest.raises(openai.RateLimitError) as caught:
        for _ in range(10):
            client.chat.completions.create(**_request(vocab, TRACKS))
    client.close()
    assert "tokens per min" in caught.value.message
    assert 0 < server.tokens_charged <= 3000


def test_scripted_faults_and_counters(vocab, fake_openai):
    server = fake_openai(script=[500, 429, "malformed", "length", "quota", "context"])
    client = _client(server)
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(**_request(vocab, TRACKS))
    with pytest.raises(openai.RateLimitError):
        client.chat.completions.create(**_request(vocab, TRACKS))
    malformed = client.chat.completions.create(**_request(vocab, TRACKS))
    with pytest.raises(ValueError):
        json.loads(malformed.choices[0].message.content)
    cut = client.chat.completions.create(**_request(vocab, TRACKS))
    assert cut.choices[0].finish_reason == "length"
    with pytest.raises(openai.RateLimitError) as quota:
        client.chat.completions.create(**_request(vocab, TRACKS))
    assert quota.value.code == "insufficient_quota"
    with pytest.raises(openai.BadRequestError) as context:
        client.chat.completions.create(**_request(vocab, TRACKS))
    assert context.value.code == "context_length_exceeded"
    client.close()
    assert server.request_count == 6
    assert server.error_track_requests == 4 * len(TRACKS)


def test_title_faults_drop_and_duplicate(vocab, fake_openai):
    server = fake_openai(title_faults={"Spastik": "drop:1", "Untitled": "duplicate"})
    client = _client(server)
    first = json.loads(client.chat.completions.create(**_request(vocab, TRACKS)).choices[0].message.content)
    second = json.loads(client.chat.completions.create(**_request(vocab, TRACKS)).choices[0].message.content)
    client.close()
    assert [i["id"] for i in first["tracks"]] == ["1", "3", "3"]  # dropped once, duplicated always
    assert [i["id"] for i in second["tracks"]] == ["1", "2", "3", "3"]


def test_plausible_tags_without_schema_and_duration_format():
    item = plausible_tags({"id": "7", "title": "x", "bpm": 174, "year": 2001}, {})
    assert item["id"] == "7" and item["energy"] == 9 and item["era"] is None
    assert format_duration(0.012) == "12ms" and format_duration(1.5) == "1.5s" and format_duration(360) == "6m0s"


def test_body_and_value_faults_are_what_they_say(vocab, fake_openai):
    import httpx2

    request = _request(vocab, TRACKS)
    server = fake_openai(script=["html", "null", "deep_body"], title_faults={"Spastik": "huge_energy",
                                                                             "Untitled": "nan_energy"})
    with httpx2.Client(base_url=server.base_url, timeout=10) as http:
        html = http.post("/chat/completions", json=request)
        null = http.post("/chat/completions", json=request)
        deep = http.post("/chat/completions", json=request)
        values = http.post("/chat/completions", json=request)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert html.text.startswith("<!DOCTYPE html>")
    assert null.content == b"null" and deep.content.startswith(b"[" * 1000)
    content = json.loads(values.text)["choices"][0]["message"]["content"]
    assert '"energy":1' + "0" * 400 + "," in content and '"energy":NaN' in content


def test_llama_cpp_emulation_refuses_json_schema_with_a_500_and_takes_json_object_with_schema(vocab, fake_openai):
    schema = response_format(vocab)["json_schema"]["schema"]
    server = fake_openai(emulate="llama.cpp")
    client = _client(server)
    with pytest.raises(openai.InternalServerError) as refused:
        client.chat.completions.create(**_request(vocab, TRACKS))
    reply = client.chat.completions.create(**{**_request(vocab, TRACKS),
                                              "response_format": {"type": "json_object", "schema": schema}})
    client.close()
    assert "Input should be 'text' or 'json_object'" in str(refused.value)
    items = json.loads(reply.choices[0].message.content)["tracks"]
    assert [i["primary_genre"] in vocab.primary_genres for i in items] == [True, True, True]


def test_a_started_server_used_as_a_context_manager_is_not_started_twice(fake_openai):
    # bench/ and scripts/ write ``with start_fake_server(...) as server:``: one server, stopped at the end.
    server = fake_openai()
    port = server.port
    with server as same:
        assert same is server and same.port == port
    with pytest.raises(AssertionError, match="not started"):
        server.port  # noqa: B018 (the property raises once stopped)
