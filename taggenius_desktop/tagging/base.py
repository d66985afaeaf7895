"""The one interface every tagger implements (offline, OpenAI, OpenAI-compatible).

The job runner owns caching, progress and cancellation bookkeeping; a tagger only turns
tracks into validated profiles. Results are handed over as they arrive (at least once per
batch) so a kill loses at most the requests in flight.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Callable, Sequence

from ..vocabulary.profile import TagProfile, TrackInfo


@dataclass(frozen=True, slots=True)
class TagResult:
    """One track's outcome. Exactly one of ``profile``, ``error`` and ``skipped`` is set;
    ``skipped`` says in plain words why a track was deliberately not tagged ("not music:
    shorter than 30 seconds")."""

    track_id: str
    profile: TagProfile | None = None
    error: str | None = None
    skipped: str | None = None


@dataclass(slots=True)
class Usage:
    """What a run cost: counted from the API's ``usage`` (zero for the offline tagger)."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0
    retries: int = 0
    cost_usd: float = 0.0

    def add(self, other: "Usage") -> None:
        self.requests += other.requests
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.cached_input_tokens += other.cached_input_tokens
        self.retries += other.retries
        self.cost_usd += other.cost_usd


class TaggingStopped(Exception):
    """A job-fatal problem (invalid key, no quota, unknown model, server not running).

    The message is shown to the user as is: plain words, never the API key.
    """


ResultSink = Callable[[list[TagResult]], None]
IsCancelled = Callable[[], bool]


class Tagger(ABC):
    #: short provider name: a ``tagging.choice.Provider`` value
    name: str = ""
    #: True when results are worth caching (LLM calls cost time and money; offline does not)
    uses_cache: bool = False

    @property
    @abstractmethod
    def cache_key(self) -> str:
        """Identity of what produces the tags (tagger, model, prompt version).

        Two runs with the same key may reuse each other's cached results.
        """

    @property
    def model(self) -> str:
        return ""

    def __init__(self) -> None:
        self.usage = Usage()

    @abstractmethod
    def tag(self, tracks: Sequence[TrackInfo], on_results: ResultSink, is_cancelled: IsCancelled) -> None:
        """Tag ``tracks``, calling ``on_results`` as results arrive.

        Every track gets exactly one TagResult unless the run is cancelled (then the
        remaining ones get none) or a :class:`TaggingStopped` is raised.
        ``on_results`` is always called from the thread that called ``tag``.
        """

    def close(self) -> None:  # noqa: B027 - optional hook: the default has nothing to release
        """Release connections and threads."""
