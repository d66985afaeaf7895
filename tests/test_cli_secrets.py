"""The OpenAI key goes only to OpenAI: a server named by --base-url never receives it.

Every test runs the real CLI against a real HTTP server on 127.0.0.1 that records the
Authorization header of every request it receives.
"""

from __future__ import annotations

import json
import time

import pytest

from taggenius_desktop import credentials
from taggenius_desktop.cli.main import run_cli
from taggenius_desktop.credentials import SERVER_KEY_ENV_VAR, api_key_for
from tests.support.fake_openai import FakeOpenAIServer
from taggenius_desktop.jobs import JobManager, build_tag_job
from taggenius_desktop.store import connect, jobs_log
from taggenius_desktop.store.jobs_log import Status
from tests.support.libraries import write_library

OPENAI_KEY = "sk-proj-" + "OpenAiSecret9" * 4
SERVER_KEY = "local-server-token-" + "x7" * 8
MODEL = "gpt-4o-mini"


@pytest.fixture(autouse=True)
def memory_keyring(memory_keyring, monkeypatch):
    """Every test here: the shared in-memory keyring (conftest's), no session key, no server key."""
    monkeypatch.setattr(credentials, "_session_key", None)
    monkeypatch.delenv(SERVER_KEY_ENV_VAR, raising=False)
    return memory_keyring


def _sent_openai_key(server: FakeOpenAIServer) -> bool:
    return any(OPENAI_KEY in header for header in server.authorization_headers)


@pytest.mark.parametrize("where", ["environment", "keyring"])
def test_base_url_without_provider_never_receives_the_openai_key(tmp_path, capsys, monkeypatch, where, fake_openai):
    if where == "environment":
        monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    else:
        credentials.set_api_key(OPENAI_KEY)
    library = write_library(tmp_path / "lib.xml", n=6)
    server = fake_openai()
    code = run_cli(["tag", str(library), "--base-url", server.base_url, "--model", MODEL, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["status"] == "Completed"
    assert server.request_count >= 1, "the job must have talked to the server"
    assert not _sent_openai_key(server), server.authorization_headers
    assert all(h == "Bearer not-needed" for h in server.authorization_headers)


def test_a_custom_server_gets_its_own_key_only(tmp_path, capsys, monkeypatch, fake_openai):
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setenv(SERVER_KEY_ENV_VAR, SERVER_KEY)
    library = write_library(tmp_path / "lib.xml", n=4)
    server = fake_openai(api_key=SERVER_KEY)
    code = run_cli(["tag", str(library), "--provider", "openai-compatible", "--base-url", server.base_url,
                    "--model", MODEL])
    assert code == 0, capsys.readouterr().err
    assert server.authorization_headers and set(server.authorization_headers) == {f"Bearer {SERVER_KEY}"}


def test_explicit_openai_at_a_base_url_is_the_users_choice(tmp_path, capsys, monkeypatch, fake_openai):
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    library = write_library(tmp_path / "lib.xml", n=4)
    server = fake_openai(api_key=OPENAI_KEY)
    code = run_cli(["tag", str(library), "--provider", "openai", "--base-url", server.base_url])
    assert code == 0, capsys.readouterr().err
    assert set(server.authorization_headers) == {f"Bearer {OPENAI_KEY}"}


def test_the_rule_in_one_function(memory_keyring, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    assert api_key_for("offline", None) is None
    assert api_key_for("openai", None) == OPENAI_KEY
    assert api_key_for("openai", "http://127.0.0.1:9/v1") == OPENAI_KEY
    assert api_key_for("openai-compatible", "http://127.0.0.1:9/v1") is None
    credentials.set_server_api_key("http://127.0.0.1:9/v1", SERVER_KEY)
    assert api_key_for("openai-compatible", "http://127.0.0.1:9/v1/") == SERVER_KEY
    assert api_key_for("openai-compatible", "http://127.0.0.1:10/v1") is None, "a key belongs to one server"
    credentials.delete_server_api_key("http://127.0.0.1:9/v1")
    assert api_key_for("openai-compatible", "http://127.0.0.1:9/v1") is None
    monkeypatch.setenv(SERVER_KEY_ENV_VAR, SERVER_KEY)
    assert api_key_for("openai-compatible", "http://127.0.0.1:10/v1") == SERVER_KEY


def test_resume_of_a_local_server_job_never_sends_the_openai_key(tmp_path, capsys, monkeypatch, fake_openai):
    library = write_library(tmp_path / "lib.xml", n=4)
    # The first request hangs; quitting leaves the job Interrupted with no track done.
    server = fake_openai(script=["hang"])
    manager = JobManager(workers=1)
    spec = build_tag_job(library, tmp_path / "out.xml", provider="openai-compatible",
                         base_url=server.base_url, model=MODEL, batch_size=10)
    job_id = manager.submit(spec)
    for _ in range(600):
        if server.request_count >= 1:
            break
        time.sleep(0.05)
    assert server.request_count >= 1, "the job never reached the server"
    manager.shutdown(cancel_running=False, timeout=0.0)
    assert jobs_log.get_job(connect(), job_id).status == Status.INTERRUPTED
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    code = run_cli(["resume", str(job_id), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["status"] == "Completed"
    assert server.request_count >= 2
    assert not _sent_openai_key(server), server.authorization_headers


def test_help_says_which_key_goes_where(capsys):
    with pytest.raises(SystemExit):
        run_cli(["tag", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert SERVER_KEY_ENV_VAR in text and "never receives the OpenAI key" in text
