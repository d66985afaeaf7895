"""Adaptive admission of requests: how many may be in flight, and when the next may go.

Two mechanisms, both needed:

* An AIMD concurrency window (like TCP's congestion window): it grows by about one request
  per round trip while requests succeed and halves on an unexplained 429 or a timeout.
  This is all there is for local servers, which send no rate-limit headers.
* Budget pacing from OpenAI's ``x-ratelimit-{limit,remaining,reset}-{requests,tokens}``
  headers: a local model of each server-side bucket predicts when enough budget will have
  refilled for the next request, so the job runs at the limit's pace instead of bouncing
  off 429s. A 429 that the budget explains pauses everyone until ``retry-after``.

Everything runs on one asyncio loop: no locks beyond the loop's own ordering.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable, Mapping

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")


def parse_duration(text: str | None) -> float | None:
    """OpenAI's reset durations ("6m0s", "12ms", "1.5s", "1h2m3s", or bare seconds) -> seconds."""
    if text is None:
        return None
    text = text.strip().lower()
    if not text:
        return None
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    total, matched = 0.0, 0
    for number, unit in _DURATION_PART.findall(text):
        total += float(number) * {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}[unit]
        matched += len(number) + len(unit)
    return total if matched == len(text) else None


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from ``retry-after-ms`` (preferred) or ``retry-after`` (seconds), if present."""
    if not headers:
        return None
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) / divisor
        except ValueError:
            continue
        if math.isfinite(seconds) and seconds >= 0:
            return seconds
    return None


@dataclass(frozen=True, slots=True)
class BudgetReading:
    limit: float
    remaining: float
    reset_seconds: float | None


def parse_budgets(headers: Mapping[str, str] | None) -> dict[str, BudgetReading]:
    """``{"requests": ..., "tokens": ...}`` from x-ratelimit-* headers (absent ones omitted)."""
    readings: dict[str, BudgetReading] = {}
    if not headers:
        return readings
    for kind in ("requests", "tokens"):
        try:
            limit = float(headers[f"x-ratelimit-limit-{kind}"])
            remaining = float(headers[f"x-ratelimit-remaining-{kind}"])
        except (KeyError, ValueError):
            continue
        readings[kind] = BudgetReading(limit, remaining, parse_duration(headers.get(f"x-ratelimit-reset-{kind}")))
    return readings


@dataclass(slots=True)
class Ticket:
    """One admitted request: when it went and what it was expected to cost."""

    sent_at: float
    tokens: int
    released: bool = False


@dataclass(slots=True)
class _Budget:
    """Local model of one server bucket, anchored at the send time of the freshest reading.

    A reading reflects the bucket when the server admitted that request (about its send
    time), so requests sent after it are subtracted and refill is counted from then.
    """

    limit: float = 0.0
    level: float = 0.0
    rate: float = 0.0  # units refilled per second
    anchor: float = -math.inf
    known: bool = False

    def observe(self, reading: BudgetReading, sent_at: float) -> None:
        if sent_at < self.anchor:
            return  # an older request's view; we already know better
        self.limit, self.level, self.anchor, self.known = reading.limit, reading.remaining, sent_at, True
        missing = reading.limit - reading.remaining
        if reading.reset_seconds and reading.reset_seconds > 0 and missing > 0:
            self.rate = missing / reading.reset_seconds
        elif self.rate <= 0:
            self.rate = reading.limit / 60.0  # OpenAI's limits are per minute

    def available(self, now: float, spent_since_anchor: float) -> float:
        refilled = self.level + self.rate * max(0.0, now - self.anchor)
        return min(self.limit, refilled) - spent_since_anchor

    def wait_for(self, cost: float, now: float, spent_since_anchor: float) -> float:
        if not self.known or self.rate <= 0:
            return 0.0
        cost = min(cost, self.limit)  # a request larger than the bucket waits for a full one
        shortfall = cost - self.available(now, spent_since_anchor)
        return 0.0 if shortfall <= 0 else shortfall / self.rate


@dataclass
class LimiterStats:
    admitted: int = 0
    decreases: int = 0
    pauses: int = 0
    peak_in_flight: int = 0


class AdaptiveLimiter:
    """Admission control for one tagging run; create it inside the running event loop."""

    #: a burst of 429s from one overload event halves the window once, not once per request
    DECREASE_SPACING_S = 1.0

    def __init__(self, max_concurrency: int, *, min_concurrency: int = 1,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_concurrency = max(1, max_concurrency)
        self.min_concurrency = max(1, min(min_concurrency, self.max_concurrency))
        # Start at the cap: a short job has too few round trips to ramp up from below.
        self.window = float(self.max_concurrency)
        self.in_flight = 0
        self.paused_until = 0.0
        self.stats = LimiterStats()
        self._clock = clock
        self._cond = asyncio.Condition()
        self._budgets = {"requests": _Budget(), "tokens": _Budget()}
        # Recent sends, for "spent since the reading". Bounded: only sends newer than the
        # oldest reading matter, and those are about the requests in flight.
        self._sent: deque[Ticket] = deque(maxlen=4096)
        self._last_decrease = -math.inf
        self.halted = False

    # ------------------------------------------------------------------ admission
    def halt(self) -> None:
        """Admit nothing more (the job is stopping): waiters stay parked until cancelled."""
        self.halted = True

    async def acquire(self, tokens: int) -> Ticket:
        """Wait until a request of about ``tokens`` may be sent; cancel-safe."""
        async with self._cond:
            while True:
                if self.halted:
                    await self._cond.wait()  # until the run cancels this task
                    continue
                now = self._clock()
                wait = max(self.paused_until - now, self.budget_delay(tokens, now))
                if wait <= 0 and self.in_flight < max(1, int(self.window)):
                    self.in_flight += 1
                    self.stats.admitted += 1
                    self.stats.peak_in_flight = max(self.stats.peak_in_flight, self.in_flight)
                    ticket = Ticket(sent_at=now, tokens=tokens)
                    self._sent.append(ticket)
                    return ticket
                try:
                    await asyncio.wait_for(self._cond.wait(), timeout=wait if wait > 0 else None)
                except asyncio.TimeoutError:
                    pass

    async def release(self, ticket: Ticket) -> None:
        if ticket.released:
            return
        ticket.released = True
        async with self._cond:
            self.in_flight -= 1
            self._cond.notify_all()

    def _spent_since(self, anchor: float) -> tuple[int, int]:
        # Forget sends older than every known reading: none can matter any more.
        oldest_anchor = min(b.anchor for b in self._budgets.values() if b.known)
        while self._sent and self._sent[0].sent_at < oldest_anchor:
            self._sent.popleft()
        requests = tokens = 0
        for ticket in self._sent:
            if ticket.sent_at > anchor:
                requests += 1
                tokens += ticket.tokens
        return requests, tokens

    def budget_delay(self, tokens: int, now: float | None = None) -> float:
        """Seconds until the known budgets allow a request of ``tokens`` (0 = now)."""
        now = self._clock() if now is None else now
        wait = 0.0
        for kind, cost in (("requests", 1), ("tokens", tokens)):
            budget = self._budgets[kind]
            if not budget.known:
                continue
            spent_requests, spent_tokens = self._spent_since(budget.anchor)
            spent = spent_requests if kind == "requests" else spent_tokens
            wait = max(wait, budget.wait_for(cost, now, spent))
        return wait

    # ------------------------------------------------------------------ feedback
    def observe_headers(self, ticket: Ticket, headers: Mapping[str, str] | None) -> dict[str, BudgetReading]:
        readings = parse_budgets(headers)
        for kind, reading in readings.items():
            self._budgets[kind].observe(reading, ticket.sent_at)
        return readings

    def on_success(self, ticket: Ticket, headers: Mapping[str, str] | None) -> None:
        readings = self.observe_headers(ticket, headers)
        low = any(r.limit > 0 and r.remaining < 0.1 * r.limit for r in readings.values())
        if not low:  # additive increase: about +1 per window's worth of successes
            self.window = min(float(self.max_concurrency), self.window + 1.0 / max(self.window, 1.0))
        self._wake()

    def on_rate_limited(self, ticket: Ticket, headers: Mapping[str, str] | None, retry_after: float | None) -> bool:
        """A 429. Returns True when it was a budget exhaustion that now pauses everyone."""
        readings = self.observe_headers(ticket, headers)
        now = self._clock()
        exhausted = any(r.remaining < max(1.0, 0.05 * r.limit) for r in readings.values())
        if exhausted:
            pause = retry_after if retry_after is not None else 1.0
            if now + pause > self.paused_until:
                self.paused_until = now + pause
                self.stats.pauses += 1
        elif not readings:
            # No headers to explain it (a local or proxy server): classic multiplicative decrease.
            self._decrease(now)
            if retry_after is not None:
                self.paused_until = max(self.paused_until, now + retry_after)
        # else: the budget had room, so it was a transient refusal: only that request waits.
        self._wake()
        return exhausted

    def on_overloaded(self) -> None:
        """A timeout or 503: the server is slower than our concurrency assumes."""
        self._decrease(self._clock())
        self._wake()

    def _decrease(self, now: float) -> None:
        if now - self._last_decrease < self.DECREASE_SPACING_S:
            return
        self._last_decrease = now
        self.window = max(float(self.min_concurrency), self.window / 2.0)
        self.stats.decreases += 1

    def _wake(self) -> None:
        # Called from loop callbacks without holding the condition: schedule the notify.
        async def notify() -> None:
            async with self._cond:
                self._cond.notify_all()

        try:
            asyncio.get_running_loop().create_task(notify())
        except RuntimeError:  # no loop (unit tests of the arithmetic)
            pass


@dataclass(slots=True)
class TokenCalibration:
    """Our request-size estimate (characters / 4) corrected by the server's real counts."""

    ratio: float = 1.0
    samples: int = 0

    def observe(self, estimated: int, actual: int) -> None:
        if estimated <= 0 or actual <= 0:
            return
        sample = actual / estimated
        self.samples += 1
        self.ratio = sample if self.samples == 1 else 0.8 * self.ratio + 0.2 * sample

    def correct(self, estimated: int) -> int:
        return int(math.ceil(estimated * self.ratio))
