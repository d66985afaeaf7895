"""The LLM tagger driven through the real openai client against the fake server."""

from __future__ import annotations

import logging
import socket
import threading

import pytest

from tests.support.fake_openai import FakeOpenAIServer
from taggenius_desktop.tagging.base import TaggingStopped, TagResult
from taggenius_desktop.tagging.llm import LLMConfig, LLMTagger, make_tagger
from taggenius_desktop.tagging.llm.retry import RetryPolicy
from taggenius_desktop.vocabulary import load_vocabulary, validate_profile
from taggenius_desktop.vocabulary.profile import TrackInfo

KEY = "sk-proj-SECRETabcdefghijklmnopqrstuvwxyz987654"
GENRES = ["Tech House", "Techno", "deep house", "Other", "", "Drum & Bass"]


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary()


def make_tracks(count: int, prefix: str = "Song") -> list[TrackInfo]:
    return [TrackInfo(track_id=str(1000 + i), title=f"{prefix} {i}", artist=f"Artist {i % 7}",
                      genre=GENRES[i % len(GENRES)], bpm=118 + i % 30, year=1990 + i % 35, duration_s=300)
            for i in range(count)]


class Run:
    """Collects what a tag() call delivers, and on which thread."""

    def __init__(self) -> None:
        self.batches: list[list[TagResult]] = []
        self.threads: set[int] = set()

    def __call__(self, results: list[TagResult]) -> None:
        self.batches.append(list(results))
        self.threads.add(threading.get_ident())

    @property
    def results(self) -> list[TagResult]:
        return [r for batch in self.batches for r in batch]

    def by_id(self) -> dict[str, TagResult]:
        return {r.track_id: r for r in self.results}


def tagger_for(server: FakeOpenAIServer, vocab, **config) -> LLMTagger:
    config.setdefault("api_key", KEY)
    config.setdefault("model", "gpt-4o-mini")
    tagger = LLMTagger(LLMConfig(base_url=server.base_url, **config), vocab,
                       retry_policy=RetryPolicy(max_retries=config.get("max_retries", 5), base_delay=0.01,
                                                max_delay=0.05))
    return tagger


def run(tagger: LLMTagger, tracks: list[TrackInfo], is_cancelled=lambda: False) -> Run:
    sink = Run()
    tagger.tag(tracks, sink, is_cancelled)
    return sink


# ---------------------------------------------------------------- happy path and batching


def test_every_track_gets_a_valid_profile_in_batches_on_the_calling_thread(vocab, fake_openai):
    tracks = make_tracks(45)
    server = fake_openai(api_key=KEY)
    tagger = tagger_for(server, vocab, batch_size=10, concurrency=3)
    sink = run(tagger, tracks)
    results = sink.by_id()
    assert sorted(results) == sorted(t.track_id for t in tracks) and len(sink.results) == 45
    for result in results.values():
        assert result.error is None
        validate_profile(result.profile, vocab)
        assert result.profile.sources["primary_genre"] == "llm:gpt-4o-mini"
    assert sink.threads == {threading.get_ident()}
    # delivered incrementally: one call per request, never more than a batch at a time
    assert len(sink.batches) == server.request_count == 6  # 45 tracks as 2 full rounds of 3 slots
    assert max(len(b) for b in sink.batches) <= 10 and max(server.batch_sizes) <= 10
    assert server.max_in_flight <= 3
    # usage from the API's counts, priced
    assert tagger.usage.requests == 6 and tagger.usage.retries == 0
    assert tagger.usage.input_tokens == server.prompt_tokens
    assert tagger.usage.output_tokens == server.completion_tokens
    assert tagger.usage.cost_usd > 0


def test_metadata_reaches_the_model_compactly_with_short_ids(vocab, fake_openai):
    track = TrackInfo("98765", title="Spastik", artist="Plastikman", mix="Original Mix", genre="Techno",
                      bpm=130.0, year=1993, key="8A")
    server = fake_openai()
    result = run(tagger_for(server, vocab), [track]).results[0]
    sent = server.last_request
    user = sent["messages"][-1]["content"]
    assert user == '{"tracks":[{"id":"1","artist":"Plastikman","title":"Spastik","genre":"Techno","year":1993,' \
                   '"bpm":130,"key":"8A"}]}'
    assert sent["response_format"]["json_schema"]["strict"] is True
    assert sent["temperature"] == 0 and "max_tokens" not in sent  # no TPM-charged cap for OpenAI
    assert result.track_id == "98765" and result.profile.primary_genre == "Techno"
    assert result.profile.era == "1990s"


