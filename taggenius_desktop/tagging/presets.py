"""What the user picks as the tagger: the offline tagger or one of the AI server presets.

The one table of presets (Qt-free). The settings file saves a preset by its value
(``offline``, ``openai``, ``ollama``, ``lm-studio``, ``custom``); each row says which job
provider it means (a :class:`~taggenius_desktop.tagging.choice.Provider`), the server's
address, its labels and help, the model it suggests first and the others it offers, and
whether the user must type the address. The job panel, the settings dialog, the settings
and the LLM configuration all ask :class:`Preset`; nothing else spells or compares a
preset's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .choice import DEFAULT_OPENAI_MODEL, OPENAI_BASE_URL, LookupByName, Provider


class Preset(LookupByName, StrEnum):
    OFFLINE = "offline"
    OPENAI = "openai"
    OLLAMA = "ollama"
    LM_STUDIO = "lm-studio"
    #: any OpenAI-compatible server at an address the user types
    CUSTOM = "custom"

    @property
    def provider(self) -> Provider:
        """The provider a job spec takes for this preset."""
        return _ROWS[self].provider

    @property
    def is_llm(self) -> bool:
        return self.provider.is_llm

    @property
    def label(self) -> str:
        """In the job panel's tagger menu."""
        return _ROWS[self].label

    @property
    def server_label(self) -> str:
        """In the settings' "AI server" menu (AI presets only)."""
        return _ROWS[self].server_label or _ROWS[self].label

    @property
    def note(self) -> str:
        """One line under the job panel's tagger menu: what this choice means."""
        return _ROWS[self].note

    @property
    def address(self) -> str:
        """The server's own address ("" when the user types it, or there is no server)."""
        return _ROWS[self].address

    @property
    def needs_address(self) -> bool:
        """The user must type the server's address (a custom server)."""
        return self.is_llm and not self.address

    @property
    def default_model(self) -> str:
        """The model filled in when this preset is chosen ("" when the server decides)."""
        return _ROWS[self].models[0] if _ROWS[self].models else ""

    @property
    def models(self) -> tuple[str, ...]:
        """Models offered for this preset, the default first."""
        return _ROWS[self].models

    @property
    def has_local_address(self) -> bool:
        """An OpenAI-compatible server with a known address on this computer."""
        return self.provider is Provider.COMPATIBLE and bool(self.address)

    def base_url(self, typed: str = "") -> str | None:
        """The base URL a job of this preset sends to: the address the user ``typed`` for a
        custom server, the preset's own for a local one, None for OpenAI (the client's
        default) and for the offline tagger."""
        if self.needs_address:
            return typed.strip() or None
        return self.address if self.has_local_address else None


@dataclass(frozen=True, slots=True)
class _Row:
    provider: Provider
    label: str
    note: str
    address: str = ""
    #: the default first
    models: tuple[str, ...] = ()
    #: when the settings' "AI server" menu says it differently
    server_label: str = ""


_ROWS: dict[Preset, _Row] = {
    Preset.OFFLINE: _Row(
        Provider.OFFLINE, "Offline (free, no internet)",
        "Tags from the metadata you already have (genre, BPM, key, Mixed In Key energy). Free, instant, private."),
    Preset.OPENAI: _Row(
        Provider.OPENAI, "OpenAI",
        "Best tags. Needs an OpenAI API key (Settings). The estimate shows the cost first.",
        OPENAI_BASE_URL, (DEFAULT_OPENAI_MODEL, "gpt-4.1-mini", "gpt-4.1-nano", "gpt-5-mini", "gpt-5-nano")),
    Preset.OLLAMA: _Row(
        Provider.COMPATIBLE, "Ollama (local)", "A model running on this computer with Ollama. Free, slower.",
        "http://localhost:11434/v1", ("llama3.1:8b", "qwen2.5:7b", "mistral-nemo")),
    Preset.LM_STUDIO: _Row(
        Provider.COMPATIBLE, "LM Studio (local)",
        "A model running on this computer in LM Studio. Free, slower. Use the model name LM Studio shows.",
        "http://localhost:1234/v1"),
    Preset.CUSTOM: _Row(
        Provider.COMPATIBLE, "Custom server (OpenAI-compatible)",
        "Any OpenAI-compatible server; set its address in Settings.",
        server_label="Custom URL (OpenAI-compatible)"),
}

#: The AI server presets, in the order the settings offer them.
AI_PRESETS: tuple[Preset, ...] = tuple(p for p in Preset if p.is_llm)
#: Every preset's default model (a model field holding one of these follows the preset).
DEFAULT_MODELS: frozenset[str] = frozenset(p.default_model for p in Preset)
