"""Token prices from the editable ``resources/prices.json`` (never hard-coded: they change)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from ...caches import registered
from ...paths import resource_path

log = logging.getLogger(__name__)

PRICES_FILE = "prices.json"


@dataclass(frozen=True, slots=True)
class Price:
    """USD per 1 million tokens."""

    input: float
    cached_input: float
    output: float

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Price":
        input_price = float(data["input"])
        return cls(input_price, float(data.get("cached_input", input_price)), float(data["output"]))

    def cost(self, input_tokens: int, output_tokens: int, cached_input_tokens: int = 0) -> float:
        cached = min(cached_input_tokens, input_tokens)
        return ((input_tokens - cached) * self.input + cached * self.cached_input
                + output_tokens * self.output) / 1_000_000


FREE = Price(0.0, 0.0, 0.0)
#: Used only when prices.json is missing or unreadable, so a cost is never silently zero.
FALLBACK_DEFAULT = Price(0.40, 0.10, 1.60)


@dataclass(frozen=True, slots=True)
class PriceTable:
    models: Mapping[str, Price]
    default: Price

    def price_for(self, model: str) -> Price:
        """The longest listed prefix of ``model`` wins (dated snapshots share a price)."""
        name = model.lower()
        best = ""
        for listed in self.models:
            if name.startswith(listed.lower()) and len(listed) > len(best):
                best = listed
        return self.models[best] if best else self.default


def load_price_table(path: Path | None = None) -> PriceTable:
    path = path or resource_path(PRICES_FILE)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        models = {name: Price.from_dict(entry) for name, entry in data.get("models", {}).items()}
        default = Price.from_dict(data["default"]) if "default" in data else FALLBACK_DEFAULT
        return PriceTable(models, default)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("price table %s unreadable (%s); using built-in default prices", path, exc)
        return PriceTable({}, FALLBACK_DEFAULT)


@registered("tagging.llm.price_table")
@lru_cache(maxsize=1)
def default_price_table() -> PriceTable:
    return load_price_table()


def price_for(model: str, *, local: bool = False, table: PriceTable | None = None) -> Price:
    """Price of a model; a server on the user's own machine is free."""
    if local:
        return FREE
    return (table or default_price_table()).price_for(model)