def test_cache_key_names_provider_model_prompt_and_vocabulary_not_the_url(vocab, fake_openai):
    a = fake_openai()
    b = fake_openai()
    key_a = tagger_for(a, vocab).cache_key
    key_b = tagger_for(b, vocab).cache_key
    assert key_a == key_b
    assert key_a.startswith("openai:gpt-4o-mini:") and key_a.endswith(vocab.version)
    assert "127.0.0.1" not in key_a


# ---------------------------------------------------------------- replies that are wrong


def test_dropped_id_is_asked_again_and_then_tagged(vocab, fake_openai):
    tracks = make_tracks(8)
    server = fake_openai(title_faults={"Song 3": "drop:1"})
    sink = run(tagger_for(server, vocab, batch_size=8, concurrency=1), tracks)
    assert server.requests_for("Song 3", "Artist 3") == 2
    assert server.requests_for("Song 4", "Artist 4") == 1  # only the missing track is re-sent
    assert all(r.profile is not None for r in sink.results) and len(sink.results) == 8
    assert len(sink.batches) == 2  # 7 tracks at once, then the re-asked one


def test_always_dropped_id_fails_with_a_reason_after_bounded_asks(vocab, fake_openai):
    tracks = make_tracks(5)
    server = fake_openai(title_faults={"Song 2": "drop"})
    sink = run(tagger_for(server, vocab, batch_size=5, concurrency=1, max_reasks=2), tracks)
    assert server.requests_for("Song 2", "Artist 2") == 3
    result = sink.by_id()["1002"]
    assert result.profile is None and "left this track out" in result.error
    assert sum(1 for r in sink.results if r.profile) == 4 and len(sink.results) == 5


def test_unknown_ids_are_ignored_and_never_become_results(vocab, fake_openai):
    tracks = make_tracks(6)
    server = fake_openai(unknown_id_fraction=1.0)
    sink = run(tagger_for(server, vocab, batch_size=6, concurrency=1), tracks)
    assert server.request_count == 1
    assert sorted(r.track_id for r in sink.results) == sorted(t.track_id for t in tracks)
    assert all(r.profile is not None for r in sink.results)


def test_conflicting_duplicate_id_is_asked_again_alone(vocab, fake_openai):
    tracks = make_tracks(4)
    server = fake_openai(title_faults={"Song 1": "duplicate:1"})
    sink = run(tagger_for(server, vocab, batch_size=4, concurrency=1), tracks)
    assert server.requests_for("Song 1", "Artist 1") == 2
    assert server.request_count == 2 and server.batch_sizes == [4, 1]
    assert all(r.profile is not None for r in sink.results) and len(sink.results) == 4


def test_invalid_values_are_never_written_the_track_fails_plainly(vocab, fake_openai):
    tracks = make_tracks(3)
    server = fake_openai(title_faults={"Song 0": "invalid"})
    sink = run(tagger_for(server, vocab, batch_size=3, concurrency=1, max_reasks=1), tracks)
    assert server.requests_for("Song 0", "Artist 0") == 2
    bad = sink.by_id()["1000"]
    assert bad.profile is None and "off the vocabulary" in bad.error and "energy 42" in bad.error
    assert sink.by_id()["1001"].profile is not None


def test_malformed_json_is_asked_again_in_smaller_batches(vocab, fake_openai):
    tracks = make_tracks(6)
    server = fake_openai(script=["malformed"])
    sink = run(tagger_for(server, vocab, batch_size=6, concurrency=1), tracks)
    assert server.batch_sizes == [6, 3, 3]  # the 200 replies: broken one, then two halves
    assert all(r.profile is not None for r in sink.results) and len(sink.results) == 6


def test_always_malformed_fails_every_track_after_bounded_asks(vocab, fake_openai):
    tracks = make_tracks(2)
    server = fake_openai(malformed_fraction=1.0)
    sink = run(tagger_for(server, vocab, batch_size=2, concurrency=1, max_reasks=2), tracks)
    assert max(server.track_requests.values()) == 3
    assert all(r.profile is None and "not valid JSON" in r.error for r in sink.results)
    assert len(sink.results) == 2


def test_finish_reason_length_splits_the_batch(vocab, fake_openai):
    tracks = make_tracks(4)
    server = fake_openai(script=["length"])
    sink = run(tagger_for(server, vocab, batch_size=4, concurrency=1), tracks)
    assert server.batch_sizes == [4, 2, 2]
    assert all(r.profile is not None for r in sink.results)


