"""LLMConfig defaults, presets, the key lookup of make_tagger, error classification."""

from __future__ import annotations

import httpx2
import openai
import pytest

from taggenius_desktop.credentials import KEY_USERNAME, SERVICE_NAME
from taggenius_desktop.tagging.base import TaggingStopped
from taggenius_desktop.tagging.llm import PRESETS, LLMConfig, check_connection, is_local_url, make_tagger
from taggenius_desktop.tagging.llm.errors import Action, classify
from taggenius_desktop.vocabulary import load_vocabulary

KEY = "sk-proj-zzzzSECRETzzzz0123456789abcdef"


def test_cloud_and_local_defaults():
    cloud = LLMConfig()
    assert cloud.model == "gpt-4o-mini" and cloud.effective_batch_size == 20 and cloud.effective_concurrency == 16
    assert cloud.effective_base_url == "https://api.openai.com/v1" and not cloud.is_local
    local = LLMConfig.for_preset("lm-studio", "qwen2.5-7b-instruct")
    assert local.base_url == "http://localhost:1234/v1" and local.is_local
    assert local.effective_batch_size == 5 and local.effective_concurrency == 2
    assert local.read_timeout(5) > cloud.read_timeout(5)  # local models generate slowly
    assert cloud.read_timeout(20) > cloud.read_timeout(1)  # sized to the batch
    assert LLMConfig(batch_size=7, concurrency=3).effective_batch_size == 7
    assert set(PRESETS) >= {"ollama", "lm-studio", "llama.cpp"}
    assert PRESETS["ollama"] == "http://localhost:11434/v1" and PRESETS["llama.cpp"] == "http://127.0.0.1:8080/v1"


def test_config_validation_and_key_not_in_repr():
    with pytest.raises(ValueError):
        LLMConfig(provider="anthropic")
    with pytest.raises(ValueError):
        LLMConfig(provider="openai-compatible")  # needs a base URL
    assert KEY not in repr(LLMConfig(api_key=KEY))


@pytest.mark.parametrize(("url", "local"), [("http://localhost:11434/v1", True), ("http://127.0.0.1:8080/v1", True),
                                            ("http://192.168.1.5:1234/v1", True), ("https://api.groq.com/v1", False),
                                            (None, False)])
def test_is_local_url(url, local):
    assert is_local_url(url) is local


def test_make_tagger_takes_the_key_from_the_keyring(memory_keyring):
    memory_keyring.passwords[(SERVICE_NAME, KEY_USERNAME)] = KEY
    tagger = make_tagger(LLMConfig(), load_vocabulary())
    assert tagger.config.api_key == KEY and tagger.name == "openai" and tagger.uses_cache
    assert tagger.model == "gpt-4o-mini"


def test_make_tagger_without_any_key_stops(failing_keyring):
    with pytest.raises(TaggingStopped, match="No OpenAI API key"):
        make_tagger(LLMConfig(), load_vocabulary())


def _status_error(cls, status: int, body: dict, headers: dict | None = None):
    request = httpx2.Request("POST", "https://api.openai.com/v1/chat/completions")
    response = httpx2.Response(status, json={"error": body}, headers=headers or {}, request=request)
    return cls(f"Error code: {status} - {body}", response=response, body=body)


def test_classification_table():
    config = LLMConfig(api_key=KEY)
    echo = {"message": f"Incorrect API key provided: {KEY[:8]}****{KEY[-4:]}", "code": "invalid_api_key"}
    verdict = classify(_status_error(openai.AuthenticationError, 401, echo), config)
    assert verdict.action is Action.STOP and KEY[-4:] not in verdict.reason
    quota = classify(_status_error(openai.RateLimitError, 429, {"message": "quota", "code": "insufficient_quota",
                                                                "type": "insufficient_quota"}), config)
    assert quota.action is Action.STOP and "billing" in quota.reason
    limited = classify(_status_error(openai.RateLimitError, 429, {"message": "slow down", "code": "rate_limit_exceeded"},
                                     {"retry-after-ms": "1500"}), config)
    assert limited.action is Action.RETRY and limited.rate_limited and limited.retry_after == 1.5
    context = classify(_status_error(openai.BadRequestError, 400, {"message": "maximum context length is 8192",
                                                                   "code": "context_length_exceeded"}), config)
    assert context.action is Action.SPLIT
    other = classify(_status_error(openai.BadRequestError, 400, {"message": f"bad param near {KEY}"}), config)
    assert other.action is Action.FAIL and KEY not in other.reason and "[redacted]" in other.reason
    assert classify(_status_error(openai.NotFoundError, 404, {"message": "no"}), config).action is Action.STOP
    assert classify(_status_error(openai.InternalServerError, 502, {"message": "x"}), config).overloaded
    request = httpx2.Request("POST", "http://x")
    assert classify(openai.APITimeoutError(request=request), config).action is Action.RETRY
    assert classify(openai.APIConnectionError(request=request), config).connection


def test_check_connection_reports_in_plain_words(fake_openai):
    server = fake_openai(api_key=KEY, models=["gpt-4o-mini", "gpt-4.1-mini"])
    good = check_connection(LLMConfig(base_url=server.base_url, api_key=KEY))
    assert good.ok and good.models == ("gpt-4.1-mini", "gpt-4o-mini")
    unknown = check_connection(LLMConfig(model="gpt-x", base_url=server.base_url, api_key=KEY))
    assert not unknown.ok and "gpt-x" in unknown.message
    wrong = check_connection(LLMConfig(base_url=server.base_url, api_key="sk-wrong-key-1234567890abcd"))
    assert not wrong.ok and "rejected (401)" in wrong.message and "abcd" not in wrong.message
    port = server.port
    server.stop()  # nothing listens on that port any more
    gone = check_connection(LLMConfig(provider="openai-compatible", model="m", base_url=f"http://127.0.0.1:{port}/v1"))
    assert not gone.ok and "is it running?" in gone.message
    assert not check_connection(LLMConfig(api_key=None)).ok
