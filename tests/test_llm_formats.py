"""Local servers: the response format is found once per server and model, remembered,
stepped down when refused, and every value is still validated locally."""

from __future__ import annotations

import json

import pytest

from tests.support.fake_openai import FakeOpenAIServer
from taggenius_desktop.tagging.llm import LLMConfig, LLMTagger
from taggenius_desktop.tagging.llm.formats import (
    FILE_NAME,
    RECORD_MAX_AGE_S,
    FormatLevel,
    FormatMemory,
    server_key,
    shared_memory,
)
from taggenius_desktop.tagging.llm.retry import RetryPolicy
from taggenius_desktop.vocabulary import load_vocabulary, validate_profile
from tests.test_llm_tagger import make_tracks, run

MODEL = "smollm2"


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary()


def local_tagger(server: FakeOpenAIServer, vocab, formats: FormatMemory | None = None, **config) -> LLMTagger:
    config.setdefault("concurrency", 1)
    config.setdefault("batch_size", 5)
    return LLMTagger(LLMConfig(provider="openai-compatible", model=MODEL, base_url=server.base_url, **config), vocab,
                     retry_policy=RetryPolicy(max_retries=5, base_delay=0.01, max_delay=0.02), formats=formats)


def test_llama_cpp_500_for_json_schema_steps_down_once_and_is_not_retried_as_a_fault(vocab, fake_openai):
    server = fake_openai(models=[MODEL], emulate="llama.cpp")
    sink = run(local_tagger(server, vocab), make_tracks(10))
    assert server.status_counts[500] == 1, "the refusal is not retried as a server fault"
    assert server.request_count == 3  # the refused one, then two batches of 5
    fmt = server.last_request["response_format"]
    assert fmt["type"] == "json_object" and fmt["schema"]["properties"]["tracks"]["type"] == "array"
    # llama.cpp's grammar holds enums but not integer bounds: energy is spelled out.
    energy = fmt["schema"]["properties"]["tracks"]["items"]["properties"]["energy"]
    assert energy["enum"] == list(range(1, 11)) and (energy["minimum"], energy["maximum"]) == (1, 10)
    assert len(sink.results) == 10
    for result in sink.results:
        assert result.error is None, result.error
        validate_profile(result.profile, vocab)


def test_what_was_learned_is_remembered_in_the_process_and_on_disk(vocab, isolated_home, fake_openai):
    server = fake_openai(models=[MODEL], emulate="llama.cpp")
    run(local_tagger(server, vocab), make_tracks(5))
    assert server.status_counts[500] == 1
    run(local_tagger(server, vocab), make_tracks(5, prefix="Again"))  # same process: shared memory
    assert server.status_counts[500] == 1
    # A new process reads the file in the data folder.
    fresh = FormatMemory(isolated_home / FILE_NAME)
    assert fresh.level(server.base_url, MODEL) is FormatLevel.JSON_OBJECT_SCHEMA
    run(local_tagger(server, vocab, formats=fresh), make_tracks(5, prefix="Third"))
    assert server.status_counts[500] == 1
    # Another model on the same server is found anew.
    assert fresh.level(server.base_url, "other-model") is FormatLevel.JSON_SCHEMA
    record = json.loads((isolated_home / FILE_NAME).read_text())
    assert list(record.values())[0]["level"] == "JSON_OBJECT_SCHEMA"
    assert shared_memory().path == isolated_home / FILE_NAME


def test_steps_down_to_no_response_format_with_the_vocabulary_in_the_prompt(vocab, fake_openai):
    server = fake_openai(models=[MODEL], reject_formats=("json_schema", "json_object"))
    sink = run(local_tagger(server, vocab), make_tracks(5))
    assert server.status_counts[400] == 3  # json_schema, json_object + schema, json_object
    last = server.last_request
    assert "response_format" not in last
    assert "Allowed values:" in last["messages"][0]["content"] and "primary_genre: House" in last["messages"][0]["content"]
    assert all(r.profile is not None for r in sink.results) and len(sink.results) == 5