def test_context_length_400_splits_and_a_single_track_too_long_fails(vocab, fake_openai):
    tracks = make_tracks(4)
    server = fake_openai(script=["context"])
    sink = run(tagger_for(server, vocab, batch_size=4, concurrency=1), tracks)
    assert server.request_count == 3 and server.batch_sizes == [2, 2]
    assert all(r.profile is not None for r in sink.results)
    server = fake_openai(context_limit_tokens=10)
    sink = run(tagger_for(server, vocab, batch_size=2, concurrency=1), make_tracks(2))
    assert server.request_count == 3  # 2 tracks, then each alone
    assert all("context window" in r.error for r in sink.results)


def test_other_400_fails_the_tracks_and_is_not_resent(vocab, fake_openai):
    tracks = make_tracks(3)
    server = fake_openai(script=["bad_request"])
    sink = run(tagger_for(server, vocab, batch_size=3, concurrency=1), tracks)
    assert server.request_count == 1
    assert all(r.profile is None and "refused the request (400)" in r.error for r in sink.results)
    assert "Invalid schema" in sink.results[0].error


def test_local_server_without_json_schema_support_falls_back_to_json_mode(vocab, fake_openai):
    server = fake_openai(models=["qwen2.5"], reject_json_schema=True)
    tagger = LLMTagger(LLMConfig(provider="openai-compatible", model="qwen2.5", base_url=server.base_url,
                                 concurrency=2), vocab, retry_policy=RetryPolicy(base_delay=0.01))
    sink = run(tagger, make_tracks(10))
    assert server.status_counts[400] <= 2  # only the requests sent before the switch
    # One step down: JSON mode with the schema (what llama.cpp accepts); see test_llm_formats.py.
    assert server.last_request["response_format"]["type"] == "json_object"
    assert server.last_request["response_format"]["schema"]["required"] == ["tracks"]
    assert all(r.profile is not None for r in sink.results) and len(sink.results) == 10


def test_refusal_is_asked_again(vocab, fake_openai):
    server = fake_openai(script=["refusal"])
    sink = run(tagger_for(server, vocab), make_tracks(1))
    assert server.request_count == 2
    assert sink.results[0].profile is not None


# ---------------------------------------------------------------- transient errors


def test_429_and_5xx_are_retried_with_the_sdk_retries_off(vocab, fake_openai):
    tracks = make_tracks(4)
    server = fake_openai(script=[429, 500, 503])
    tagger = tagger_for(server, vocab, batch_size=4, concurrency=1)
    sink = run(tagger, tracks)
    assert server.request_count == 4  # our 3 retries only: the SDK's own are disabled
    assert all(r.profile is not None for r in sink.results)
    assert tagger.usage.retries == 3 and tagger.usage.requests == 4


def test_retries_run_out_and_the_tracks_fail_with_a_reason(vocab, fake_openai):
    server = fake_openai(error_500_fraction=1.0)
    tagger = tagger_for(server, vocab, max_retries=2)
    sink = run(tagger, make_tracks(2))
    assert server.request_count == 3
    assert all("Gave up after 3 attempts: server error (500)" in r.error for r in sink.results)


def test_rate_limited_run_paces_itself_and_tags_everything(vocab, fake_openai):
    tracks = make_tracks(60)
    server = fake_openai(rpm_limit=600, tpm_limit=12_000, time_scale=60, error_429_fraction=0.1, seed=7)
    tagger = tagger_for(server, vocab, batch_size=10, concurrency=4)
    sink = run(tagger, tracks)
    assert server.error_track_requests == sum(server.track_requests.values()) - len(tracks)
    assert all(r.profile is not None for r in sink.results) and len(sink.results) == 60


def test_random_faults_together_still_give_one_result_per_track(vocab, fake_openai):
    tracks = make_tracks(120)
    server = fake_openai(error_429_fraction=0.1, error_500_fraction=0.1, malformed_fraction=0.1,
                         drop_id_fraction=0.05, unknown_id_fraction=0.2, invalid_value_fraction=0.05,
                         seed=11)
    sink = run(tagger_for(server, vocab, batch_size=10, concurrency=4, max_reasks=3), tracks)
    ids = [r.track_id for r in sink.results]
    assert sorted(ids) == sorted(t.track_id for t in tracks)  # exactly one result each
    assert sum(1 for r in sink.results if r.profile) >= 110
    for result in sink.results:
        assert (result.profile is None) != (result.error is None)
        if result.profile:
            validate_profile(result.profile, vocab)


# ---------------------------------------------------------------- job-fatal errors


