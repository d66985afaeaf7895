"""LLM tagging (OpenAI and OpenAI-compatible servers), Qt-free.

    config = LLMConfig(model="gpt-4o-mini")            # or LLMConfig.for_preset("ollama", "llama3.1:8b")
    tagger = make_tagger(config)                       # key from the keyring / OPENAI_API_KEY
    tagger.tag(tracks, on_results, is_cancelled)       # TagResults per batch, usage in tagger.usage
    estimate(len(tracks), config)                      # Estimate(tracks, requests, tokens, cost_usd, seconds)
"""

from .config import (
    PRESETS,
    PROVIDER_COMPATIBLE,
    PROVIDER_OPENAI,
    PROVIDERS,
    LLMConfig,
    is_local_url,
)
from .connection import ConnectionCheck, check_connection
from .estimate import Estimate, estimate
from .pricing import Price, PriceTable, load_price_table, price_for
from .prompt import PROMPT_VERSION
from .tagger import LLMTagger, cache_key_for, make_tagger, plan_batches

__all__ = [
    "PRESETS",
    "PROMPT_VERSION",
    "PROVIDERS",
    "PROVIDER_COMPATIBLE",
    "PROVIDER_OPENAI",
    "ConnectionCheck",
    "Estimate",
    "LLMConfig",
    "LLMTagger",
    "Price",
    "PriceTable",
    "cache_key_for",
    "check_connection",
    "estimate",
    "is_local_url",
    "load_price_table",
    "make_tagger",
    "plan_batches",
    "price_for",
]
