"""Shared test set-up: Qt offscreen, an isolated data folder per test, the shared fixtures."""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Callable, Iterator

import keyring.backend
import keyring.backends.fail
import pytest

from tests.support.fake_openai import FakeOpenAIServer, start_fake_server
from tests.support.keyring import MemoryKeyring, installed

# Before anything imports Qt: no screen here, and tests must never need one.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Next to the checkout by default; TAGGENIUS_FIXTURES points elsewhere (a git worktree).
SHARED_FIXTURES = Path(os.environ.get("TAGGENIUS_FIXTURES") or PROJECT_ROOT.parent / "shared" / "fixtures" / "rekordbox")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own TAGGENIUS_HOME: no test touches the user's real database."""
    home = tmp_path_factory.mktemp("taggenius_home")
    monkeypatch.setenv("TAGGENIUS_HOME", str(home))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return home


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """An empty in-memory keyring for the test; the previous backend comes back after it."""
    yield from installed(MemoryKeyring())  # type: ignore[misc]


@pytest.fixture
def failing_keyring() -> Iterator[keyring.backend.KeyringBackend]:
    """No usable keyring (keyring's own ``fail`` backend) for the test; the previous one after it."""
    yield from installed(keyring.backends.fail.Keyring())


@pytest.fixture
def fake_openai() -> Iterator[Callable[..., FakeOpenAIServer]]:
    """``server = fake_openai(**faults)``: a started fault-injecting OpenAI server on
    127.0.0.1 (see tests/support/fake_openai.py); every server a test starts is stopped
    when the test ends, passed or failed. The one way tests get a fake server."""
    with ExitStack() as servers:

        def start(**faults: Any) -> FakeOpenAIServer:
            server = start_fake_server(**faults)
            servers.callback(server.stop)
            return server

        yield start


@pytest.fixture
def clean_caches() -> Iterator[None]:
    """The core's module-level memos empty before and after the test."""
    from taggenius_desktop.caches import reset_caches

    reset_caches()
    yield
    reset_caches()


def _fixture_files(subdir: str | None = None) -> list[Path]:
    folder = SHARED_FIXTURES / subdir if subdir else SHARED_FIXTURES
    return sorted(folder.glob("*.xml")) if folder.is_dir() else []


PRISTINE_EXPORTS = _fixture_files()
ROBUSTNESS_FILES = _fixture_files("robustness")


@pytest.fixture
def fixtures_dir() -> Path:
    if not SHARED_FIXTURES.is_dir():
        pytest.skip("shared rekordbox fixtures are not present")
    return SHARED_FIXTURES


def pristine_params():
    """``@pytest.mark.parametrize("export", pristine_params())``: every real export, or a skip."""
    if not PRISTINE_EXPORTS:
        return [pytest.param(None, marks=pytest.mark.skip(reason="shared fixtures absent"))]
    return [pytest.param(p, id=p.name[:40]) for p in PRISTINE_EXPORTS]


def robustness_params():
    if not ROBUSTNESS_FILES:
        return [pytest.param(None, marks=pytest.mark.skip(reason="shared fixtures absent"))]
    return [pytest.param(p, id=p.name[:40]) for p in ROBUSTNESS_FILES]
