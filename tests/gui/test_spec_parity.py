"""The Qt-free settings -> spec rules give the spec the window builds today (so the
window can call ``jobs.from_settings.build_tag_spec`` instead of its own copy)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from taggenius_desktop import credentials
from taggenius_desktop.jobs import SpecError
from taggenius_desktop.jobs.from_settings import build_tag_spec, choices_from_settings
from taggenius_desktop.settings import Settings
from tests.support.libraries import write_library

KEY = "sk-parity-abcdefghijklmnop"

CASES = {
    "offline": Settings(),
    "openai": Settings(provider="openai", llm_preset="openai", model="gpt-4.1-mini", concurrency=4),
    "ollama": Settings(provider="ollama", llm_preset="ollama", model="llama3.1:8b", batch_size=3),
    "lm-studio": Settings(provider="lm-studio", llm_preset="lm-studio", model="qwen2.5", use_cache=False),
    "custom": Settings(provider="custom", llm_preset="custom", model="m", base_url="http://10.0.0.2:8080/v1"),
    "red-and-modes": Settings(level="detailed", protect_red=False,
                              write_modes={"genre": "fill_if_empty", "comments": "replace", "colour": "keep",
                                           "rating": "replace", "grouping": "replace"}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_same_spec_as_the_window(make_window, qtbot, tmp_path: Path, name: str) -> None:
    credentials.set_api_key(KEY)
    window = make_window(replace(CASES[name]))
    with qtbot.waitSignal(window.library_loaded, timeout=10_000):
        window.open_library(write_library(tmp_path / "lib.xml", n=4))
    for for_estimate in (False, True):
        theirs = window.build_tag_spec(for_estimate=for_estimate)
        ours = build_tag_spec(choices_from_settings(window.settings, window.job_settings.playlists()),
                              window.library_path, theirs.output_path, for_estimate=for_estimate)
        assert ours == theirs
        assert ours.provider.api_key == theirs.provider.api_key  # not part of ==: compared apart


def test_same_refusals_as_the_window(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window(Settings(provider="custom", llm_preset="custom", model="m"))
    with qtbot.waitSignal(window.library_loaded, timeout=10_000):
        window.open_library(write_library(tmp_path / "lib.xml", n=2))
    with pytest.raises(SpecError) as theirs:
        window.build_tag_spec()
    with pytest.raises(SpecError) as ours:
        build_tag_spec(choices_from_settings(window.settings), window.library_path, tmp_path / "out.xml")
    assert str(ours.value) == str(theirs.value)
