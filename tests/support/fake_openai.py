"""A fault-injecting fake OpenAI chat-completions server on 127.0.0.1, for tests and benchmarks.

It speaks real HTTP with OpenAI's request and response shapes, so the real ``openai``
client (and its httpx2 transport) is exercised end to end. Replies to ``json_schema``
requests are schema-valid, plausible tags derived deterministically from each track's
metadata, so the same request always gets the same answer.

Faults are injectable (all off by default): latency, RPM/TPM limits with real 429 bodies
and ``x-ratelimit-*`` / ``retry-after`` headers, seeded random 429/500s, malformed JSON,
dropped / unknown / duplicated ids, invalid values, 401 for a wrong key,
``insufficient_quota``, 404 for an unknown model, context-length 400s, ``finish_reason
"length"``; broken transports and bodies (a connection reset mid-reply, a reply trickled
one byte at a time, a 200 with an HTML page or ``null``, 100,000 nested arrays); absurd
values (a 401-digit energy, 1e309, NaN, wrong types); llama.cpp's structured-output
quirks (``emulate="llama.cpp"``); plus a ``script`` of statuses for the first requests
and per-title faults, so tests can hit one path deterministically. Counters (requests, per-track requests, tokens,
peak concurrency) let tests and benchmarks assert on what the client actually sent.

Tests take a started server from the ``fake_openai`` fixture (tests/conftest.py), which
stops it when the test ends; code that cannot use a fixture (a child process, a benchmark,
a script) calls ``start_fake_server``, the one place a server is built:

    def test_something(fake_openai):
        server = fake_openai(latency_per_track=0.01, error_429_fraction=0.02)
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test")

    with start_fake_server(api_key="sk-bench") as server:  # stopped when the block ends
        ...
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
from typing import Any, Iterable, Mapping, Sequence

# The answers themselves are the shipped self-test responder's: one owner for "plausible tags".
from taggenius_desktop.selftest_server import plausible_tags
from taggenius_desktop.selftest_server import schema_enums as _schema_enums
from taggenius_desktop.selftest_server import tracks_of as _tracks_of
from tests.support.fake_openai_http import _Handler, _QuietHTTPServer
from tests.support.openai_shapes import (
    _Bucket,
    _error,
    _invalid_key_reply,
    _prompt_text,
    _Reply,
    approx_tokens,
    format_duration,
)

DEFAULT_MODELS = ("gpt-4o-mini", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-5-mini", "gpt-5-nano")

#: Script entries understood by ``script=[...]`` (besides integer HTTP statuses).
SCRIPT_KINDS = ("ok", "malformed", "length", "context", "bad_request", "quota", "refusal", "hang",
                "reset", "hangup", "trickle", "html", "null", "not_json", "deep_nest", "deep_body")
#: Per-title faults (``title_faults={"needle": "kind[:times]"}``): what that track's item becomes.
TITLE_FAULT_KINDS = ("drop", "invalid", "duplicate", "huge_energy", "inf_energy", "nan_energy", "wrong_types",
                     "energy_20")
#: What llama-cpp-python's server answers (HTTP 500) to ``response_format: {"type": "json_schema"}``.
#: (measured on llama-cpp-python 0.3.36; the traceback's path shortened)
LLAMA_CPP_FORMAT_ERROR = ("1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
                          "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema', "
                          "'ctx': {'expected': \"'text' or 'json_object'\"}}\n\n  File \"llama_cpp/server/app.py\", "
                          "line 376, in create_chat_completion\n    POST /v1/chat/completions")
#: Raw JSON text the value faults put in place of an item's energy.
_RAW_ENERGY = {"huge_energy": "1" + "0" * 400, "inf_energy": "1e309", "nan_energy": "NaN"}


class FakeOpenAIServer:
    """Built and started by ``start_fake_server(**faults)``; ``server.base_url`` ends in /v1.

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
        reject_formats: Sequence[str] = (),
        answer_at_most: int | None = None,
        emulate: str | None = None,
        trickle_interval: float = 5.0,
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
        # response_format types answered with a 400; "json_object_schema" = json_object carrying a schema.
        self.reject_formats = tuple(reject_formats) + (("json_schema",) if reject_json_schema else ())
        if emulate not in (None, "llama.cpp"):
            raise ValueError(f"unknown server to emulate {emulate!r}")
        self.emulate = emulate
        self.answer_at_most = answer_at_most  # like a tiny model that answers only the first tracks of a batch
        self.trickle_interval = trickle_interval
        self._script = list(script)
        for entry in self._script:
            if not isinstance(entry, int) and entry not in SCRIPT_KINDS:
                raise ValueError(f"unknown script entry {entry!r}")
        # "Title substring" -> "kind" or "kind:times" (kind: drop, invalid, duplicate).
        self._title_faults: dict[str, list[Any]] = {}
        for needle, spec in (title_faults or {}).items():
            kind, _, times = spec.partition(":")
            if kind not in TITLE_FAULT_KINDS:
                raise ValueError(f"unknown title fault {spec!r}")
            self._title_faults[needle] = [kind, int(times) if times else None]
        self._random = random.Random(seed)
        window = 60.0 / time_scale
        self._rpm = _Bucket(rpm_limit, window) if rpm_limit else None
        self._tpm = _Bucket(tpm_limit, window) if tpm_limit else None
        self._lock = threading.Lock()
        self._seen_prefixes: set[str] = set()
        self._host, self._port = host, port
        self._httpd: _QuietHTTPServer | None = None
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
        return self if self._httpd is not None else self.start()  # already started by start_fake_server

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
        shape = f"{fmt.get('type')}_schema" if isinstance(fmt, dict) and "schema" in fmt else (
            fmt.get("type") if isinstance(fmt, dict) else None)
        if shape in self.reject_formats or (shape == "json_object_schema" and "json_object" in self.reject_formats):
            return _error(400, "'response_format.type' must be 'json_object' or 'text'", "invalid_request_error",
                          param="response_format")
        if self.emulate == "llama.cpp" and isinstance(fmt, dict) and fmt.get("type") not in (None, "text",
                                                                                            "json_object"):
            # llama-cpp-python validates the body with pydantic and reports the failure as a 500.
            return _error(500, LLAMA_CPP_FORMAT_ERROR, "internal_server_error")
        if scripted == "html":
            page = b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><h1>Sign in</h1></body></html>"
            return _Reply(200, None, {}, raw=page, content_type="text/html; charset=utf-8")
        if scripted in ("null", "not_json", "deep_body"):
            raw = {"null": b"null", "not_json": b"upstream connect error or disconnect/reset before headers",
                   "deep_body": b"[" * 100_000 + b"]" * 100_000}[scripted]
            return _Reply(200, None, {}, raw=raw, content_type="text/plain" if scripted == "not_json"
                          else "application/json")
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
        if scripted == "deep_nest":
            content = "[" * 100_000 + "]" * 100_000
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
        transport = scripted if scripted in ("reset", "hangup", "trickle") else ""
        return _Reply(200, body, self._limit_headers(), delay, transport=transport)

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
        raw_values: dict[str, str] = {}
        for track in tracks:
            fault = self._title_fault(track)
            if fault == "drop" or rng.random() < self.drop_id_fraction:
                continue
            item = plausible_tags(track, enums)
            if fault == "invalid" or rng.random() < self.invalid_value_fraction:
                item["primary_genre"] = "Polka Gabber Fusion"
                item["energy"] = 42
            elif fault in _RAW_ENERGY:
                marker = f"@@raw{len(raw_values)}@@"
                raw_values[json.dumps(marker)] = _RAW_ENERGY[fault]
                item["energy"] = marker
            elif fault == "wrong_types":
                item.update(energy={"level": 5}, vibes=7, primary_genre=["House"], era=[1990])
            elif fault == "energy_20":
                item["energy"] = 20  # a grammar that ignores the schema's integer bounds lets this through
            items.append(item)
            if fault == "duplicate":
                twin = dict(item)
                twin["energy"] = 11 - int(item["energy"]) if int(item["energy"]) != 5 else 6
                items.append(twin)
        if self.answer_at_most is not None:
            items = items[: self.answer_at_most]
        if tracks and rng.random() < self.unknown_id_fraction:
            ghost = plausible_tags({"id": "999", "title": "ghost"}, enums)
            items.append(ghost)
        content = json.dumps({"tracks": items}, ensure_ascii=False, separators=(",", ":"))
        for marker, raw in raw_values.items():
            content = content.replace(marker, raw)
        if malformed:
            content = content[: max(1, len(content) // 2)] + ',"oops'
        return content, "stop"


def start_fake_server(**options: Any) -> FakeOpenAIServer:
    """A fake server with these ``options``, started on 127.0.0.1 (a free port unless ``port``
    is given). The caller stops it: ``server.stop()``, or ``with start_fake_server(...) as server:``.
    Tests use the ``fake_openai`` fixture instead, which calls this and stops the server for them."""
    return FakeOpenAIServer(**options).start()


def main() -> None:  # pragma: no cover - manual use: python -m tests.support.fake_openai
    import argparse

    parser = argparse.ArgumentParser(description="Run the fake OpenAI server until Ctrl+C.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency-per-track", type=float, default=0.0)
    args = parser.parse_args()
    with start_fake_server(port=args.port, latency_per_track=args.latency_per_track) as server:
        print(f"fake OpenAI server at {server.base_url}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":  # pragma: no cover
    main()
