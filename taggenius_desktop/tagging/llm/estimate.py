"""Cost and time of a run before it starts (``taggenius tag --estimate``, the GUI's preview).

Token counts use the real prompt and schema of this vocabulary and, when the tracks are
given, their real payloads; otherwise a per-track average measured on the shared
rekordbox fixtures. Time is the slowest of three bounds: latency over the concurrency,
the tokens-per-minute limit and the requests-per-minute limit.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Sequence

from ...vocabulary import Vocabulary, load_vocabulary
from ...vocabulary.profile import TrackInfo
from .config import PROVIDER_OPENAI, LLMConfig
from .pricing import price_for
from .prompt import system_prompt, track_payload
from .schema import response_format
from .tagger import OUTPUT_TOKENS_PER_TRACK, plan_batches

#: Average tokens of one track's JSON (characters / 4), measured over the 12,885 tracks
#: of the shared rekordbox fixtures: 34.2.
INPUT_TOKENS_PER_TRACK = 35
#: Chat overhead per request (roles, message framing) on top of the text.
REQUEST_OVERHEAD_TOKENS = 10
#: OpenAI caches identical prompt prefixes of 1,024+ tokens, in 128-token steps.
CACHE_MIN_TOKENS, CACHE_STEP = 1024, 128

#: The lowest paid OpenAI tier on the mini models (requests, tokens per minute).
DEFAULT_OPENAI_LIMITS = (500, 200_000)
#: Latency model: seconds per request plus seconds per track (output generation).
CLOUD_LATENCY = (1.0, 0.6)
LOCAL_LATENCY = (2.0, 2.5)


@dataclass(frozen=True, slots=True)
class Estimate:
    tracks: int
    requests: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    seconds: float
    cached_input_tokens: int = 0

    @property
    def input_tokens_per_track(self) -> float:
        return self.input_tokens / self.tracks if self.tracks else 0.0


def shared_prompt_tokens(config: LLMConfig, vocab: Vocabulary) -> int:
    """Tokens every request repeats: the system prompt and the schema."""
    text = system_prompt(vocab, config.provider != PROVIDER_OPENAI)
    schema = json.dumps(response_format(vocab), separators=(",", ":"))
    return math.ceil((len(text) + len(schema)) / 4) + REQUEST_OVERHEAD_TOKENS


def estimate(tracks: int | Sequence[TrackInfo], config: LLMConfig, *, vocab: Vocabulary | None = None,
             limits: tuple[int, int] | None = None) -> Estimate:
    """What tagging ``tracks`` (a count, or the tracks themselves) would cost and take.

    ``limits`` = (requests, tokens) per minute; OpenAI defaults to the lowest paid tier,
    other servers to none.
    """
    vocab = vocab or load_vocabulary()
    if isinstance(tracks, int):
        count = max(0, tracks)
        track_tokens = count * INPUT_TOKENS_PER_TRACK
    else:
        count = len(tracks)
        track_tokens = sum(math.ceil(len(json.dumps(track_payload(str(i % 20 + 1), t), ensure_ascii=False,
                                                    separators=(",", ":"))) / 4) for i, t in enumerate(tracks))
    if count == 0:
        return Estimate(0, 0, 0, 0, 0.0, 0.0)
    sizes = plan_batches(count, config.effective_batch_size, config.effective_concurrency)
    requests = len(sizes)
    shared = shared_prompt_tokens(config, vocab)
    input_tokens = requests * shared + track_tokens
    output_tokens = count * OUTPUT_TOKENS_PER_TRACK
    cached = 0
    if config.provider == PROVIDER_OPENAI and shared >= CACHE_MIN_TOKENS:
        cached = (requests - 1) * (shared // CACHE_STEP) * CACHE_STEP
    cost = price_for(config.model, local=config.is_local).cost(input_tokens, output_tokens, cached)

    per_request, per_track = LOCAL_LATENCY if config.is_local else CLOUD_LATENCY
    largest = max(sizes)
    concurrency = 1 if config.is_local else config.effective_concurrency  # one GPU answers one at a time
    seconds = math.ceil(requests / concurrency) * (per_request + per_track * largest)
    if limits is None and config.provider == PROVIDER_OPENAI:
        limits = DEFAULT_OPENAI_LIMITS
    if limits:
        rpm, tpm = limits
        # Buckets start full: only what exceeds one minute's allowance has to wait for refill.
        seconds = max(seconds, (requests - rpm) / rpm * 60, (input_tokens + output_tokens - tpm) / tpm * 60)
    return Estimate(count, requests, input_tokens, output_tokens, round(cost, 6), round(seconds, 1), cached)
