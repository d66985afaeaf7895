"""A hostile or broken server fails only the tracks concerned, in plain words, and never
holds a job forever. Every case runs the real openai client against the fake server on
127.0.0.1 (see ``FakeOpenAIServer``'s fault kinds)."""

from __future__ import annotations

import pytest

from tests.support.fake_openai import FakeOpenAIServer
from taggenius_desktop.jobs import JobManager, build_tag_job
from taggenius_desktop.store.jobs_log import Status
from taggenius_desktop.tagging.llm import LLMConfig, LLMTagger, safe_json
from taggenius_desktop.tagging.llm.retry import RetryPolicy
from taggenius_desktop.vocabulary import load_vocabulary, validate_profile
from tests.support.libraries import write_library
from tests.test_llm_tagger import make_tracks, run, tagger_for


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary()


def _local_tagger(server: FakeOpenAIServer, vocab, **config) -> LLMTagger:
    config.setdefault("model", "gpt-4o-mini")
    config.setdefault("concurrency", 1)  # one batch per request: the planner splits small jobs for 2 slots
    retries = config.pop("max_retries", 1)
    return LLMTagger(LLMConfig(provider="openai-compatible", base_url=server.base_url, max_retries=retries, **config),
                     vocab, retry_policy=RetryPolicy(max_retries=retries, base_delay=0.01, max_delay=0.02))


# ---------------------------------------------------------------- absurd values (item 3)


@pytest.mark.parametrize("fault, words", [
    ("huge_energy", "401-digit"),
    ("inf_energy", "energy"),
    ("nan_energy", "energy"),
    ("wrong_types", "primary_genre"),
    ("energy_20", "outside 1..10"),
])
def test_one_absurd_value_fails_only_its_track_after_one_smaller_ask(vocab, fault, words, fake_openai):
    tracks = make_tracks(10)  # titles "Song 0".."Song 9": the needle "Song 3" hits one track
    server = fake_openai(title_faults={"Song 3": fault})
    sink = run(tagger_for(server, vocab, batch_size=5, concurrency=2, max_reasks=1), tracks)
    asks_of_bad_track = server.requests_for("Song 3", "Artist 3")
    batch_sizes = list(server.batch_sizes)
    results = sink.by_id()
    assert len(sink.results) == 10 and sorted(results) == sorted(t.track_id for t in tracks)
    bad = results["1003"]
    assert bad.profile is None and words in bad.error, bad.error
    assert "No valid tags after 2 tries" in bad.error
    for track_id, result in results.items():
        if track_id != "1003":
            assert result.error is None, result.error
            validate_profile(result.profile, vocab)
    assert asks_of_bad_track == 2, "asked once in its batch, then once more on its own"
    assert batch_sizes.count(1) == 1 and sorted(batch_sizes)[-2:] == [5, 5]


@pytest.mark.parametrize("kind", ["deep_nest", "deep_body"])
def test_deeply_nested_reply_is_asked_again_in_smaller_batches_not_a_crash(vocab, kind, fake_openai):
    tracks = make_tracks(4)
    server = fake_openai(script=[kind])
    sink = run(tagger_for(server, vocab, batch_size=4, concurrency=1), tracks)
    assert server.batch_sizes[-2:] == [2, 2], "the whole batch is asked again, in halves"
    assert len(sink.results) == 4 and all(r.profile is not None for r in sink.results)


def test_always_deeply_nested_fails_every_track_with_plain_words(vocab, fake_openai):
    tracks = make_tracks(2)
    server = fake_openai(script=["deep_nest"] * 10)
    sink = run(tagger_for(server, vocab, batch_size=2, concurrency=1, max_reasks=1), tracks)
    assert server.request_count == 3  # both, then each alone
    # 200,000 characters for two tracks: refused on size before its depth is even looked at.
    for result in sink.results:
        assert result.profile is None and "reply was larger than" in result.error, result.error


def test_bounded_parser_refuses_deep_nesting_and_marks_absurd_numbers():
    with pytest.raises(safe_json.UnsafeJSON, match="nested more than 32 levels"):
        safe_json.loads("[" * 100_000 + "]" * 100_000, max_chars=10**6)
    assert safe_json.loads('{"t": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', max_chars=100) == {"t": "[" * 36}
    data = safe_json.loads('[1' + '0' * 400 + ', 1e309, NaN, -Infinity, 12, 6.5]', max_chars=1000)
    assert [repr(v) for v in data[:4]] == ["a 401-digit number", "1e309 (too large for a number)", "NaN", "-Infinity"]
    assert data[4:] == [12, 6.5]


