"""The strict JSON schema of a reply: the controlled vocabulary as enums.

Strict structured outputs: every property required, ``additionalProperties: false``,
optional values nullable. The enums are how the vocabulary is enforced by servers that
honour the schema; every reply is still validated locally (many local servers do not).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ...caches import registered
from ...vocabulary import Vocabulary
from ...vocabulary.profile import ENERGY_MAX, ENERGY_MIN, MAX_VALUES_PER_CATEGORY, Confidence

SCHEMA_NAME = "track_tags"
#: The model's per-track confidence words -> ours. An LLM's answer is never "high" (that
#: is for the DJ's own tags and measurements); "guess" is not written by default.
LLM_CONFIDENCE = {"sure": Confidence.MEDIUM.value, "unsure": Confidence.LOW.value, "guess": Confidence.GUESS.value}


def llm_confidence(value: object) -> object:
    """Our confidence level for the model's word; anything else is left for validation to refuse."""
    return LLM_CONFIDENCE.get(value.strip().lower(), value) if isinstance(value, str) else value


def sub_genre_names(vocab: Vocabulary) -> list[str]:
    """Canonical genres a sub-genre may be: any depth, never a vague bucket (Electronic...)."""
    return [name for name in vocab.genres.names if not vocab.genres.is_vague(name)]


def _enum_list(values: list[str] | tuple[str, ...]) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string", "enum": list(values)}, "maxItems": MAX_VALUES_PER_CATEGORY}


@registered("tagging.llm.response_format")
@lru_cache(maxsize=8)
def response_format(vocab: Vocabulary) -> dict[str, Any]:
    """The ``response_format`` argument; identical bytes for every request of a vocabulary.

    Cached per vocabulary (keyed by identity: vocabularies are loaded once and immutable).
    """
    item = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "primary_genre": {"type": "string", "enum": list(vocab.primary_genres)},
            "sub_genres": _enum_list(sub_genre_names(vocab)),
            "energy": {"type": "integer", "minimum": ENERGY_MIN, "maximum": ENERGY_MAX},
            "vibes": _enum_list(vocab.vibes),
            "situations": _enum_list(vocab.situations),
            "components": _enum_list(vocab.components),
            "era": {"anyOf": [{"type": "string", "enum": list(vocab.eras)}, {"type": "null"}]},
            "confidence": {"type": "string", "enum": list(LLM_CONFIDENCE)},
        },
        "required": ["id", "primary_genre", "sub_genres", "energy", "vibes", "situations", "components", "era",
                     "confidence"],
        "additionalProperties": False,
    }
    schema = {
        "type": "object",
        "properties": {"tracks": {"type": "array", "items": item}},
        "required": ["tracks"],
        "additionalProperties": False,
    }
    return {"type": "json_schema", "json_schema": {"name": SCHEMA_NAME, "strict": True, "schema": schema}}