@pytest.mark.parametrize(
    ("server_args", "config_args", "message"),
    [
        ({"api_key": "sk-the-right-key-000000000000"}, {}, r"API key was rejected \(401\)"),
        ({"insufficient_quota": True}, {}, "billing"),
        ({}, {"model": "gpt-nonexistent"}, "Model gpt-nonexistent not found"),
    ],
    ids=["401", "quota", "404"],
)
def test_fatal_errors_stop_the_job_at_once(vocab, server_args, config_args, message, fake_openai):
    server = fake_openai(**server_args)
    tagger = tagger_for(server, vocab, batch_size=5, concurrency=1, **config_args)
    sink = Run()
    with pytest.raises(TaggingStopped, match=message):
        tagger.tag(make_tracks(20), sink, lambda: False)
    assert server.request_count == 1  # not retried, no other batch sent
    assert sink.results == []


def test_local_server_not_running_stops_with_a_plain_question(vocab):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed when the block ends: nothing listens there
    url = f"http://127.0.0.1:{port}/v1"
    tagger = LLMTagger(LLMConfig(provider="openai-compatible", model="llama3.1:8b", base_url=url), vocab,
                       retry_policy=RetryPolicy(base_delay=0.01))
    with pytest.raises(TaggingStopped, match=r"Could not reach the server at .* is it running\?"):
        tagger.tag(make_tracks(3), Run(), lambda: False)
    assert tagger.usage.retries == 0


def test_local_server_gets_local_defaults_no_key_and_the_vocabulary_in_the_prompt(vocab, monkeypatch, fake_openai):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)  # must never be sent to a local server
    server = fake_openai(models=["llama3.1:8b"])
    config = LLMConfig(provider="openai-compatible", model="llama3.1:8b", base_url=server.base_url)
    tagger = make_tagger(config, vocab)
    tagger.retry_policy = RetryPolicy(base_delay=0.01)
    sink = run(tagger, make_tracks(12))
    sent = server.last_request
    assert server.authorization_headers and all(KEY not in h for h in server.authorization_headers)
    assert config.effective_batch_size == 5 and config.effective_concurrency == 2
    assert max(server.batch_sizes) <= 5
    assert "Allowed values:" in sent["messages"][0]["content"] and sent["max_tokens"] > 0
    assert tagger.cache_key.startswith("openai-compatible:llama3.1:8b:")
    assert tagger.usage.cost_usd == 0  # a server on this machine costs nothing
    assert all(r.profile is not None for r in sink.results)


# ---------------------------------------------------------------- cancellation


def test_cancel_stops_promptly_and_abandons_requests_in_flight(vocab, fake_openai):
    tracks = make_tracks(40)
    cancelled = threading.Event()
    # first request answers at once, every later one hangs for an hour
    server = fake_openai(script=["ok"] + ["hang"] * 50)
    tagger = tagger_for(server, vocab, batch_size=5, concurrency=1)
    sink = Run()

    def on_results(results: list[TagResult]) -> None:
        sink(results)
        cancelled.set()  # the user presses Cancel after the first batch

    worker = threading.Thread(target=tagger.tag, args=(tracks, on_results, cancelled.is_set), daemon=True)
    worker.start()
    worker.join(timeout=30)  # a liveness bound, not a speed measurement
    assert not worker.is_alive(), "tag() did not return after cancellation"
    assert server.request_count <= 3
    assert len(sink.batches) == 1 and len(sink.results) == 5


def test_cancel_before_start_sends_nothing(vocab, fake_openai):
    server = fake_openai()
    sink = run(tagger_for(server, vocab), make_tracks(5), is_cancelled=lambda: True)
    assert server.request_count == 0
    assert sink.results == []


# ---------------------------------------------------------------- the key never leaks


def test_the_key_never_appears_in_logs_results_or_errors(vocab, caplog, fake_openai):
    caplog.set_level(logging.DEBUG)
    wrong = "sk-proj-LEAKYkeyMiddlePart1234567890abcdWXYZ"
    secrets = [wrong, wrong[8:30], "LEAKYkeyMiddle", wrong[-6:], "****"]
    # a 401 that echoes the key, then a 400 whose body would be passed through
    server = fake_openai(api_key="sk-other-000000000000000000")
    tagger = tagger_for(server, vocab, api_key=wrong)
    with pytest.raises(TaggingStopped) as stopped:
        tagger.tag(make_tracks(3), Run(), lambda: False)
    server = fake_openai(script=[429, 500, "bad_request"])
    tagger = tagger_for(server, vocab, api_key=wrong, batch_size=3, concurrency=1)
    sink = run(tagger, make_tracks(3))
    assert "rejected (401)" in str(stopped.value)
    assert all("refused the request (400)" in r.error for r in sink.results) and len(sink.results) == 3
    texts = [str(stopped.value), repr(stopped.value), caplog.text, repr(tagger.config)]
    texts += [r.error or "" for r in sink.results] + [repr(r) for r in sink.results]
    for text in texts:
        for secret in secrets:
            assert secret not in text
    assert "LEAK" not in caplog.text
