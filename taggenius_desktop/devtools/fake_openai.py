"""A fake OpenAI chat-completions server on 127.0.0.1, for tests, benchmarks and --self-test.

It speaks real HTTP with OpenAI's request and response shapes, so the real ``openai``
client (and its httpx2 transport) is exercised end to end. Replies to ``json_schema``
requests are schema-valid, plausible tags derived deterministically from each track's
metadata, so the same request always gets the same answer.

Faults are injectable (all off by default): latency, RPM/TPM limits with real 429 bodies
and ``x-ratelimit-*`` / ``retry-after`` headers, seeded random 429/500s, malformed JSON,
dropped / unknown / duplicated ids, invalid values, 401 for a wrong key,
``insufficient_quota``, 404 for an unknown model, context-length 400s, ``finish_reason
"length"``; plus a ``script`` of statuses for the first requests and per-title faults, so
tests can hit one path deterministically. Counters (requests, per-track requests, tokens,
peak concurrency) let tests and benchmarks assert on what the client actually sent.

    with FakeOpenAIServer(latency_per_track=0.01, error_429_fraction=0.02) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test")
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterable, Mapping, Sequence

DEFAULT_MODELS = ("gpt-4o-mini", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-5-mini", "gpt-5-nano")

#: Script entries understood by ``script=[...]`` (besides integer HTTP statuses).
SCRIPT_KINDS = ("ok", "malformed", "length", "context", "bad_request", "quota", "refusal", "hang")


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


class FakeOpenAIServer:
    """Start with ``with FakeOpenAIServer(**faults) as server:``; ``server.base_url`` ends in /v1.

    Latencies are in seconds; ``time_scale`` > 1 shrinks every latency and every rate-limit
    window by that factor (a "minute" lasts ``60 / time_scale`` seconds), so a benchmark can
    run a long job's shape in less wall time. Fractions are probabilities drawn from a
    generator seeded with ``seed``.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        models: Iterable[str] = DEFAULT_MODELS,
        latency_per_request: float = 0.0,
        latency_per_track: float = 0.0,
        rpm_limit: int | None = None,
        tpm_limit: int | None = None,
        time_scale: float = 1.0,
        error_429_fraction: float = 0.0,
        error_500_fraction: float = 0.0,
        malformed_fraction: float = 0.0,
        drop_id_fraction: float = 0.0,
        unknown_id_fraction: float = 0.0,
        invalid_value_fraction: float = 0.0,
        insufficient_quota: bool = False,
        context_limit_tokens: int | None = None,
        max_output_tokens: int | None = None,
        reject_json_schema: bool = False,
        script: Sequence[int | str] = (),
        title_faults: Mapping[str, str] | None = None,
        seed: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.api_key = api_key
        self.models = tuple(models)
        self.latency_per_request = latency_per_request
        self.latency_per_track = latency_per_track
        self.time_scale = time_scale
        self.error_429_fraction = error_429_fraction
        self.error_500_fraction = error_500_fraction
        self.malformed_fraction = malformed_fraction
        self.drop_id_fraction = drop_id_fraction
        self.unknown_id_fraction = unknown_id_fraction
        self.invalid_value_fraction = invalid_value_fraction
        self.insufficient_quota = insufficient_quota
        self.context_limit_tokens = context_limit_tokens
        self.max_output_tokens = max_output_tokens
        self.reject_json_schema = reject_json_schema  # like llama.cpp builds without schema support
        self._script = list(script)
        for entry in self._script:
            if not isinstance(entry, int) and entry not in SCRIPT_KINDS:
                raise ValueError(f"unknown script entry {entry!r}")
        # "Title substring" -> "kind" or "kind:times" (kind: drop, invalid, duplicate).
        self._title_faults: dict[str, list[Any]] = {}
        for needle, spec in (title_faults or {}).items():
            kind, _, times = spec.partition(":")
            if kind not in ("drop", "invalid", "duplicate"):
                raise ValueError(f"unknown title fault {spec!r}")
            self._title_faults[needle] = [kind, int(times) if times else None]
        self._random = random.Random(seed)
        window = 60.0 / time_scale
        self._rpm = _Bucket(rpm_limit, window) if rpm_limit else None
        self._tpm = _Bucket(tpm_limit, window) if tpm_limit else None
        self._lock = threading.Lock()
        self._seen_prefixes: set[str] = set()
        self._host, self._port = host, port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

        # Counters for assertions (read them after the client is done).
        self.request_count = 0  # every POST /chat/completions
        self.status_counts: Counter[int] = Counter()
        self.track_requests: Counter[str] = Counter()  # track key -> requests that carried it
        self.prompt_tokens = 0  # summed over 200 replies
        self.completion_tokens = 0
        self.tokens_charged = 0  # what the TPM limit was charged with
        self.in_flight = 0
        self.max_in_flight = 0
        self.batch_sizes: list[int] = []  # tracks per request answered 200
        self.error_track_requests = 0  # tracks carried by requests answered with an error
        self.last_request: dict[str, Any] | None = None
        self.authorization_headers: list[str] = []

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "FakeOpenAIServer":
        server = self

        class Handler(_Handler):
            fake = server

        httpd = _QuietHTTPServer((self._host, self._port), Handler, bind_and_activate=False)
        httpd.daemon_threads = True
        httpd.block_on_close = False
        httpd.request_queue_size = 512  # bursts of concurrent connects must not be refused
        httpd.allow_reuse_address = True
        httpd.server_bind()
        httpd.server_activate()
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> "FakeOpenAIServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @staticmethod
    def track_key(track: Mapping[str, Any]) -> str:
        """Counter key for a track as sent: its title and artist (ids are batch-local)."""
        return f"{track.get('title', '')}\x1f{track.get('artist', '')}"

    def requests_for(self, title: str, artist: str = "") -> int:
        return self.track_requests[f"{title}\x1f{artist}"]

    # ------------------------------------------------------------------ request handling
    def handle_chat(self, headers: Mapping[str, str], raw_body: bytes) -> _Reply:
        try:
            request = json.loads(raw_body or b"{}")
        except ValueError:
            request = None
        if not isinstance(request, dict):
            return _error(400, "We could not parse the JSON body of your request.", "invalid_request_error")
        tracks = _tracks_of(request)
        with self._lock:
            self.request_count += 1
            self.last_request = request
            self.authorization_headers.append(headers.get("authorization", ""))
            for track in tracks:
                self.track_requests[self.track_key(track)] += 1
            scripted = self._script.pop(0) if self._script else None
            roll_429 = self._random.random() < self.error_429_fraction
            roll_500 = self._random.random() < self.error_500_fraction
            roll_malformed = self._random.random() < self.malformed_fraction
            item_rng = random.Random(self._random.random())

        if self.api_key is not None and headers.get("authorization", "") != f"Bearer {self.api_key}":
            return _invalid_key_reply(headers.get("authorization", ""))
        model = str(request.get("model", ""))
        if model not in self.models:
            return _error(404, f"The model `{model}` does not exist or you do not have access to it.",
                          "invalid_request_error", code="model_not_found")
        if self.insufficient_quota or scripted == "quota":
            return _error(429, "You exceeded your current quota, please check your plan and billing details. "
                          "For more information on this error, read the docs: "
                          "https://platform.openai.com/docs/guides/error-codes/api-errors.",
                          "insufficient_quota", code="insufficient_quota")

        prompt_text = _prompt_text(request)
        prompt_tokens = approx_tokens(prompt_text)
        if scripted == "context" or (self.context_limit_tokens and prompt_tokens > self.context_limit_tokens):
            limit = self.context_limit_tokens or 8192
            return _error(400, f"This model's maximum context length is {limit} tokens. However, your messages "
                          f"resulted in {prompt_tokens} tokens. Please reduce the length of the messages.",
                          "invalid_request_error", param="messages", code="context_length_exceeded")
        fmt = request.get("response_format") or {}
        if self.reject_json_schema and isinstance(fmt, dict) and fmt.get("type") == "json_schema":
            return _error(400, "'response_format.type' must be 'json_object' or 'text'", "invalid_request_error",
                          param="response_format")
        if scripted == "bad_request":
            return _error(400, "Invalid schema for response_format 'track_tags': 'additionalProperties' is required "
                          "to be supplied and to be false.", "invalid_request_error", param="response_format")
        error_delay = self.latency_per_request / self.time_scale  # errors carry no generated output
        if isinstance(scripted, int) and scripted != 200:
            if scripted == 429:
                return self._rate_limited("requests", 0.2, "Rate limit reached (scripted).")
            return _error(scripted, "The server had an error while processing your request. Sorry about that!",
                          "server_error", delay=error_delay)
        if roll_429:
            return self._rate_limited("requests", 0.25, "Rate limit reached (random).")
        if roll_500:
            return _error(500, "The server had an error while processing your request. Sorry about that!",
                          "server_error", delay=error_delay)

        content, finish_reason = self._answer(request, tracks, item_rng, roll_malformed or scripted == "malformed")
        completion_tokens = approx_tokens(content)
        requested_max = request.get("max_completion_tokens") or request.get("max_tokens")
        output_cap = min(x for x in (requested_max, self.max_output_tokens, 10**9) if x)
        if scripted == "length" or completion_tokens > output_cap:
            keep = min(len(content) // 2, output_cap * 4)
            content, finish_reason = content[:keep], "length"
            completion_tokens = approx_tokens(content)
        # OpenAI charges the TPM limit with the prompt plus max_tokens when given.
        charge = prompt_tokens + (int(requested_max) if requested_max else completion_tokens)
        limited = self._take_limits(charge)
        if limited is not None:
            return limited

        cached = self._cached_tokens(request)
        message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": None}
        if scripted == "refusal":
            message = {"role": "assistant", "content": None, "refusal": "I'm sorry, I can't help with that."}
        body = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
                "prompt_tokens_details": {"cached_tokens": cached},
            },
            "system_fingerprint": "fp_fake",
        }
        with self._lock:
            self.prompt_tokens += prompt_tokens
            self.completion_tokens += completion_tokens
            self.tokens_charged += charge
            self.batch_sizes.append(len(tracks))
        delay = (self.latency_per_request + self.latency_per_track * len(tracks)) / self.time_scale
        if scripted == "hang":
            delay = 3600.0
        return _Reply(200, body, self._limit_headers(), delay)

    def models_reply(self) -> _Reply:
        data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake-openai"} for m in self.models]
        return _Reply(200, {"object": "list", "data": data}, {})

    # ------------------------------------------------------------------ internals
    def _take_limits(self, tokens: int) -> _Reply | None:
        with self._lock:
            if self._rpm is not None:
                wait = self._rpm.wait_for(1)
                if wait > 0:
                    return self._rate_limited_locked("requests", wait, "requests per min (RPM)", 1)
            if self._tpm is not None:
                wait = self._tpm.wait_for(tokens)
                if wait > 0:
                    return self._rate_limited_locked("tokens", wait, "tokens per min (TPM)", tokens)
            if self._rpm is not None:
                self._rpm.take(1)
            if self._tpm is not None:
                self._tpm.take(tokens)
        return None

    def _rate_limited(self, kind: str, wait: float, message: str) -> _Reply:
        with self._lock:
            headers = self._limit_headers_locked()
        headers.update({"retry-after-ms": str(int(wait * 1000)), "retry-after": str(math.ceil(wait))})
        return _error(429, message, kind, code="rate_limit_exceeded", headers=headers)

    def _rate_limited_locked(self, kind: str, wait: float, what: str, requested: int) -> _Reply:
        bucket = self._rpm if kind == "requests" else self._tpm
        assert bucket is not None
        used = int(bucket.capacity - max(bucket.level, 0))
        message = (f"Rate limit reached for gpt-4o-mini in organization org-fake on {what}: Limit "
                   f"{int(bucket.capacity)}, Used {used}, Requested {requested}. "
                   f"Please try again in {format_duration(wait)}.")
        headers = self._limit_headers_locked()
        headers.update({"retry-after-ms": str(max(1, int(wait * 1000))), "retry-after": str(math.ceil(wait))})
        return _error(429, message, kind, code="rate_limit_exceeded", headers=headers)

    def _limit_headers(self) -> dict[str, str]:
        with self._lock:
            return self._limit_headers_locked()

    def _limit_headers_locked(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        for name, bucket in (("requests", self._rpm), ("tokens", self._tpm)):
            if bucket is None:
                continue
            reset = bucket.reset_seconds()
            headers[f"x-ratelimit-limit-{name}"] = str(int(bucket.capacity))
            headers[f"x-ratelimit-remaining-{name}"] = str(max(0, int(bucket.level)))
            headers[f"x-ratelimit-reset-{name}"] = format_duration(reset)
        return headers

    def _cached_tokens(self, request: Mapping[str, Any]) -> int:
        """Automatic prompt caching: an identical prefix of 1,024+ tokens, in 128-token steps."""
        messages = request.get("messages") or []
        if not messages or not isinstance(messages[0], dict):
            return 0
        prefix = json.dumps(request.get("response_format"), sort_keys=True) + str(messages[0].get("content"))
        tokens = approx_tokens(prefix)
        if tokens < 1024:
            return 0
        digest = hashlib.sha256(prefix.encode()).hexdigest()
        with self._lock:
            seen = digest in self._seen_prefixes
            self._seen_prefixes.add(digest)
        return (tokens // 128) * 128 if seen else 0

    def _title_fault(self, track: Mapping[str, Any]) -> str | None:
        title = str(track.get("title", ""))
        with self._lock:
            for needle, entry in self._title_faults.items():
                if needle and needle in title:
                    kind, times = entry
                    if times is None:
                        return kind
                    if times > 0:
                        entry[1] = times - 1
                        return kind
        return None

    def _answer(self, request: Mapping[str, Any], tracks: list[dict[str, Any]], rng: random.Random,
                malformed: bool) -> tuple[str, str]:
        enums = _schema_enums(request)
        items: list[dict[str, Any]] = []
        for track in tracks:
            fault = self._title_fault(track)
            if fault == "drop" or rng.random() < self.drop_id_fraction:
                continue
            item = plausible_tags(track, enums)
            if fault == "invalid" or rng.random() < self.invalid_value_fraction:
                item["primary_genre"] = "Polka Gabber Fusion"
                item["energy"] = 42
            items.append(item)
            if fault == "duplicate":
                twin = dict(item)
                twin["energy"] = 11 - int(item["energy"]) if int(item["energy"]) != 5 else 6
                items.append(twin)
        if tracks and rng.random() < self.unknown_id_fraction:
            ghost = plausible_tags({"id": "999", "title": "ghost"}, enums)
            items.append(ghost)
        content = json.dumps({"tracks": items}, ensure_ascii=False, separators=(",", ":"))
        if malformed:
            content = content[: max(1, len(content) // 2)] + ',"oops'
        return content, "stop"


class _QuietHTTPServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # a client hung up (a cancelled job, a closed keep-alive): not a server fault
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAIServer
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

    def log_message(self, format: str, *args: Any) -> None:  # silence per-request stderr lines
        pass

    def _read_body(self) -> bytes:
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path.rstrip("/").endswith("/models"):
            sent = self.headers.get("authorization", "")
            if self.fake.api_key is not None and sent != f"Bearer {self.fake.api_key}":
                self._send(_invalid_key_reply(sent))
            else:
                self._send(self.fake.models_reply())
        else:
            self._send(_error(404, f"Invalid URL (GET {self.path})", "invalid_request_error"))

    def do_POST(self) -> None:  # noqa: N802
        body = self._read_body()
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send(_error(404, f"Invalid URL (POST {self.path})", "invalid_request_error"))
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        fake = self.fake
        with fake._lock:
            fake.in_flight += 1
            fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
        try:
            reply = fake.handle_chat(headers, body)
            with fake._lock:
                fake.status_counts[reply.status] += 1
                if reply.status != 200:
                    fake.error_track_requests += _count_tracks(body)
            if reply.delay > 0:
                time.sleep(reply.delay)
            self._send(reply)
        finally:
            with fake._lock:
                fake.in_flight -= 1

    def _send(self, reply: _Reply) -> None:
        payload = json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.send_header("x-request-id", f"req_{uuid.uuid4().hex[:16]}")
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a cancelled job): nothing to tell it


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


def _tracks_of(request: Mapping[str, Any]) -> list[dict[str, Any]]:
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


def _schema_enums(request: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The allowed values per field, read from the request's json_schema (empty if none)."""
    fmt = request.get("response_format") or {}
    schema = (fmt.get("json_schema") or {}).get("schema") or {}
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
        # a genre the metadata names is "sure"; otherwise the fake is "unsure" (still written)
        **({"confidence": "sure" if _match(genre, primaries) else "unsure"} if "confidence" in enums else {}),
    }


def main() -> None:  # pragma: no cover - manual use: python -m taggenius_desktop.devtools.fake_openai
    import argparse

    parser = argparse.ArgumentParser(description="Run the fake OpenAI server until Ctrl+C.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency-per-track", type=float, default=0.0)
    args = parser.parse_args()
    with FakeOpenAIServer(port=args.port, latency_per_track=args.latency_per_track) as server:
        print(f"fake OpenAI server at {server.base_url}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":  # pragma: no cover
    main()
