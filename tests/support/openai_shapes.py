"""OpenAI's wire shapes and limits for the fake server: token counts, rate-limit
buckets and durations as OpenAI writes them, error bodies (no fault logic here)."""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from typing import Any, Mapping

from taggenius_desktop.selftest_server import tracks_of as _tracks_of


def approx_tokens(text: str) -> int:
    """OpenAI's own rule of thumb: about four characters per token of English text."""
    return max(1, math.ceil(len(text) / 4)) if text else 0


def format_duration(seconds: float) -> str:
    """Render a duration the way OpenAI's ``x-ratelimit-reset-*`` headers do (6m0s, 12ms)."""
    seconds = max(0.0, seconds)
    if seconds < 1:
        return f"{int(round(seconds * 1000))}ms"
    if seconds < 60:
        return f"{seconds:.3f}".rstrip("0").rstrip(".") + "s"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}m{rest:.0f}s"


class _Bucket:
    """Token bucket refilled continuously, full at start (how OpenAI's limits behave)."""

    def __init__(self, capacity: float, window_seconds: float) -> None:
        self.capacity = float(capacity)
        self.rate = self.capacity / window_seconds
        self.level = self.capacity
        self.stamp = time.monotonic()

    def _refill(self) -> None:
        now = time.monotonic()
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_for(self, amount: float) -> float:
        """Seconds until ``amount`` is available (0 when it is available now)."""
        self._refill()
        return 0.0 if self.level >= amount else (amount - self.level) / self.rate

    def take(self, amount: float) -> None:
        self.level -= amount

    def reset_seconds(self) -> float:
        self._refill()
        return (self.capacity - self.level) / self.rate


@dataclass
class _Reply:
    status: int
    body: Any
    headers: dict[str, str]
    delay: float = 0.0
    raw: bytes | None = None  # sent as is instead of json.dumps(body)
    content_type: str = "application/json"
    #: "reset": half the body, then a TCP RST; "hangup": a RST before any reply;
    #: "trickle": the body one byte per trickle_interval
    transport: str = ""


def _error(status: int, message: str, kind: str, *, code: str | None = None, param: str | None = None,
           headers: dict[str, str] | None = None, delay: float = 0.0) -> _Reply:
    body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
    return _Reply(status, body, headers or {}, delay)


def _invalid_key_reply(authorization: str) -> _Reply:
    """401 whose message echoes part of the key, exactly what OpenAI does (hence redaction)."""
    sent = authorization.removeprefix("Bearer ").strip()
    shown = f"{sent[:8]}{'*' * max(0, len(sent) - 12)}{sent[-4:]}" if len(sent) > 12 else sent
    return _error(401, f"Incorrect API key provided: {shown}. You can find your API key at "
                  "https://platform.openai.com/account/api-keys.", "invalid_request_error", code="invalid_api_key")


def _prompt_text(request: Mapping[str, Any]) -> str:
    """Everything the model reads: messages plus the schema (OpenAI counts the schema too)."""
    parts = []
    for message in request.get("messages") or []:
        if isinstance(message, dict):
            content = message.get("content")
            parts.append(content if isinstance(content, str) else json.dumps(content))
    if request.get("response_format"):
        parts.append(json.dumps(request["response_format"], separators=(",", ":")))
    return "".join(parts)


def _count_tracks(raw_body: bytes) -> int:
    try:
        request = json.loads(raw_body or b"{}")
    except ValueError:
        return 0
    return len(_tracks_of(request)) if isinstance(request, dict) else 0