def test_values_are_validated_locally_whatever_the_server_promised(vocab, fake_openai):
    # llama.cpp's grammar held the enums but not the integer bounds: energy 20 came back.
    server = fake_openai(models=[MODEL], emulate="llama.cpp", title_faults={"Song 2": "energy_20"})
    sink = run(local_tagger(server, vocab, max_reasks=1), make_tracks(5))
    results = sink.by_id()
    assert results["1002"].profile is None and "energy 20 is outside 1..10" in results["1002"].error
    assert all(results[f"100{i}"].profile is not None for i in (0, 1, 3, 4))


def test_openai_is_never_stepped_down_a_500_is_a_server_fault_there(vocab, fake_openai):
    server = fake_openai(emulate="llama.cpp")
    tagger = LLMTagger(LLMConfig(model="gpt-4o-mini", base_url=server.base_url, api_key="sk-test", batch_size=5,
                                 concurrency=1, max_retries=2), vocab,
                       retry_policy=RetryPolicy(max_retries=2, base_delay=0.01, max_delay=0.02))
    sink = run(tagger, make_tracks(5))
    assert server.status_counts[500] == 3  # retried per the policy
    assert server.last_request["response_format"]["type"] == "json_schema"
    assert all("Gave up after 3 attempts: server error (500)" in r.error for r in sink.results)


def test_a_500_that_names_no_format_is_retried_not_stepped_down(vocab, fake_openai):
    server = fake_openai(models=[MODEL], script=[500, 500])
    sink = run(local_tagger(server, vocab), make_tracks(5))
    assert server.request_count == 3
    assert server.last_request["response_format"]["type"] == "json_schema"
    assert all(r.profile is not None for r in sink.results)


def test_records_expire_and_carry_no_credentials(tmp_path):
    now = [1_000_000.0]
    path = tmp_path / FILE_NAME
    memory = FormatMemory(path, clock=lambda: now[0])
    url = "http://user:hunter2@127.0.0.1:8089/v1/?token=abc"
    assert memory.step_down(url, MODEL, FormatLevel.JSON_SCHEMA) is FormatLevel.JSON_OBJECT_SCHEMA
    assert memory.step_down(url, MODEL, FormatLevel.JSON_SCHEMA) is FormatLevel.JSON_OBJECT_SCHEMA, "once, not twice"
    assert memory.step_down(url, MODEL, FormatLevel.PROMPT_ONLY) is None
    text = path.read_text()
    assert "hunter2" not in text and "token" not in text and "user" not in text
    assert server_key(url, MODEL) == "http://127.0.0.1:8089/v1 smollm2"
    assert FormatMemory(path, clock=lambda: now[0] + 60).level(url, MODEL) is FormatLevel.JSON_OBJECT_SCHEMA
    later = FormatMemory(path, clock=lambda: now[0] + RECORD_MAX_AGE_S + 1)
    assert later.level(url, MODEL) is FormatLevel.JSON_SCHEMA, "an old record gives the better format a new try"


def test_an_unreadable_record_file_is_ignored(tmp_path):
    path = tmp_path / FILE_NAME
    path.write_text("{not json")
    memory = FormatMemory(path)
    assert memory.level("http://127.0.0.1:1/v1", MODEL) is FormatLevel.JSON_SCHEMA
    memory.step_down("http://127.0.0.1:1/v1", MODEL, FormatLevel.JSON_SCHEMA)
    assert json.loads(path.read_text())["http://127.0.0.1:1/v1 smollm2"]["level"] == "JSON_OBJECT_SCHEMA"


def test_a_model_that_answers_only_the_first_track_gets_the_rest_in_smaller_batches(vocab, fake_openai):
    # Measured with SmolLM2-135M on llama.cpp: one item per reply, whatever the batch size.
    server = fake_openai(models=[MODEL], answer_at_most=1)
    sink = run(local_tagger(server, vocab, batch_size=4), make_tracks(4))
    sizes = list(server.batch_sizes)
    assert sizes == [4, 2, 1, 1]  # 3 left out: halved to 2 + 1, then the 1 left of the 2 alone
    assert len(sink.results) == 4 and all(r.profile is not None for r in sink.results)
