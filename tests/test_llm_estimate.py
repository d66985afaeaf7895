"""Prices from the editable table, cost estimates, batch planning."""

from __future__ import annotations

import json

import pytest

from taggenius_desktop.paths import resource_path
from taggenius_desktop.tagging.llm import LLMConfig, estimate, load_price_table, plan_batches, price_for
from taggenius_desktop.tagging.llm.estimate import DEFAULT_OPENAI_LIMITS, shared_prompt_tokens
from taggenius_desktop.tagging.llm.pricing import FALLBACK_DEFAULT, Price
from taggenius_desktop.vocabulary import load_vocabulary
from taggenius_desktop.vocabulary.profile import TrackInfo


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary()


def test_bundled_price_table_loads_and_matches_longest_prefix():
    table = load_price_table()
    data = json.loads(resource_path("prices.json").read_text())
    mini = data["models"]["gpt-4o-mini"]
    assert table.price_for("gpt-4o-mini") == Price(mini["input"], mini["cached_input"], mini["output"])
    assert table.price_for("gpt-4o-mini-2024-07-18") == table.price_for("gpt-4o-mini")
    assert table.price_for("gpt-4o") != table.price_for("gpt-4o-mini")  # not the shorter prefix
    assert table.price_for("some-new-model") == table.default


def test_edited_or_broken_price_table(tmp_path):
    edited = tmp_path / "prices.json"
    edited.write_text(json.dumps({"default": {"input": 1, "output": 2}, "models": {"m": {"input": 3, "output": 4}}}))
    table = load_price_table(edited)
    assert table.price_for("m-1") == Price(3, 3, 4)  # cached input defaults to the input price
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert load_price_table(broken).default == FALLBACK_DEFAULT


def test_price_cost_counts_cached_tokens_at_their_price():
    price = Price(input=0.15, cached_input=0.075, output=0.60)
    assert price.cost(1_000_000, 0) == pytest.approx(0.15)
    assert price.cost(1_000_000, 1_000_000, cached_input_tokens=1_000_000) == pytest.approx(0.675)
    assert price.cost(100, 0, cached_input_tokens=500) == pytest.approx(100 * 0.075 / 1e6)
    assert price_for("gpt-4o-mini", local=True).cost(10**6, 10**6) == 0


@pytest.mark.parametrize(("count", "batch", "concurrency"), [(1, 20, 16), (45, 10, 3), (500, 20, 16),
                                                            (10_000, 20, 16), (7, 5, 2), (101, 20, 1)])
def test_plan_batches_covers_every_track_evenly_within_limits(count, batch, concurrency):
    sizes = plan_batches(count, batch, concurrency)
    assert sum(sizes) == count
    assert max(sizes) <= batch and max(sizes) - min(sizes) <= 1
    assert min(sizes) >= min(count, max(1, batch // 4))
    assert plan_batches(0, batch, concurrency) == []


def test_plan_batches_fills_the_slots_of_a_short_job():
    assert len(plan_batches(500, 20, 16)) == 32  # two full rounds instead of 25 requests
    assert len(plan_batches(10_000, 20, 16)) == 512  # long jobs keep full batches


def test_estimate_for_openai_is_in_the_expected_range(vocab):
    config = LLMConfig(model="gpt-4o-mini")
    result = estimate(1000, config, vocab=vocab)
    shared = shared_prompt_tokens(config, vocab)
    assert result.tracks == 1000 and result.requests == len(plan_batches(1000, 20, 16))
    assert result.input_tokens == result.requests * shared + 1000 * 35
    assert result.output_tokens == 60 * 1000
    assert result.input_tokens_per_track <= 121  # 120 before the schema gained the per-track confidence
    assert 0.02 < result.cost_usd < 0.10  # about $0.05 per 1,000 tracks on a mini model
    assert result.cached_input_tokens > 0 and result.seconds > 0
    # 10,000 tracks cannot beat the lowest paid tier's token limit
    big = estimate(10_000, config, vocab=vocab)
    _, tpm = DEFAULT_OPENAI_LIMITS
    assert big.seconds >= (big.input_tokens + big.output_tokens - tpm) / tpm * 60
    assert big.seconds > 5 * 60


def test_estimate_from_real_tracks_local_server_is_free(vocab):
    tracks = [TrackInfo(str(i), title=f"Title {i}", artist="Artist", genre="House", bpm=124) for i in range(12)]
    local = LLMConfig.for_preset("ollama", "llama3.1:8b")
    result = estimate(tracks, local, vocab=vocab)
    assert result.tracks == 12 and result.cost_usd == 0 and result.requests == 4  # 2 rounds x 2 slots
    assert result.input_tokens > 3 * shared_prompt_tokens(local, vocab)
    assert estimate(0, local, vocab=vocab).requests == 0
