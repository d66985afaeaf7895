"""Which tagger a job uses: the one place provider names are spelled and compared.

A :class:`TaggerChoice` is built from a job's provider settings and answers everything
the rest of the app needs to know about that choice: how to make the tagger, its tag-cache
key (None for the offline tagger, whose answers are cheaper to recompute than to look up),
and whether running it costs money. Nothing else compares provider strings (what the
user picks, the offline tagger or an AI server preset, is ``tagging.presets.Preset``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:  # the LLM stack is imported only when an LLM provider is used
    from .llm import LLMConfig
    from ..vocabulary import Vocabulary
    from .base import Tagger


_E = TypeVar("_E", bound="LookupByName")


class LookupByName:
    """``named(value)``: the member with that value, or None for anything else (a name this
    version does not know, a job that uses no tagger). Shared by the str-enums of names."""

    @classmethod
    def named(cls: type[_E], value: object) -> _E | None:
        if isinstance(value, str):
            try:
                return cls(value)  # type: ignore[call-arg]
            except ValueError:
                pass
        return None


class Provider(LookupByName, StrEnum):
    OFFLINE = "offline"
    OPENAI = "openai"
    #: any server speaking OpenAI's API at a base URL the user chose (Ollama, LM Studio...)
    COMPATIBLE = "openai-compatible"

    @classmethod
    def parse(cls, value: str) -> "Provider":
        """The provider named ``value``; ValueError with a one-line message otherwise."""
        try:
            return cls(value)
        except ValueError:
            raise ValueError(f"unknown provider {value!r}; choose one of {', '.join(PROVIDER_NAMES)}") from None

    @property
    def is_llm(self) -> bool:
        return self is not Provider.OFFLINE

    @property
    def costs_money(self) -> bool:
        """OpenAI bills per token; the offline tagger and servers the user runs are free."""
        return self is Provider.OPENAI

    @property
    def uses_cache(self) -> bool:
        """LLM answers cost time (and money) to get again; offline ones are computed in microseconds."""
        return self.is_llm

    @property
    def label(self) -> str:
        """The provider in a job's name and output file: ``Offline``, ``OpenAI``, ``Local server``."""
        return _LABELS[self]


_LABELS = {Provider.OFFLINE: "Offline", Provider.OPENAI: "OpenAI", Provider.COMPATIBLE: "Local server"}

#: The model an OpenAI job uses when none is named, and OpenAI's API address.
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
OPENAI_BASE_URL = "https://api.openai.com/v1"

#: Every provider's name, in the order the CLI and the GUI offer them.
PROVIDER_NAMES: tuple[str, ...] = tuple(p.value for p in Provider)

#: Said whenever OpenAI is chosen and no key is stored or set; each place adds its own hint.
NO_OPENAI_KEY = "No OpenAI API key is set."


class ProviderFields(Protocol):
    """What a choice is built from (``jobs.specs.ProviderSettings`` has these fields)."""

    @property
    def provider(self) -> str: ...
    @property
    def model(self) -> str: ...
    @property
    def base_url(self) -> str | None: ...
    @property
    def api_key(self) -> str | None: ...
    @property
    def batch_size(self) -> int | None: ...
    @property
    def concurrency(self) -> int | None: ...


@dataclass(frozen=True)
class TaggerChoice:
    provider: Provider = Provider.OFFLINE
    model: str = ""
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False, compare=False)  # never in a repr or log
    batch_size: int | None = None
    concurrency: int | None = None

    @classmethod
    def of(cls, settings: ProviderFields) -> "TaggerChoice":
        """Raises ValueError (one line) for an unknown provider name."""
        return cls(Provider.parse(settings.provider), settings.model, settings.base_url, settings.api_key,
                   settings.batch_size, settings.concurrency)

    @property
    def is_offline(self) -> bool:
        return self.provider is Provider.OFFLINE

    @property
    def uses_cache(self) -> bool:
        return self.provider.uses_cache

    @property
    def costs_money(self) -> bool:
        return self.provider.costs_money

    def llm_config(self) -> "LLMConfig":
        """The LLM configuration of an LLM choice; ValueError when it cannot run (no URL...)."""
        from .llm.config import LLMConfig

        if self.is_offline:
            raise ValueError("the offline tagger has no LLM configuration")
        return LLMConfig(provider=self.provider.value, model=self.model or DEFAULT_OPENAI_MODEL, base_url=self.base_url,
                         api_key=self.api_key, batch_size=self.batch_size, concurrency=self.concurrency)

    def cache_key(self, vocab: "Vocabulary | None" = None) -> str | None:
        """The tag-cache partition of this choice, or None when it is not cached."""
        if not self.uses_cache:
            return None
        from .llm import cache_key_for

        return cache_key_for(self.llm_config(), vocab)

    def make_tagger(self, vocab: "Vocabulary | None" = None) -> "Tagger":
        """The tagger; raises ValueError for a configuration that cannot run and
        ``TaggingStopped`` when OpenAI is chosen and no key is available anywhere."""
        if self.is_offline:
            from .offline import OfflineTagger

            return OfflineTagger(vocab)
        from .llm import make_tagger

        return make_tagger(self.llm_config(), vocab)
