"""The API key: keyring first, visible fallbacks, and redaction."""

from __future__ import annotations

import keyring
import keyring.backend
import keyring.errors
import pytest
from keyring.backends import fail

from taggenius_desktop import credentials
from tests.support.keyring import MemoryKeyring
from taggenius_desktop.credentials import (
    KEY_USERNAME,
    SERVICE_NAME,
    KeySource,
    delete_api_key,
    get_api_key,
    key_status,
    mask_key,
    redact,
    set_api_key,
)

KEY = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789WXYZ"


class LockedKeyring(MemoryKeyring):
    """A backend that exists but fails with a non-keyring error (dbus, say)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    set_password = get_password  # type: ignore[assignment]


@pytest.fixture(autouse=True)
def clean_state(monkeypatch):
    previous = keyring.get_keyring()
    monkeypatch.setattr(credentials, "_session_key", None)
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


def test_key_is_stored_in_the_keyring_under_the_app_service(memory):
    status = set_api_key(f"  {KEY}\n")
    assert memory.passwords == {(SERVICE_NAME, KEY_USERNAME): KEY}
    assert status.source is KeySource.KEYRING and status.keyring_available and status.has_key
    assert status.masked == "sk-…WXYZ" and KEY not in status.message and KEY not in repr(status)
    assert get_api_key() == KEY


def test_keyring_wins_over_the_environment_which_is_the_fallback(memory, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-0000000000000")
    assert get_api_key() == "sk-from-env-0000000000000"
    assert key_status().source is KeySource.ENVIRONMENT
    set_api_key(KEY)
    assert get_api_key() == KEY


def test_delete_forgets_the_key_but_reports_the_environment_variable(memory, monkeypatch):
    set_api_key(KEY)
    status = delete_api_key()
    assert memory.passwords == {} and status.source is KeySource.NONE and get_api_key() is None
    assert delete_api_key().source is KeySource.NONE  # deleting twice is fine
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-0000000000000")
    assert delete_api_key().source is KeySource.ENVIRONMENT


@pytest.mark.parametrize("backend", [fail.Keyring(), LockedKeyring()], ids=["no-backend", "dbus-error"])
def test_without_a_usable_keyring_the_key_is_kept_for_the_session_visibly(backend):
    keyring.set_keyring(backend)
    before = key_status()
    assert before.source is KeySource.NONE and not before.keyring_available
    assert "no usable keyring" in before.message and "OPENAI_API_KEY" in before.message
    status = set_api_key(KEY)
    assert status.source is KeySource.SESSION and not status.keyring_available
    assert "this session only" in status.message and "OPENAI_API_KEY" in status.message
    assert get_api_key() == KEY
    assert delete_api_key().source is KeySource.NONE and get_api_key() is None


def test_empty_key_is_refused(memory):
    with pytest.raises(ValueError):
        set_api_key("   ")
    assert memory.passwords == {}


def test_redact_removes_the_key_its_fragments_and_key_shapes():
    echoed = f"Incorrect API key provided: {KEY[:8]}{'*' * 30}{KEY[-4:]}. You can find your API key at ..."
    assert KEY[-4:] not in redact(echoed, KEY) and "****" not in redact(echoed)
    assert redact(f"Bearer {KEY} failed", KEY) == "Bearer [redacted] failed"
    assert KEY[-8:] not in redact(f"tail {KEY[-8:]}", KEY) and KEY[:12] not in redact(f"head {KEY[:12]}", KEY)
    assert "sk-" not in redact("some other sk-live-abcdef12345 key")
    assert redact("lm-studio-key rejected", "lm-studio-key") == "[redacted] rejected"
    assert redact("nothing secret here", KEY) == "nothing secret here"
    assert redact("", KEY) == ""


def test_mask_key():
    assert mask_key(KEY) == "sk-…WXYZ" and mask_key("short") == "…" and mask_key(None) == ""