def test_absurd_value_in_one_batch_still_caches_the_others_and_a_rerun_asks_only_for_it(tmp_path, fake_openai):
    library = write_library(tmp_path / "lib.xml", n=20)
    server = fake_openai(title_faults={"Track 7": "huge_energy"})
    with JobManager(workers=1) as manager:
        def job(output: str):
            spec = build_tag_job(library, tmp_path / output, provider="openai", base_url=server.base_url,
                                 api_key="sk-test-key", batch_size=5)
            return manager.wait(manager.submit(spec), timeout=120)

        first = job("first.xml")
        before = server.request_count
        second = job("second.xml")
        rerun_requests = server.request_count - before
        rerun_asks_of_good_tracks = sum(server.requests_for(f"Track {i}", f"Artist {i % 7}")
                                        for i in range(1, 21) if i != 7) - 19
    assert first.status == Status.COMPLETED, first.error
    assert (first.tagged, first.failed) == (19, 1)
    assert (second.cached, second.failed) == (19, 1)
    assert rerun_asks_of_good_tracks == 0, "the good tracks came from the cache"
    assert 1 <= rerun_requests <= 3, "only the bad track is asked again, a bounded number of times"


# ---------------------------------------------------------------- deadlines (item 4)


def test_trickling_server_hits_the_request_deadline_then_the_tracks_fail_plainly(vocab, fake_openai):
    tracks = make_tracks(3)
    # One byte every 20 ms restarts any read timeout; only a total deadline ends the request.
    server = fake_openai(script=["trickle", "trickle"], trickle_interval=0.02)
    tagger = _local_tagger(server, vocab, batch_size=3, request_deadline=0.5, request_timeout_base=30.0)
    sink = run(tagger, tracks)
    assert server.request_count == 2, "retried once per the retry policy, then given up"
    assert len(sink.results) == 3
    for result in sink.results:
        assert result.profile is None
        assert "too slowly" in result.error and "0.5 s" in result.error and "network" not in result.error


def test_job_deadline_fails_the_unfinished_tracks_and_keeps_the_finished_ones(vocab, fake_openai):
    tracks = make_tracks(4)
    server = fake_openai(script=["ok", "trickle", "trickle", "trickle"], trickle_interval=0.02)
    tagger = _local_tagger(server, vocab, batch_size=2, max_retries=5, request_deadline=30.0, job_deadline=2.0)
    sink = run(tagger, tracks)
    results = sink.by_id()
    assert len(sink.results) == 4
    assert [results[t.track_id].profile is not None for t in tracks] == [True, True, False, False]
    for track in tracks[2:]:
        error = results[track.track_id].error
        assert "time limit (2 s)" in error and "tag again" in error, error


def test_request_deadline_defaults_cover_a_full_batch():
    config = LLMConfig(provider="openai-compatible", model="m", base_url="http://127.0.0.1:1/v1")
    assert config.request_deadline_for(5) > config.read_timeout(5)
    assert config.job_deadline_for(50) > config.request_deadline_for(5) * 5


# ---------------------------------------------------------------- plain words (item 10)


def test_connection_reset_mid_reply_says_the_server_closed_it_not_the_network(vocab, fake_openai):
    tracks = make_tracks(2)
    server = fake_openai(script=["reset"] * 10)
    sink = run(_local_tagger(server, vocab, batch_size=2, max_retries=1, max_reasks=0), tracks)
    assert server.request_count == 2
    for result in sink.results:
        assert result.profile is None
        assert "closed the connection mid-reply" in result.error and "network" not in result.error, result.error


def test_hangup_before_any_reply_says_the_server_closed_it_not_the_network(vocab, fake_openai):
    server = fake_openai(script=["hangup"] * 10)
    sink = run(_local_tagger(server, vocab, batch_size=2, max_retries=1), make_tracks(2))
    assert server.request_count == 2
    for result in sink.results:
        assert result.profile is None
        assert "closed the connection without replying" in result.error and "network" not in result.error


def test_one_reset_is_retried_and_the_tracks_tagged(vocab, fake_openai):
    server = fake_openai(script=["reset"])
    sink = run(_local_tagger(server, vocab, batch_size=2), make_tracks(2))
    assert server.request_count == 2
    assert all(r.profile is not None for r in sink.results)


@pytest.mark.parametrize("kind, words", [
    ("html", "an HTML page"),
    ("null", "null"),
    ("not_json", "not JSON"),
])
def test_200_without_a_chat_completion_says_what_came_back_and_from_where(vocab, kind, words, fake_openai):
    tracks = make_tracks(2)
    server = fake_openai(script=[kind] * 10)
    sink = run(_local_tagger(server, vocab, batch_size=2, max_reasks=0), tracks)
    where = server.base_url
    for result in sink.results:
        assert result.profile is None
        assert words in result.error and where in result.error, result.error
        assert "empty reply" not in result.error
