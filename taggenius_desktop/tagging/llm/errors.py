"""What to do about each failure of a request, in one table, with messages safe to show.

openai's exception texts embed the response body, and a 401 body echoes part of the
key: nothing from an exception reaches a user, a log or a result without :func:`redact`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import httpx2
import openai

from ...credentials import redact
from .config import PROVIDER_OPENAI, LLMConfig
from .limiter import parse_retry_after
from .transport import ClosedMidReply, DeadlineExceeded


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


#: Words naming the structured-output part of a request, and words that say it was refused:
#: llama-cpp-python answers json_schema with a 500 whose text is a pydantic error
#: ("Input should be 'text' or 'json_object'" at ('body', 'response_format', 'type')).
_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "structured output")
_REFUSAL_WORDS = ("input should be", "not supported", "unsupported", "must be", "invalid", "unknown",
                  "not permitted", "extra inputs", "not allowed", "unexpected")
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


def _format_refused(exc: openai.APIStatusError, config: LLMConfig) -> bool:
    """Whether an OpenAI-compatible server says it does not support the request's format.

    A 4xx naming the format is enough; a 5xx must also say it refused something, so a
    crash report that merely echoes the request is still retried as a server fault.
    """
    if config.provider == PROVIDER_OPENAI:
        return False  # OpenAI supports every format we send: a refusal is our bug, not a step-down
    text = safe_detail(exc, config.api_key, limit=4000).lower()
    names_format = exc.param == "response_format" or any(word in text for word in _FORMAT_WORDS)
    if exc.status_code < 500:
        return names_format
    return names_format and any(word in text for word in _REFUSAL_WORDS)


def _closed_after_connecting(exc: BaseException) -> bool:
    """A connection error whose cause is the server hanging up, not the connect failing."""
    seen: BaseException | None = exc.__cause__ or exc.__context__
    for _ in range(8):
        if seen is None or isinstance(seen, (httpx2.ConnectError, httpx2.ConnectTimeout)):
            return False
        if isinstance(seen, (httpx2.ReadError, httpx2.WriteError, httpx2.RemoteProtocolError)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def classify(exc: BaseException, config: LLMConfig) -> Verdict:
    """Map an exception from one chat-completions call to an action."""
    key = config.api_key
    if isinstance(exc, DeadlineExceeded):
        return Verdict(Action.RETRY, f"{_where(config)} sent its reply too slowly ({exc})", overloaded=True)
    if isinstance(exc, ClosedMidReply):
        return Verdict(Action.RETRY, f"{_where(config)} closed the connection mid-reply")
    if isinstance(exc, httpx2.TimeoutException):
        return Verdict(Action.RETRY, "the request timed out", overloaded=True)
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
        return Verdict(Action.FAIL, f"The server could not process the request (422): {safe_detail(exc, key)}",
                       format_rejected=_format_refused(exc, config))
    if isinstance(exc, openai.APITimeoutError):
        return Verdict(Action.RETRY, "the request timed out", overloaded=True)
    if isinstance(exc, openai.APIConnectionError):
        if _closed_after_connecting(exc):
            return Verdict(Action.RETRY, f"{_where(config)} closed the connection without replying")
        return Verdict(Action.RETRY, f"could not connect to {_where(config)}", connection=True)
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        if _format_refused(exc, config):
            return Verdict(Action.FAIL, f"{_where(config)} refused the request's response format ({status}): "
                           f"{safe_detail(exc, key)}", format_rejected=True)
        if status >= 500 or status in (408, 409):
            return Verdict(Action.RETRY, f"server error ({status})", retry_after=parse_retry_after(headers),
                           overloaded=status in (502, 503, 504, 529), headers=headers)
        return Verdict(Action.FAIL, f"The server refused the request ({status}): {safe_detail(exc, key)}")
    # Anything else from the SDK (an unreadable response, say) is treated as transient.
    return Verdict(Action.RETRY, f"unexpected error ({type(exc).__name__})")
