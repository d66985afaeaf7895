""""Test connection" for the settings screen: is the server there, is the key good, is the model known?"""

from __future__ import annotations

from dataclasses import dataclass

import httpx2
import openai

from ..choice import NO_OPENAI_KEY
from .config import LOCAL_PLACEHOLDER_KEY, PROVIDER_OPENAI, LLMConfig
from .errors import Action, classify


@dataclass(frozen=True, slots=True)
class ConnectionCheck:
    ok: bool
    message: str  # plain words, never the key
    models: tuple[str, ...] = ()


def check_connection(config: LLMConfig, timeout: float = 10.0) -> ConnectionCheck:
    """List the server's models (one cheap request; no tokens spent)."""
    api_key = config.api_key or (None if config.provider == PROVIDER_OPENAI else LOCAL_PLACEHOLDER_KEY)
    if not api_key:
        return ConnectionCheck(False, NO_OPENAI_KEY)
    client = openai.OpenAI(api_key=api_key, base_url=config.effective_base_url, max_retries=0,
                           timeout=httpx2.Timeout(timeout, connect=min(timeout, config.connect_timeout)))
    try:
        models = tuple(sorted(model.id for model in client.models.list()))
    except openai.APIConnectionError:
        where = "OpenAI" if config.provider == PROVIDER_OPENAI else f"the server at {config.effective_base_url}"
        hint = "" if config.provider == PROVIDER_OPENAI else " — is it running?"
        return ConnectionCheck(False, f"Could not reach {where}{hint}")
    except openai.OpenAIError as exc:
        verdict = classify(exc, config)
        return ConnectionCheck(False, verdict.reason if verdict.action is Action.STOP else
                               f"The server answered with an error: {verdict.reason}")
    finally:
        client.close()
    if models and config.model not in models:
        return ConnectionCheck(False, f"Connected, but the server does not list the model {config.model}.", models)
    return ConnectionCheck(True, f"Connected; model {config.model} is available.", models)
