"""The one in-memory keyring backend tests use: no test touches the machine's keyring."""

from __future__ import annotations

from typing import Iterator, Mapping

import keyring
import keyring.backend
import keyring.errors


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Keeps passwords in ``passwords``, a dict (service, username) -> password."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, passwords: Mapping[tuple[str, str], str] | None = None) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = dict(passwords or {})

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not stored")


def installed(backend: keyring.backend.KeyringBackend) -> Iterator[keyring.backend.KeyringBackend]:
    """Use ``backend`` until the generator is closed, then the previous one again."""
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
