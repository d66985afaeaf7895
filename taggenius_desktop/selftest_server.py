"""A small OpenAI-compatible responder on 127.0.0.1 for ``taggenius --self-test``.

It proves the frozen app's real HTTP stack (the ``openai`` client, its transport, the API
key's trip to the worker process) end to end, with no network and no fault injection.
Answers to ``json_schema`` requests are schema-valid tags derived deterministically from
each track's metadata. The fault-injecting server for tests lives in ``tests/support``
and reuses ``plausible_tags`` from here.

    with LoopbackResponder(api_key="sk-selftest") as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-selftest")
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Mapping, Sequence

DEFAULT_MODEL = "gpt-4o-mini"


class LoopbackResponder:
    """``with LoopbackResponder(api_key=...) as server:``; ``server.base_url`` ends in /v1."""

    def __init__(self, *, api_key: str | None = None, models: Sequence[str] = (DEFAULT_MODEL,)) -> None:
        self.api_key = api_key
        self.models = tuple(models)
        self.request_count = 0
        self.status_counts: Counter[int] = Counter()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    def __enter__(self) -> "LoopbackResponder":
        responder = self

        class Handler(_Handler):
            owner = responder

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         name="selftest-responder", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "responder not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def reply(self, method: str, path: str, authorization: str, body: bytes) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.request_count += 1
        if self.api_key is not None and authorization != f"Bearer {self.api_key}":
            return 401, _error("Incorrect API key provided.", "invalid_api_key")
        if method == "GET" and path.rstrip("/").endswith("/models"):
            return 200, {"object": "list", "data": [{"id": m, "object": "model", "created": 0, "owned_by": "local"}
                                                    for m in self.models]}
        if method != "POST" or not path.rstrip("/").endswith("/chat/completions"):
            return 404, _error(f"Invalid URL ({method} {path})", "not_found")
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            request = None
        if not isinstance(request, dict):
            return 400, _error("We could not parse the JSON body of your request.", "invalid_json")
        enums = schema_enums(request)
        content = json.dumps({"tracks": [plausible_tags(t, enums) for t in tracks_of(request)]})
        tokens = max(1, len(body) // 4), max(1, len(content) // 4)  # OpenAI's rule of thumb
        return 200, {
            "id": f"chatcmpl-selftest{self.request_count}", "object": "chat.completion", "created": int(time.time()),
            "model": str(request.get("model", "")),
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": content, "refusal": None}}],
            "usage": {"prompt_tokens": tokens[0], "completion_tokens": tokens[1], "total_tokens": sum(tokens)},
        }


class _Handler(BaseHTTPRequestHandler):
    owner: LoopbackResponder
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

    def log_message(self, format: str, *args: Any) -> None:  # no per-request stderr lines
        pass

    def _answer(self, method: str) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        status, reply = self.owner.reply(method, self.path, self.headers.get("authorization", ""), body)
        with self.owner._lock:
            self.owner.status_counts[status] += 1
        payload = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._answer("POST")


def _error(message: str, code: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}}


def tracks_of(request: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The tracks in the last user message's JSON ({"tracks": [...]}); [] if it is not JSON."""
    for message in reversed(request.get("messages") or []):
        if isinstance(message, dict) and message.get("role") == "user":
            try:
                data = json.loads(message.get("content") or "")
            except (TypeError, ValueError):
                return []
            tracks = data.get("tracks") if isinstance(data, dict) else None
            return [t for t in tracks if isinstance(t, dict)] if isinstance(tracks, list) else []
    return []


def schema_enums(request: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The allowed values per field, read from the request's json_schema (empty if none)."""
    fmt = request.get("response_format") or {}
    # OpenAI nests the schema under json_schema; llama.cpp takes {"type": "json_object", "schema": ...}.
    schema = (fmt.get("json_schema") or {}).get("schema") or fmt.get("schema") or {}
    try:
        item = schema["properties"]["tracks"]["items"]
        props = item["properties"]
        if "$ref" in item:
            props = schema["$defs"][item["$ref"].rsplit("/", 1)[-1]]["properties"]
    except (KeyError, TypeError):
        return {}
    enums: dict[str, list[Any]] = {}
    for name, spec in props.items():
        enums[name] = _enum_of(spec)
    return enums


def _enum_of(spec: Any) -> list[Any]:
    if not isinstance(spec, dict):
        return []
    if "enum" in spec:
        return [v for v in spec["enum"] if v is not None]
    if "items" in spec:
        return _enum_of(spec["items"])
    for key in ("anyOf", "oneOf"):
        for option in spec.get(key, []):
            values = _enum_of(option)
            if values:
                return values
    return []


def _digest(*parts: Any) -> int:
    return int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:8], "big")


def _pick(values: Sequence[Any], count: int, *seed: Any) -> list[Any]:
    if not values:
        return []
    start = _digest(*seed)
    chosen: list[Any] = []
    for step in range(len(values)):
        value = values[(start + step * 7) % len(values)]
        if value not in chosen:
            chosen.append(value)
        if len(chosen) == count:
            break
    return chosen


def _match(genre: str, values: Sequence[Any]) -> Any | None:
    folded = genre.casefold().strip()
    if not folded:
        return None
    for value in values:
        if str(value).casefold() == folded:
            return value
    for value in sorted(values, key=lambda v: -len(str(v))):  # longest contained name wins
        if str(value).casefold() in folded:
            return value
    return None


def plausible_tags(track: Mapping[str, Any], enums: Mapping[str, Sequence[Any]]) -> dict[str, Any]:
    """Schema-valid tags for one track, deterministic from its metadata."""
    key = (track.get("artist", ""), track.get("title", ""))
    genre = str(track.get("genre", ""))
    primaries = list(enums.get("primary_genre") or ["House", "Techno"])
    primary = _match(genre, primaries) or _pick(primaries, 1, *key, "primary")[0]
    subs_allowed = list(enums.get("sub_genres") or [])
    sub = _match(genre, subs_allowed)
    sub_genres = [sub] if sub is not None and sub != primary else []
    try:
        bpm = float(track.get("bpm") or 0)
    except (TypeError, ValueError):
        bpm = 0.0
    energy = 5 if bpm <= 0 else 3 if bpm < 100 else 4 if bpm < 118 else 5 if bpm < 124 else \
        6 if bpm < 128 else 7 if bpm < 135 else 8 if bpm < 150 else 9
    eras = list(enums.get("era") or [])
    era = None
    try:
        year = int(track.get("year") or 0)
    except (TypeError, ValueError):
        year = 0
    if year > 0:
        era = _match(f"{year // 10 * 10}s", eras)
    return {
        "id": str(track.get("id", "")),
        "primary_genre": primary,
        "sub_genres": sub_genres,
        "energy": energy,
        "vibes": _pick(list(enums.get("vibes") or []), 2, *key, "vibes"),
        "situations": _pick(list(enums.get("situations") or []), 1 + _digest(*key) % 2, *key, "situations"),
        "components": _pick(list(enums.get("components") or []), 1, *key, "components"),
        "era": era,
        # a genre the metadata names is "sure"; otherwise the responder is "unsure" (still written)
        **({"confidence": "sure" if _match(genre, primaries) else "unsure"} if "confidence" in enums else {}),
    }
