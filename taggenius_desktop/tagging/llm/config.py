"""What an LLM tagging run is configured with: provider, model, endpoint, batching, limits."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from urllib.parse import urlparse

from ..choice import DEFAULT_OPENAI_MODEL, OPENAI_BASE_URL, Provider
from ..presets import Preset

PROVIDER_OPENAI = Provider.OPENAI.value
PROVIDER_COMPATIBLE = Provider.COMPATIBLE.value
PROVIDERS = (PROVIDER_OPENAI, PROVIDER_COMPATIBLE)

#: Local OpenAI-compatible servers: name -> base URL. The settings' local presets (their
#: addresses are theirs), and two more servers only this API names.
PRESETS: dict[str, str] = {
    **{preset.value: preset.address for preset in Preset if preset.has_local_address},
    "llama.cpp": "http://127.0.0.1:8080/v1",
    "vllm": "http://localhost:8000/v1",
}

#: Sent when a local server needs no key. Never fall back to the user's OpenAI key there:
#: that would hand a real secret to whatever listens on that port.
LOCAL_PLACEHOLDER_KEY = "not-needed"

# Cloud: batches of ~20 share the fixed prompt; concurrency, not batch size, turns the
# API's latency into throughput (a 20-track reply takes 10 to 15 s to generate).
CLOUD_BATCH_SIZE, CLOUD_CONCURRENCY = 20, 16
# Local models are small and run one or two requests at a time on the user's machine.
LOCAL_BATCH_SIZE, LOCAL_CONCURRENCY = 5, 2
#: A job's time limit never goes below this (seconds): short jobs on a slow machine are fine.
JOB_DEADLINE_FLOOR = 1800.0


def is_local_url(url: str | None) -> bool:
    """True for loopback / private-network hosts (a server on the user's machine or LAN)."""
    if not url:
        return False
    host = (urlparse(url).hostname or "").lower()
    return (host in ("localhost", "::1", "0.0.0.0") or host.startswith("127.") or host.endswith(".local")
            or host.startswith("192.168.") or host.startswith("10."))


@dataclass(frozen=True, slots=True)
class LLMConfig:
    """One provider + model + endpoint. Unset numbers (None) take the provider's defaults.

    ``api_key`` None means "look it up" (keyring, then ``OPENAI_API_KEY``) for ``openai``,
    and "no key" for ``openai-compatible``.
    """

    provider: str = PROVIDER_OPENAI
    model: str = DEFAULT_OPENAI_MODEL
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)  # never in a repr, log or traceback
    batch_size: int | None = None
    concurrency: int | None = None
    connect_timeout: float = 5.0
    #: read timeout of one request = base + per_track * tracks in it
    request_timeout_base: float | None = None
    request_timeout_per_track: float | None = None
    #: retries of one request after 429 / 5xx / timeout / connection errors
    max_retries: int = 5
    #: extra asks for a track whose reply item was missing or invalid
    max_reasks: int = 2
    #: total seconds one request may take, however its bytes trickle in (None: from the read timeout)
    request_deadline: float | None = None
    #: total seconds the whole job may take (None: from the plan, see job_deadline_for)
    job_deadline: float | None = None

    def __post_init__(self) -> None:
        if self.provider not in PROVIDERS:
            raise ValueError(f"unknown provider {self.provider!r}; expected one of {', '.join(PROVIDERS)}")
        if self.provider == PROVIDER_COMPATIBLE and not self.base_url:
            raise ValueError("an OpenAI-compatible provider needs a base URL")
        if not self.model:
            raise ValueError("a model name is required")

    @classmethod
    def for_preset(cls, preset: str, model: str, **overrides: object) -> "LLMConfig":
        """A local server preset (``ollama``, ``lm-studio``, ``llama.cpp``, ``vllm``)."""
        return cls(provider=PROVIDER_COMPATIBLE, model=model, base_url=PRESETS[preset], **overrides)  # type: ignore[arg-type]

    @property
    def family(self) -> str:
        """Provider family for cache keys: the endpoint's URL is deliberately not part of it."""
        return self.provider

    @property
    def effective_base_url(self) -> str:
        return (self.base_url or OPENAI_BASE_URL).rstrip("/")

    @property
    def is_local(self) -> bool:
        return self.provider == PROVIDER_COMPATIBLE and is_local_url(self.base_url)

    @property
    def effective_batch_size(self) -> int:
        default = LOCAL_BATCH_SIZE if self.is_local else CLOUD_BATCH_SIZE
        return max(1, self.batch_size or default)

    @property
    def effective_concurrency(self) -> int:
        default = LOCAL_CONCURRENCY if self.is_local else CLOUD_CONCURRENCY
        return max(1, self.concurrency or default)

    def read_timeout(self, tracks: int) -> float:
        """Per-request read timeout sized to the batch (local models generate slowly)."""
        base = self.request_timeout_base if self.request_timeout_base is not None else (60.0 if self.is_local else 30.0)
        per = self.request_timeout_per_track if self.request_timeout_per_track is not None else (
            20.0 if self.is_local else 3.0)
        return base + per * tracks

    def request_deadline_for(self, tracks: int) -> float:
        """Total time one request may take, connect to last byte.

        The read timeout restarts with every byte, so a server sending one byte every few
        seconds never trips it; this bound does. A healthy reply arrives whole within the
        read timeout (the wait is the generation), so half as much again is spare.
        """
        if self.request_deadline is not None:
            return self.request_deadline
        return self.connect_timeout + 1.5 * self.read_timeout(tracks)

    def job_deadline_for(self, tracks: int) -> float:
        """Total time a job of ``tracks`` may take before its unfinished tracks fail.

        Three full request deadlines per round of concurrent batches: a job in which every
        request answers (even slowly, or after a retry or two) never reaches it; one whose
        requests keep running into their deadlines does, instead of going on for hours.
        """
        if self.job_deadline is not None:
            return self.job_deadline
        batch = self.effective_batch_size
        rounds = math.ceil(math.ceil(max(1, tracks) / batch) / self.effective_concurrency)
        return JOB_DEADLINE_FLOOR + 3 * rounds * self.request_deadline_for(batch)

    def with_key(self, api_key: str | None) -> "LLMConfig":
        return replace(self, api_key=api_key)
