"""The LLM tagger: batches of tracks -> concurrent chat-completions requests -> validated profiles.

How a run goes:

* tracks are cut into balanced batches (about ``batch_size``; smaller when that fills
  the concurrency better for a short job);
* each batch is one request, admitted by the :class:`AdaptiveLimiter`, with a total
  deadline however slowly its bytes arrive; transient failures are retried by the one
  :class:`RetryPolicy`; job-fatal ones (bad key, no quota, unknown model, server not
  running) raise :class:`TaggingStopped` at once;
* OpenAI-compatible servers get the best response format they are known to accept
  (:mod:`.formats`), one step lower each time one says the format is unsupported;
* each reply is parsed with bounds and checked item by item; tracks whose item is missing
  or invalid are asked again in a smaller batch a bounded number of times, then reported
  with a plain reason (the rest of the batch, and every other batch, goes on);
* past the job's deadline the requests in flight are abandoned and every unfinished
  track fails with a plain reason (finished ones are already delivered);
* results go to ``on_results`` as each batch finishes, on the thread that called
  :meth:`LLMTagger.tag` (an asyncio loop runs on that thread for the duration).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
from dataclasses import dataclass, field
from typing import Any, Sequence
from urllib.parse import urlparse

import httpx2
import openai

from ...credentials import get_api_key
from ...vocabulary import Vocabulary, load_vocabulary
from ...vocabulary.profile import TrackInfo
from ..choice import NO_OPENAI_KEY
from ..base import IsCancelled, ResultSink, TaggingStopped, Tagger, TagResult
from .config import LOCAL_PLACEHOLDER_KEY, PROVIDER_COMPATIBLE, PROVIDER_OPENAI, LLMConfig
from .errors import Action, Verdict, classify
from .formats import FormatLevel, FormatMemory, response_format_for, shared_memory
from .limiter import AdaptiveLimiter, TokenCalibration
from .pricing import Price, price_for
from .prompt import PROMPT_VERSION, BatchMessage, messages, system_prompt, user_message
from .reply import parse_reply
from .retry import RetryPolicy
from .schema import response_format
from .transport import BadReply, ClosedMidReply, Completion, DeadlineExceeded, send

log = logging.getLogger(__name__)

#: Expected output tokens per track (a strict-schema item is ~45-60 tokens): used to size
#: the token budget a request is admitted against, before the server reports real counts.
OUTPUT_TOKENS_PER_TRACK = 60
#: Cap on generated tokens per track for servers where a runaway reply is possible.
MAX_OUTPUT_TOKENS_PER_TRACK = 150
#: How often a pending job checks is_cancelled (seconds).
CANCEL_POLL_S = 0.1
_REASONING_MODEL = re.compile(r"^(o\d|gpt-5)", re.IGNORECASE)


def plan_batches(count: int, batch_size: int, concurrency: int) -> list[int]:
    """Sizes of the batches for ``count`` tracks, as even as possible.

    A short job gets smaller batches when that lets every concurrent slot work in each
    round (500 tracks at 16 x 20 would be 25 requests: two rounds, the second half idle);
    batches never shrink below a quarter of ``batch_size`` (the fixed prompt must stay
    shared by enough tracks to stay cheap).
    """
    if count <= 0:
        return []
    batch_size = max(1, batch_size)
    minimum = max(1, batch_size // 4)
    needed = math.ceil(count / batch_size)
    rounds = math.ceil(needed / max(1, concurrency))
    batches = max(needed, min(math.ceil(count / minimum), rounds * max(1, concurrency)))
    base, extra = divmod(count, batches)
    return [base + (1 if index < extra else 0) for index in range(batches)]


@dataclass(slots=True)
class _Work:
    """Tracks to send in one request; ``asks`` = how many replies already failed them."""

    tracks: list[TrackInfo]
    asks: int = 0


@dataclass(slots=True)
class _Outcome:
    results: list[TagResult] = field(default_factory=list)
    follow_up: list[_Work] = field(default_factory=list)


def _halves(tracks: list[TrackInfo]) -> list[list[TrackInfo]]:
    middle = (len(tracks) + 1) // 2
    return [part for part in (tracks[:middle], tracks[middle:]) if part]


class LLMTagger(Tagger):
    """OpenAI or an OpenAI-compatible server behind the :class:`Tagger` interface."""

    uses_cache = True

    def __init__(self, config: LLMConfig, vocab: Vocabulary | None = None,
                 retry_policy: RetryPolicy | None = None, formats: FormatMemory | None = None) -> None:
        super().__init__()
        self.config = config
        self.vocab = vocab or load_vocabulary()
        self.name = config.provider
        self.retry_policy = retry_policy or RetryPolicy(max_retries=config.max_retries)
        self._price: Price = price_for(config.model, local=config.is_local)
        self._source = f"llm:{config.model}"
        # OpenAI shows the strict schema to the model; other servers may ignore it.
        self._list_values = config.provider != PROVIDER_OPENAI
        self._system = system_prompt(self.vocab, self._list_values)
        # OpenAI always takes the strict schema; other servers start at what they are known to take.
        self._formats = None if config.provider == PROVIDER_OPENAI else (formats or shared_memory())
        self._level = (FormatLevel.JSON_SCHEMA if self._formats is None
                       else self._formats.level(config.effective_base_url, config.model))
        self._response_format = response_format(self.vocab)
        shared_chars = len(self._system) + len(json.dumps(self._response_format, separators=(",", ":")))
        self._shared_tokens_estimate = math.ceil(shared_chars / 4)
        self._calibration = TokenCalibration()
        self._ever_answered = False
        #: limiter of the last run (benchmarks read its stats)
        self.last_limiter: AdaptiveLimiter | None = None

    # ------------------------------------------------------------------ Tagger interface
    @property
    def cache_key(self) -> str:
        return cache_key_for(self.config, self.vocab)

    @property
    def model(self) -> str:
        return self.config.model

    def tag(self, tracks: Sequence[TrackInfo], on_results: ResultSink, is_cancelled: IsCancelled) -> None:
        """Runs an asyncio loop on the calling thread until done, cancelled or stopped.

        Call it from a plain thread or process (a worker), not from inside a running loop.
        ``is_cancelled`` is polled about every 0.1 s; on True the requests in flight are
        abandoned and tag() returns.
        """
        if not tracks:
            return
        asyncio.run(self._run(list(tracks), on_results, is_cancelled))

    # ------------------------------------------------------------------ the run
    def _client(self) -> openai.AsyncOpenAI:
        api_key = self.config.api_key or (LOCAL_PLACEHOLDER_KEY if self.config.provider == PROVIDER_COMPATIBLE
                                          else None)
        if not api_key:
            raise TaggingStopped(f"{NO_OPENAI_KEY} Add one in Settings (or set OPENAI_API_KEY).")
        return openai.AsyncOpenAI(
            api_key=api_key,
            base_url=self.config.effective_base_url,
            max_retries=0,  # our RetryPolicy is the only one: retries must not multiply
            timeout=httpx2.Timeout(self.config.read_timeout(self.config.effective_batch_size),
                                   connect=self.config.connect_timeout),
        )

    async def _run(self, tracks: list[TrackInfo], on_results: ResultSink, is_cancelled: IsCancelled) -> None:
        client = self._client()
        limiter = AdaptiveLimiter(self.config.effective_concurrency)
        self.last_limiter = limiter
        queue: list[_Work] = []
        start = 0
        for size in plan_batches(len(tracks), self.config.effective_batch_size, self.config.effective_concurrency):
            queue.append(_Work(tracks[start:start + size]))
            start += size
        queue.reverse()  # pop() from the end keeps library order
        # A few more tasks than slots, so a task sleeping out a backoff does not idle a slot.
        max_tasks = limiter.max_concurrency + 2
        tasks: set[asyncio.Task[_Outcome]] = set()
        unfinished = {t.track_id for t in tracks}
        loop = asyncio.get_running_loop()
        job_deadline = self.config.job_deadline_for(len(tracks))
        ends = loop.time() + job_deadline
        try:
            while queue or tasks:
                if is_cancelled():
                    return
                if loop.time() >= ends:
                    on_results([TagResult(t.track_id, error=self._past_deadline(job_deadline))
                                for t in tracks if t.track_id in unfinished])
                    return
                while queue and len(tasks) < max_tasks:
                    tasks.add(asyncio.create_task(self._process(queue.pop(), client, limiter)))
                done, tasks = await asyncio.wait(tasks, timeout=CANCEL_POLL_S, return_when=asyncio.FIRST_COMPLETED)
                stopped: BaseException | None = None
                for task in done:
                    error = task.exception()
                    if error is not None:
                        limiter.halt()
                        stopped = stopped or error
                        continue
                    outcome = task.result()
                    if outcome.results:
                        unfinished.difference_update(r.track_id for r in outcome.results)
                        on_results(outcome.results)
                    queue.extend(reversed(outcome.follow_up))  # re-asks go next
                if stopped is not None:
                    raise stopped
        finally:
            for task in tasks:
                task.cancel()  # abandon requests in flight (a cancelled job, or a stop)
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
            await client.close()

    def _request_args(self, batch: BatchMessage, tracks: int, level: FormatLevel) -> dict[str, Any]:
        args: dict[str, Any] = {
            "model": self.config.model,
            "messages": messages(self.vocab, self._list_values, batch),
            "timeout": httpx2.Timeout(self.config.read_timeout(tracks), connect=self.config.connect_timeout),
        }
        fmt = response_format_for(level, self.vocab)
        if fmt is not None:
            args["response_format"] = fmt
        if not _REASONING_MODEL.match(self.config.model):
            args["temperature"] = 0  # the same track should get the same tags
        if self.config.provider != PROVIDER_OPENAI:
            # Small local models can loop; OpenAI charges max_tokens against the TPM limit,
            # and strict schemas end its replies, so it gets no cap.
            args["max_tokens"] = MAX_OUTPUT_TOKENS_PER_TRACK * tracks + 100
        return args

    def _step_down(self, refused: FormatLevel) -> FormatLevel | None:
        """The format to resend with after ``refused`` was refused; None for OpenAI, or when
        even a request without any response format was refused."""
        if self._formats is None:
            return None
        lower = self._formats.step_down(self.config.effective_base_url, self.config.model, refused)
        if lower is not None:
            self._level = max(self._level, lower)
        return lower

    def _raw_token_estimate(self, batch: BatchMessage, tracks: int) -> int:
        """Prompt (characters / 4) plus the expected reply; calibrated by real counts later."""
        return self._shared_tokens_estimate + math.ceil(len(batch.content) / 4) + OUTPUT_TOKENS_PER_TRACK * tracks

    async def _process(self, work: _Work, client: openai.AsyncOpenAI, limiter: AdaptiveLimiter) -> _Outcome:
        batch = user_message(work.tracks)
        estimate = self._raw_token_estimate(batch, len(work.tracks))
        deadline = self.config.request_deadline_for(len(work.tracks))
        retries = 0
        while True:
            ticket = await limiter.acquire(self._calibration.correct(estimate))
            level = self._level  # read once admitted: a refusal seen meanwhile is not repeated
            args = self._request_args(batch, len(work.tracks), level)
            try:
                self.usage.requests += 1
                completion = await send(client, args, tracks=len(work.tracks), deadline=deadline)
            except BadReply as bad:
                limiter.on_success(ticket, {})  # the server answered; what it said is the problem
                await limiter.release(ticket)
                reason = f"{self._where()} {bad.reason}"
                return self._reask(work, {t.track_id: reason for t in work.tracks})
            except (openai.OpenAIError, httpx2.HTTPError, ValueError, OSError, DeadlineExceeded, ClosedMidReply) as exc:
                verdict = classify(exc, self.config)
                if verdict.rate_limited and self.retry_policy.too_long(verdict.retry_after):
                    minutes = math.ceil((verdict.retry_after or 0) / 60)
                    verdict = Verdict(Action.STOP, f"{self._where()} asks to wait {minutes} minutes before the next "
                                      "request (a daily limit, most likely). Resume the job later.")
                # Feedback before the slot is freed, so no waiter slips out ahead of a pause or a stop.
                if verdict.action is Action.STOP:
                    limiter.halt()
                elif verdict.rate_limited:
                    limiter.on_rate_limited(ticket, verdict.headers, verdict.retry_after)
                elif verdict.overloaded:
                    limiter.on_overloaded()
                await limiter.release(ticket)
                log.info("request of %d tracks failed: %s", len(work.tracks), verdict.reason)
                if verdict.action is Action.STOP:
                    raise TaggingStopped(verdict.reason) from None
                if verdict.action is Action.SPLIT:
                    return self._split(work, "the track's data was too long for the model's context window")
                if verdict.format_rejected and self._step_down(level) is not None:
                    continue  # resent with the lower format: a refusal is not a fault to retry
                if verdict.action is Action.FAIL:
                    return self._fail(work.tracks, verdict.reason)
                await self._check_reachable(verdict)
                if not self.retry_policy.can_retry(retries):
                    return self._give_up(work, verdict, retries)
                delay = self.retry_policy.delay(retries, verdict.retry_after)
                retries += 1
                self.usage.retries += 1
                await asyncio.sleep(delay)
                continue
            limiter.on_success(ticket, completion.headers)
            await limiter.release(ticket)
            self._ever_answered = True
            return self._read_completion(work, batch, completion, estimate)

    # ------------------------------------------------------------------ outcomes
    def _account(self, completion: Completion, estimate: int) -> None:
        if not completion.usage:
            return
        prompt = completion.usage.get("prompt_tokens", 0)
        output = completion.usage.get("completion_tokens", 0)
        cached = min(prompt, completion.usage.get("cached_tokens", 0))
        self.usage.input_tokens += prompt
        self.usage.output_tokens += output
        self.usage.cached_input_tokens += cached
        self.usage.cost_usd += self._price.cost(prompt, output, cached)
        self._calibration.observe(estimate, prompt + output)

    def _read_completion(self, work: _Work, batch: BatchMessage, completion: Completion, estimate: int) -> _Outcome:
        self._account(completion, estimate)
        if completion.finish_reason == "length":
            return self._split(work, "the model's reply was cut off (too long)")
        if completion.refusal:
            return self._reask(work, {t.track_id: "the model declined to tag this track" for t in work.tracks})
        parsed = parse_reply(completion.content, batch.tracks_by_local_id, self.vocab, self._source)
        if parsed.unknown_ids:
            log.info("reply named %d ids that were not asked for; ignored", len(parsed.unknown_ids))
        outcome = _Outcome([TagResult(batch.tracks_by_local_id[i].track_id, profile=p)
                            for i, p in parsed.profiles.items()])
        if parsed.problems:
            problems = {batch.tracks_by_local_id[i].track_id: reason for i, reason in parsed.problems.items()}
            again = self._reask(work, problems)
            outcome.results.extend(again.results)
            outcome.follow_up.extend(again.follow_up)
        return outcome

    def _reask(self, work: _Work, problems: dict[str, str]) -> _Outcome:
        """Ask again for the tracks with problems, or report them once the asks run out."""
        failed = [t for t in work.tracks if t.track_id in problems]
        if work.asks >= self.config.max_reasks:
            return _Outcome([TagResult(t.track_id, error=f"No valid tags after {work.asks + 1} tries: "
                                       f"{problems[t.track_id]}.") for t in failed])
        # A smaller batch is likelier to come back whole: small local models often answer
        # only the first track or two of a batch, whatever its size.
        groups = _halves(failed) if len(failed) > 1 else [failed]
        return _Outcome(follow_up=[_Work(group, work.asks + 1) for group in groups])

    def _split(self, work: _Work, single_reason: str) -> _Outcome:
        if len(work.tracks) == 1:
            return self._fail(work.tracks, single_reason[0].upper() + single_reason[1:] + ".")
        return _Outcome(follow_up=[_Work(half, work.asks) for half in _halves(work.tracks)])

    @staticmethod
    def _fail(tracks: list[TrackInfo], reason: str) -> _Outcome:
        return _Outcome([TagResult(t.track_id, error=reason) for t in tracks])

    def _give_up(self, work: _Work, verdict: Verdict, retries: int) -> _Outcome:
        if verdict.connection and not self._ever_answered:
            raise TaggingStopped(f"Could not reach {self._where()}. Check the network connection "
                                 "(or proxy/firewall), then resume the job.")
        return self._fail(work.tracks, f"Gave up after {retries + 1} attempts: {verdict.reason}.")

    def _past_deadline(self, seconds: float) -> str:
        limit = f"{seconds:g} s" if seconds < 120 else f"{math.ceil(seconds / 60)} min"
        return (f"The job ran past its time limit ({limit}): {self._where()} answered too slowly. The tracks "
                "tagged so far are kept; tag again to try the rest (they come from the cache).")

    def _where(self) -> str:
        return "OpenAI" if self.config.provider == PROVIDER_OPENAI else f"the server at {self.config.effective_base_url}"

    async def _check_reachable(self, verdict: Verdict) -> None:
        """A local server that refuses connections is simply not running: say so at once."""
        if not verdict.connection or self._ever_answered or not self.config.is_local:
            return
        parsed = urlparse(self.config.effective_base_url)
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(parsed.hostname, port), timeout=2.0)
            writer.close()
        except (OSError, asyncio.TimeoutError):
            raise TaggingStopped(f"Could not reach the server at {self.config.effective_base_url} — is it "
                                 "running?") from None


def cache_key_for(config: LLMConfig, vocab: Vocabulary | None = None) -> str:
    """Identity of what produces the tags: provider family, model, prompt and vocabulary
    versions. The endpoint URL is deliberately not part of it (the same model behind a
    proxy gives the same tags), and no key is needed to compute it."""
    vocab = vocab or load_vocabulary()
    return f"{config.family}:{config.model}:{PROMPT_VERSION}:{vocab.version}"


def make_tagger(config: LLMConfig, vocab: Vocabulary | None = None) -> LLMTagger:
    """The tagger for ``config``; an OpenAI config without a key gets the stored one.

    Raises TaggingStopped when OpenAI is chosen and no key is available anywhere.
    """
    if config.provider == PROVIDER_OPENAI and not config.api_key:
        key = get_api_key()
        if not key:
            raise TaggingStopped(f"{NO_OPENAI_KEY} Add one in Settings (or set OPENAI_API_KEY).")
        config = config.with_key(key)
    return LLMTagger(config, vocab)
