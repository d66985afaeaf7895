"""The API keys: kept in the OS keyring, never in settings, logs, the DB or outputs.

Lookup order of the OpenAI key: the OS keyring (service "Tag Genius", user
"openai_api_key"), then a key entered this session (used when the keyring cannot store
it), then the ``OPENAI_API_KEY`` environment variable.

Which key goes where is decided by :func:`api_key_for` alone: the OpenAI key only to the
``openai`` provider; an OpenAI-compatible server only its own key (the
``TAGGENIUS_SERVER_API_KEY`` environment variable, or the keyring entry saved for that
server's address), else none. Headless Linux often has no keyring backend at all: every keyring
call is guarded and the fallback is reported in a :class:`KeyStatus` the GUI can show.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass
from enum import Enum

import keyring
import keyring.errors

from .tagging.choice import NO_OPENAI_KEY, Provider

log = logging.getLogger(__name__)

SERVICE_NAME = "Tag Genius"
KEY_USERNAME = "openai_api_key"
ENV_VAR = "OPENAI_API_KEY"
#: A key for an OpenAI-compatible server (a local server with auth, a proxy): never the OpenAI key.
SERVER_KEY_ENV_VAR = "TAGGENIUS_SERVER_API_KEY"
SERVER_KEY_USERNAME_PREFIX = "server_api_key "

_lock = threading.Lock()
_session_key: str | None = None


class KeySource(str, Enum):
    KEYRING = "keyring"
    SESSION = "session"
    ENVIRONMENT = "environment"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class KeyStatus:
    """Where the key comes from, in words a user understands. Never holds the key itself."""

    source: KeySource
    keyring_available: bool
    message: str
    masked: str = ""  # e.g. "sk-…wxyz", safe to display

    @property
    def has_key(self) -> bool:
        return self.source is not KeySource.NONE


def mask_key(key: str | None) -> str:
    if not key:
        return ""
    return f"{key[:3]}…{key[-4:]}" if len(key) >= 12 else "…"


def _keyring_get() -> tuple[str | None, bool]:
    """(stored key, keyring usable). Backends raise KeyringError, dbus and OS errors alike."""
    try:
        return keyring.get_password(SERVICE_NAME, KEY_USERNAME), True
    except keyring.errors.KeyringError as exc:
        log.info("keyring unavailable: %s", type(exc).__name__)
    except Exception as exc:  # noqa: BLE001 - third-party backends raise anything
        log.warning("keyring backend failed: %s", type(exc).__name__)
    return None, False


def get_api_key() -> str | None:
    """The key to use now, or None. Never logged."""
    stored, _ = _keyring_get()
    if stored:
        return stored
    with _lock:
        if _session_key:
            return _session_key
    return os.environ.get(ENV_VAR) or None


def key_status() -> KeyStatus:
    stored, available = _keyring_get()
    if stored:
        return KeyStatus(KeySource.KEYRING, True, "The API key is stored in your system keyring.", mask_key(stored))
    with _lock:
        session = _session_key
    no_keyring = "" if available else "Your system has no usable keyring. "
    if session:
        return KeyStatus(KeySource.SESSION, available,
                         no_keyring + "The API key is kept for this session only and forgotten when the app "
                         f"closes. To keep it, set the {ENV_VAR} environment variable.", mask_key(session))
    env = os.environ.get(ENV_VAR)
    if env:
        return KeyStatus(KeySource.ENVIRONMENT, available,
                         no_keyring + f"The API key is read from the {ENV_VAR} environment variable.", mask_key(env))
    return KeyStatus(KeySource.NONE, available,
                     no_keyring + NO_OPENAI_KEY +
                     ("" if available else f" Enter one for this session or set {ENV_VAR}."))


def set_api_key(key: str) -> KeyStatus:
    """Store the key in the keyring; if the keyring refuses, keep it for this session only."""
    global _session_key
    key = key.strip()
    if not key:
        raise ValueError("the API key is empty")
    try:
        keyring.set_password(SERVICE_NAME, KEY_USERNAME, key)
        with _lock:
            _session_key = None
        return key_status()
    except Exception as exc:  # noqa: BLE001 - KeyringError, or whatever a backend raises
        log.warning("could not store the API key in the keyring (%s); keeping it for this session",
                    type(exc).__name__)
    with _lock:
        _session_key = key
    return key_status()


def delete_api_key() -> KeyStatus:
    """Forget the stored and session keys (the environment variable is the user's to unset)."""
    global _session_key
    with _lock:
        _session_key = None
    try:
        keyring.delete_password(SERVICE_NAME, KEY_USERNAME)
    except keyring.errors.PasswordDeleteError:
        pass  # nothing stored
    except Exception as exc:  # noqa: BLE001
        log.info("keyring delete failed: %s", type(exc).__name__)
    return key_status()


_KEY_LIKE = re.compile(r"\bsk-[A-Za-z0-9_\-*.]{4,}")
_MASKED = re.compile(r"\S*\*{4,}\S*")  # OpenAI's 401 echoes "sk-proj-****...abcd"


def redact(text: str, key: str | None = None) -> str:
    """``text`` with the key, its fragments and anything key-shaped replaced by [redacted]."""
    if not text:
        return text
    if key:
        text = text.replace(key, "[redacted]")
        if len(key) >= 16:  # partial echoes show a head or a tail
            text = text.replace(key[:12], "[redacted]").replace(key[-8:], "[redacted]")
    text = _KEY_LIKE.sub("[redacted]", text)
    return _MASKED.sub("[redacted]", text)


def _server_entry(base_url: str) -> str:
    """The keyring user name of one server's key: scheme, host and port, so a key saved
    for one server is never offered to another (and ``/v1`` vs ``/v1/`` is the same one)."""
    from urllib.parse import urlparse

    parts = urlparse(base_url.strip())
    port = f":{parts.port}" if parts.port else ""
    return f"{SERVER_KEY_USERNAME_PREFIX}{parts.scheme.lower()}://{(parts.hostname or '').lower()}{port}"


def get_server_api_key(base_url: str | None) -> str | None:
    """The key for the OpenAI-compatible server at ``base_url``: the environment variable
    (the user's choice for this run), else the keyring entry saved for that server."""
    env = os.environ.get(SERVER_KEY_ENV_VAR)
    if env:
        return env
    if not base_url:
        return None
    try:
        return keyring.get_password(SERVICE_NAME, _server_entry(base_url)) or None
    except Exception as exc:  # noqa: BLE001 - third-party backends raise anything
        log.info("keyring unavailable for the server key: %s", type(exc).__name__)
        return None


def set_server_api_key(base_url: str, key: str) -> None:
    """Save a key for one OpenAI-compatible server (raises when the keyring refuses)."""
    key = key.strip()
    if not key:
        raise ValueError("the server key is empty")
    keyring.set_password(SERVICE_NAME, _server_entry(base_url), key)


def delete_server_api_key(base_url: str) -> None:
    try:
        keyring.delete_password(SERVICE_NAME, _server_entry(base_url))
    except keyring.errors.PasswordDeleteError:
        pass  # nothing stored
    except Exception as exc:  # noqa: BLE001
        log.info("keyring delete failed: %s", type(exc).__name__)


def api_key_for(provider: str, base_url: str | None) -> str | None:
    """The key a job with this provider may send, or None. The one rule for CLI and GUI.

    The OpenAI key goes only to the ``openai`` provider, which the user chose explicitly
    (or which runs with no base URL): whatever listens at another address must never
    receive it. ``openai-compatible`` gets only a key of its own; ``offline`` none.
    """
    chosen = Provider.named(provider)
    if chosen is Provider.OPENAI:
        return get_api_key()
    if chosen is Provider.COMPATIBLE:
        return get_server_api_key(base_url)
    return None
