"""What to do about each failure of a request, in one table, with messages safe to show.

openai's exception texts embed the response body, and a 401 body echoes part of the
key: nothing from an exception reaches a user, a log or a result without :func:`redact`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import openai

from ...credentials import redact
from .config import PROVIDER_OPENAI, LLMConfig
from .limiter import parse_retry_after


class Action(Enum):
    STOP = "stop"  # job-fatal: raise TaggingStopped
    RETRY = "retry"  # transient: same request again after a backoff
    SPLIT = "split"  # too big for the model: halve the batch
    FAIL = "fail"  # this request can never succeed as is: fail its tracks with a reason


@dataclass(frozen=True, slots=True)
class Verdict:
    action: Action
    reason: str  # plain words, never the key
    retry_after: float | None = None
    rate_limited: bool = False
    overloaded: bool = False
    connection: bool = False
    #: the server refused the structured-output format itself (some local servers do)
    format_rejected: bool = False
    headers: dict[str, str] | None = None


_CONTEXT_HINTS = ("context_length", "context length", "maximum context", "too many tokens", "reduce the length",
                  "prompt is too long", "exceeds the context")


def safe_detail(exc: BaseException, key: str | None, limit: int = 200) -> str:
    """The server's own message, redacted and shortened."""
    message = getattr(exc, "body", None)
    if isinstance(message, dict) and isinstance(message.get("message"), str):
        text = message["message"]
    else:
        text = getattr(exc, "message", None) or str(exc)
    text = " ".join(redact(str(text), key).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _where(config: LLMConfig) -> str:
    return "OpenAI" if config.provider == PROVIDER_OPENAI else f"the server at {config.effective_base_url}"


def classify(exc: BaseException, config: LLMConfig) -> Verdict:
    """Map an exception from one chat-completions call to an action."""
    key = config.api_key
    headers = None
    response = getattr(exc, "response", None)
    if response is not None and getattr(response, "headers", None) is not None:
        headers = {k.lower(): v for k, v in response.headers.items()}
    if isinstance(exc, openai.AuthenticationError):
        if config.provider == PROVIDER_OPENAI:
            return Verdict(Action.STOP, "The OpenAI API key was rejected (401). Check it in Settings: it may be "
                           "mistyped, revoked, or belong to a different project.")
        return Verdict(Action.STOP, f"{_where(config)} rejected the API key (401). Check the key in Settings.")
    if isinstance(exc, openai.PermissionDeniedError):
        return Verdict(Action.STOP, f"{_where(config)} refused access (403): {safe_detail(exc, key)}")
    if isinstance(exc, openai.NotFoundError):
        hint = ("Check the model name in Settings." if config.provider == PROVIDER_OPENAI else
                "Check the model name as the server lists it (for Ollama, e.g. 'llama3.1:8b') and that the "
                "base URL ends in /v1.")
        return Verdict(Action.STOP, f"Model {config.model} not found at {_where(config)} (404). {hint}")
    if isinstance(exc, openai.RateLimitError):
        body = exc.body if isinstance(exc.body, dict) else {}
        if exc.code == "insufficient_quota" or body.get("type") == "insufficient_quota":
            return Verdict(Action.STOP, "Your OpenAI account has run out of quota or credit (billing). Add credit "
                           "or raise the usage limit at platform.openai.com > Settings > Billing, then resume "
                           "the job.")
        return Verdict(Action.RETRY, "rate limited (429)", retry_after=parse_retry_after(headers),
                       rate_limited=True, headers=headers)
    if isinstance(exc, openai.BadRequestError):
        detail = safe_detail(exc, key)
        text = f"{exc.code or ''} {detail}".lower()
        if any(hint in text for hint in _CONTEXT_HINTS):
            return Verdict(Action.SPLIT, "the request was longer than the model's context window")
        rejected = exc.param == "response_format" or "response_format" in text or "json_schema" in text
        return Verdict(Action.FAIL, f"The server refused the request (400): {detail}", format_rejected=rejected)
    if isinstance(exc, openai.UnprocessableEntityError):
        return Verdict(Action.FAIL, f"The server could not process the request (422): {safe_detail(exc, key)}")
    if isinstance(exc, openai.APITimeoutError):
        return Verdict(Action.RETRY, "the request timed out", overloaded=True)
    if isinstance(exc, openai.APIConnectionError):
        return Verdict(Action.RETRY, f"could not connect to {_where(config)}", connection=True)
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        if status >= 500 or status in (408, 409):
            return Verdict(Action.RETRY, f"server error ({status})", retry_after=parse_retry_after(headers),
                           overloaded=status in (502, 503, 504, 529), headers=headers)
        return Verdict(Action.FAIL, f"The server refused the request ({status}): {safe_detail(exc, key)}")
    # Anything else from the SDK (an unreadable response, say) is treated as transient.
    return Verdict(Action.RETRY, f"unexpected error ({type(exc).__name__})")
