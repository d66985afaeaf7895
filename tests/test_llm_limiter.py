"""The adaptive limiter's arithmetic and the one retry policy."""

from __future__ import annotations

import asyncio
import random

import pytest

from taggenius_desktop.tagging.llm.limiter import (
    AdaptiveLimiter,
    Ticket,
    TokenCalibration,
    parse_budgets,
    parse_duration,
    parse_retry_after,
)
from taggenius_desktop.tagging.llm.retry import RetryPolicy


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("6m0s", 360.0), ("12ms", 0.012), ("1.5s", 1.5), ("1h2m3s", 3723.0), ("2", 2.0), ("0s", 0.0),
     ("", None), ("soon", None), (None, None), ("3x", None)],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


def test_parse_retry_after_prefers_milliseconds():
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "1"}) == 0.25
    assert parse_retry_after({"retry-after": "3"}) == 3.0
    assert parse_retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) is None
    assert parse_retry_after({}) is None and parse_retry_after(None) is None


def test_parse_budgets_reads_both_kinds_and_skips_absent_ones():
    headers = {"x-ratelimit-limit-tokens": "200000", "x-ratelimit-remaining-tokens": "150000",
               "x-ratelimit-reset-tokens": "15s", "x-ratelimit-limit-requests": "500"}
    budgets = parse_budgets(headers)
    assert list(budgets) == ["tokens"]
    assert budgets["tokens"].limit == 200000 and budgets["tokens"].remaining == 150000
    assert budgets["tokens"].reset_seconds == 15.0
    assert parse_budgets({}) == {}


def _headers(limit: int, remaining: int, reset: str, kind: str = "tokens") -> dict[str, str]:
    return {f"x-ratelimit-limit-{kind}": str(limit), f"x-ratelimit-remaining-{kind}": str(remaining),
            f"x-ratelimit-reset-{kind}": reset}


def test_budget_pacing_waits_for_the_refill_the_headers_imply():
    clock = Clock()
    limiter = AdaptiveLimiter(8, clock=clock)
    assert limiter.budget_delay(5000) == 0  # nothing known yet: no pacing (local servers)
    # 900 tokens missing, refilled in 9 s -> 100 tokens/s; 100 left
    limiter.on_success(Ticket(sent_at=0.0, tokens=0), _headers(1000, 100, "9s"))
    assert limiter.budget_delay(500) == pytest.approx(4.0)
    clock.now = 4.0
    assert limiter.budget_delay(500) == pytest.approx(0.0)
    # a request larger than the whole bucket waits for a full bucket, not forever
    assert limiter.budget_delay(10**6) == pytest.approx(5.0)


def test_requests_sent_after_a_reading_are_subtracted_and_stale_readings_ignored():
    clock = Clock()
    limiter = AdaptiveLimiter(8, clock=clock)
    limiter.on_success(Ticket(sent_at=1.0, tokens=0), _headers(1000, 600, "4s"))  # 100 tokens/s
    clock.now = 1.0

    async def send() -> None:
        await limiter.acquire(400)

    asyncio.run(send())  # sent at t=1.0, after the reading's anchor... only if strictly later
    clock.now = 2.0
    asyncio.run(send())  # sent at t=2.0: 600 + 100 refilled - 400 = 300 left
    assert limiter.budget_delay(300, now=2.0) == pytest.approx(0.0)
    assert limiter.budget_delay(500, now=2.0) == pytest.approx(2.0)
    # a reading from a request sent before the anchor is older news: ignored
    limiter.on_success(Ticket(sent_at=0.5, tokens=0), _headers(1000, 1000, "0s"))
    assert limiter.budget_delay(500, now=2.0) == pytest.approx(2.0)


def test_window_halves_on_unexplained_429_once_per_burst_and_grows_back():
    clock = Clock()
    limiter = AdaptiveLimiter(16, clock=clock)
    assert limiter.window == 16
    ticket = Ticket(sent_at=0.0, tokens=0)
    limiter.on_rate_limited(ticket, None, retry_after=None)
    limiter.on_rate_limited(ticket, None, retry_after=None)  # same burst
    assert limiter.window == 8 and limiter.stats.decreases == 1
    clock.now = 5.0
    limiter.on_overloaded()
    assert limiter.window == 4
    for _ in range(4):
        limiter.on_success(ticket, None)  # +1/window per success: about +1 per round trip
    assert 4.9 < limiter.window < 5.0
    for _ in range(500):
        limiter.on_success(ticket, None)
    assert limiter.window == 16  # never above the configured concurrency


def test_429_explained_by_an_empty_budget_pauses_everyone_without_shrinking():
    clock = Clock()
    limiter = AdaptiveLimiter(16, clock=clock)
    exhausted = limiter.on_rate_limited(Ticket(0.0, 0), _headers(500, 0, "120ms", "requests"), retry_after=0.12)
    assert exhausted and limiter.paused_until == pytest.approx(0.12) and limiter.window == 16
    # a 429 while the budget had plenty left is transient: only that request waits
    transient = limiter.on_rate_limited(Ticket(1.0, 0), _headers(500, 400, "1s", "requests"), retry_after=0.25)
    assert not transient and limiter.paused_until == pytest.approx(0.12) and limiter.window == 16


def test_at_most_window_requests_in_flight_and_halt_admits_nothing():
    async def scenario() -> None:
        limiter = AdaptiveLimiter(2)
        first = await limiter.acquire(10)
        await limiter.acquire(10)
        third = asyncio.create_task(limiter.acquire(10))
        for _ in range(5):
            await asyncio.sleep(0)
        assert not third.done() and limiter.in_flight == 2
        await limiter.release(first)
        await third
        assert limiter.in_flight == 2 and limiter.stats.peak_in_flight == 2
        await limiter.release(first)  # releasing twice is harmless
        assert limiter.in_flight == 2
        limiter.halt()
        parked = asyncio.create_task(limiter.acquire(10))
        await limiter.release(third.result())
        for _ in range(5):
            await asyncio.sleep(0)
        assert not parked.done()
        parked.cancel()

    asyncio.run(scenario())


def test_token_calibration_follows_the_servers_counts():
    calibration = TokenCalibration()
    assert calibration.correct(1000) == 1000
    calibration.observe(1000, 1300)
    assert calibration.correct(1000) == 1300
    for _ in range(30):
        calibration.observe(1000, 1100)
    assert calibration.correct(1000) == pytest.approx(1100, abs=5)


def test_retry_policy_backs_off_with_jitter_and_honours_retry_after():
    policy = RetryPolicy(max_retries=3, base_delay=0.5, max_delay=4.0, rng=random.Random(1))
    assert policy.can_retry(2) and not policy.can_retry(3)
    for retries in range(6):
        for _ in range(50):
            delay = policy.delay(retries)
            assert 0.05 <= delay <= max(0.05, min(4.0, 0.5 * 2 ** retries))
    draws = {round(policy.delay(2), 6) for _ in range(20)}
    assert len(draws) > 10  # jittered, not synchronized
    for _ in range(20):
        assert 3.0 <= policy.delay(0, retry_after=3.0) <= 3.0 + 0.1 + 0.3
    assert policy.delay(0, retry_after=10_000) <= 120 + 0.1 + 12
    assert policy.too_long(10_000) and not policy.too_long(120) and not policy.too_long(None)
