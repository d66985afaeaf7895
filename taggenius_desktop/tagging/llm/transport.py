"""One chat-completions request: a total deadline, a bounded body, and plain words for
whatever came back that is not a chat completion.

The SDK's own parsing is bypassed on purpose: it hands back an HTML page as a string and
``null`` as None (both then look like "an empty reply"), and parses the body with plain
``json.loads`` (100,000 nested arrays raise RecursionError). Here the body is read in
chunks up to a size limit, parsed by :mod:`.safe_json`, and described when it is not a
completion. Errors the SDK raises for 4xx/5xx and failed connections pass through to
:func:`.errors.classify` unchanged.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx2
import openai

from . import safe_json

#: Bytes of response body allowed per track asked for, plus slack (a 20-track reply,
#: envelope included, is under 10 KB).
MAX_BODY_BYTES_PER_TRACK, MAX_BODY_BYTES_BASE = 16 * 1024, 256 * 1024
#: Largest token count taken from a reply's usage (more is a broken server, not a bill).
MAX_USAGE_TOKENS = 10**9


class DeadlineExceeded(Exception):
    """The request was still not complete after its total deadline."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"not finished after {seconds:g} s")
        self.seconds = seconds


class ClosedMidReply(Exception):
    """The connection broke after the reply had started."""


class BadReply(Exception):
    """A 200 whose body is not a chat completion; ``reason`` completes "<server> ..."."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class Completion:
    """What the tagger reads from a reply."""

    content: str | None
    finish_reason: str | None
    refusal: str | None
    headers: dict[str, str]
    usage: dict[str, int] = field(default_factory=dict)


async def send(client: openai.AsyncOpenAI, args: dict[str, Any], *, tracks: int, deadline: float) -> Completion:
    """Send one request and read its reply whole within ``deadline`` seconds."""
    limit = MAX_BODY_BYTES_BASE + MAX_BODY_BYTES_PER_TRACK * tracks
    timer = asyncio.timeout(deadline)
    try:
        async with timer:
            async with client.chat.completions.with_streaming_response.create(**args) as response:
                headers = {k.lower(): v for k, v in response.headers.items()}
                body = bytearray()
                try:
                    async for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > limit:
                            raise BadReply(f"sent a reply larger than {limit // 1024} KB")
                except httpx2.TimeoutException:
                    raise  # the per-read timeout: classified as a timeout, not a dropped connection
                except (OSError, httpx2.TransportError) as exc:
                    raise ClosedMidReply(type(exc).__name__) from None
    except TimeoutError:
        if timer.expired():
            raise DeadlineExceeded(deadline) from None
        raise
    return parse_completion(bytes(body), headers)


def _describe(body: bytes, content_type: str) -> str:
    head = body.lstrip()[:64].lower()
    if "html" in content_type or head.startswith((b"<!doctype html", b"<html")):
        return "answered with an HTML page, not a chat completion (check the base URL: it usually ends in /v1)"
    if not head:
        return "answered with an empty body, not a chat completion"
    return "answered with something that is not JSON, not a chat completion"


def parse_completion(body: bytes, headers: dict[str, str]) -> Completion:
    """The completion in ``body``, or :class:`BadReply` saying what the body was instead."""
    content_type = headers.get("content-type", "").lower()
    try:
        data = safe_json.loads(body, max_chars=len(body) + 1)
    except safe_json.UnsafeJSON as exc:
        if exc.reason == "not valid JSON":
            raise BadReply(_describe(body, content_type)) from None
        raise BadReply(f"answered with {exc.reason}") from None
    if data is None:
        raise BadReply("answered null, not a chat completion")
    if not isinstance(data, dict):
        raise BadReply("answered with JSON that is not a chat completion (not an object)")
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise BadReply("answered with JSON that is not a chat completion (no choices)")
    choice = choices[0]
    message = choice.get("message")
    if not isinstance(message, dict):
        message = {}
    content, refusal, finish = message.get("content"), message.get("refusal"), choice.get("finish_reason")
    return Completion(
        content=content if isinstance(content, str) else None,
        finish_reason=finish if isinstance(finish, str) else None,
        refusal=refusal if isinstance(refusal, str) and refusal else None,
        headers=headers,
        usage=_usage(data.get("usage")),
    )


def _usage(raw: Any) -> dict[str, int]:
    """Token counts, each a sane non-negative int or left out (a bill is never guessed)."""
    if not isinstance(raw, dict):
        return {}
    usage: dict[str, int] = {}
    details = raw.get("prompt_tokens_details")
    values = {"prompt_tokens": raw.get("prompt_tokens"), "completion_tokens": raw.get("completion_tokens"),
              "cached_tokens": details.get("cached_tokens") if isinstance(details, dict) else None}
    for name, value in values.items():
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_USAGE_TOKENS:
            usage[name] = value
    return usage
