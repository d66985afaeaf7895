"""Which structured-output request a server accepts, found once per server and model.

OpenAI takes the strict ``json_schema`` format. OpenAI-compatible servers differ:
llama-cpp-python refuses ``json_schema`` (a pydantic error sent as HTTP 500) but takes
``{"type": "json_object", "schema": ...}`` and constrains the reply by grammar; others
know only JSON mode, or no ``response_format`` at all. The tagger starts at the best
format this server and model are known to accept and steps down one level each time the
server says the request shape is unsupported. The vocabulary is always listed in the
prompt for these servers, and every reply is validated locally at every level: a format
is a hint to the server, never a promise we rely on.

What was learned is kept for the process and in ``server_formats.json`` in the data
folder, so the next job (in another worker process, or after a restart) does not spend
requests finding it again. Records expire, so an upgraded server gets its chance again.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from enum import IntEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ...vocabulary import Vocabulary
from .schema import response_format

log = logging.getLogger(__name__)

FILE_NAME = "server_formats.json"
#: How long a step-down is trusted before the better format is tried again (30 days).
RECORD_MAX_AGE_S = 30 * 24 * 3600.0


class FormatLevel(IntEnum):
    """From the most constrained request to the least; a higher value is a step down."""

    JSON_SCHEMA = 0  # OpenAI structured outputs (strict schema)
    JSON_OBJECT_SCHEMA = 1  # JSON mode plus the schema (llama.cpp's grammar-constrained JSON)
    JSON_OBJECT = 2  # JSON mode; the allowed values are in the prompt only
    PROMPT_ONLY = 3  # no response_format: the prompt asks for JSON


DESCRIPTIONS = {
    FormatLevel.JSON_SCHEMA: "json_schema",
    FormatLevel.JSON_OBJECT_SCHEMA: "json_object with a schema",
    FormatLevel.JSON_OBJECT: "json_object",
    FormatLevel.PROMPT_ONLY: "no response_format (JSON asked for in the prompt)",
}


def response_format_for(level: FormatLevel, vocab: Vocabulary) -> dict[str, Any] | None:
    """The ``response_format`` argument at ``level`` (None: send none)."""
    strict = response_format(vocab)
    if level is FormatLevel.JSON_SCHEMA:
        return strict
    if level is FormatLevel.JSON_OBJECT_SCHEMA:
        return {"type": "json_object", "schema": _bounds_as_enums(strict["json_schema"]["schema"])}
    if level is FormatLevel.JSON_OBJECT:
        return {"type": "json_object"}
    return None


def _bounds_as_enums(schema: Any) -> Any:
    """The schema with each small bounded integer spelled out as an enum.

    Measured on llama-cpp-python 0.3.36: its grammar holds enums but not ``minimum`` /
    ``maximum`` (a 135M model answered energy 20, 25 and 250 to ``1..10``); ``enum:
    [1..10]`` is held. The bounds stay in the schema for servers that read them.
    """
    if isinstance(schema, list):
        return [_bounds_as_enums(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    copy = {key: _bounds_as_enums(value) for key, value in schema.items()}
    low, high = copy.get("minimum"), copy.get("maximum")
    if copy.get("type") == "integer" and isinstance(low, int) and isinstance(high, int) and 0 <= high - low <= 100:
        copy["enum"] = list(range(low, high + 1))
    return copy


def server_key(base_url: str, model: str) -> str:
    """Record key: the URL without user info, query or fragment (no secret is written)."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return f"{urlunsplit((parts.scheme, netloc, parts.path.rstrip('/'), '', ''))} {model}"


class FormatMemory:
    """The lowest level each server+model needed: in memory, and in a small JSON file."""

    def __init__(self, path: Path | None, clock: Any = time.time) -> None:
        self.path = path
        self._clock = clock
        self._known: dict[str, FormatLevel] = {}
        self._lock = threading.Lock()
        self._loaded = False

    def level(self, base_url: str, model: str) -> FormatLevel:
        key = server_key(base_url, model)
        with self._lock:
            if key not in self._known and not self._loaded:
                self._known.update(self._read())
                self._loaded = True
            return self._known.get(key, FormatLevel.JSON_SCHEMA)

    def step_down(self, base_url: str, model: str, refused: FormatLevel) -> FormatLevel | None:
        """The level to use after ``refused`` was refused (None: nothing lower is left).

        Several requests refused at the same level step down once, not once each.
        """
        if refused >= FormatLevel.PROMPT_ONLY:
            return None
        key = server_key(base_url, model)
        with self._lock:
            current = self._known.get(key, FormatLevel.JSON_SCHEMA)
            lower = max(current, FormatLevel(refused + 1))
            if lower != current:
                self._known[key] = lower
                log.warning("%s refused %s; using %s from now on", key, DESCRIPTIONS[refused], DESCRIPTIONS[lower])
                self._write(key, lower)
        return lower

    # ------------------------------------------------------------------ the file
    def _read(self) -> dict[str, FormatLevel]:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # absent or unreadable: it is only a cache of what a request would tell us
        known: dict[str, FormatLevel] = {}
        now = self._clock()
        for key, record in (data.items() if isinstance(data, dict) else ()):
            try:
                level = FormatLevel[record["level"]]
                fresh = now - float(record["checked"]) < RECORD_MAX_AGE_S
            except (KeyError, TypeError, ValueError):
                continue
            if fresh and isinstance(key, str):
                known[key] = level
        return known

    def _write(self, key: str, level: FormatLevel) -> None:
        if self.path is None:
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict):
            data = {}
        data[key] = {"level": level.name, "checked": self._clock()}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=f".{FILE_NAME}.", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(data, out, indent=1, sort_keys=True)
                os.replace(temp, self.path)
            except BaseException:
                os.unlink(temp)
                raise
        except OSError as exc:  # a read-only or full data folder: the next job simply detects again
            log.warning("could not record the server's format in %s: %s", self.path, exc)


_shared: dict[Path, FormatMemory] = {}
_shared_lock = threading.Lock()


def shared_memory() -> FormatMemory:
    """The process-wide memory for the current data folder."""
    from ...paths import data_dir

    try:
        path = data_dir() / FILE_NAME
    except OSError:
        return FormatMemory(None)
    with _shared_lock:
        return _shared.setdefault(path, FormatMemory(path))
