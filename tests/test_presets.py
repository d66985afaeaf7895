"""One owner for the tagger the user picks: the Preset table, what the settings derive from
it, and that no other module spells or compares a preset's or a provider's name."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from taggenius_desktop.jobs import SpecError
from taggenius_desktop.jobs.from_settings import NO_SERVER_ADDRESS, build_tag_spec, choices_from_settings
from taggenius_desktop.settings import Settings, load_settings, save_settings
from taggenius_desktop.tagging.choice import PROVIDER_NAMES, Provider
from taggenius_desktop.tagging.llm import PRESETS, LLMConfig
from taggenius_desktop.tagging.presets import AI_PRESETS, Preset
from tests.conftest import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "taggenius_desktop"


def test_the_saved_names_stay_the_same() -> None:
    # Settings files hold these strings: renaming one would silently reset the user's choice.
    assert [p.value for p in Preset] == ["offline", "openai", "ollama", "lm-studio", "custom"]
    assert AI_PRESETS == (Preset.OPENAI, Preset.OLLAMA, Preset.LM_STUDIO, Preset.CUSTOM)
    assert Preset.named("lm-studio") is Preset.LM_STUDIO and Preset.named("vllm") is None
    assert Preset.named(None) is None and Provider.named(None) is None
    assert Provider.named("openai-compatible") is Provider.COMPATIBLE


@pytest.mark.parametrize("name, provider, base_url, needs_address", [
    ("offline", "offline", None, False),
    ("openai", "openai", None, False),
    ("ollama", "openai-compatible", "http://localhost:11434/v1", False),
    ("lm-studio", "openai-compatible", "http://localhost:1234/v1", False),
    ("custom", "openai-compatible", "http://10.0.0.2:8080/v1", True),
])
def test_each_preset_means_one_job_provider_and_address(name: str, provider: str, base_url: str | None,
                                                         needs_address: bool) -> None:
    settings = Settings(provider=name, base_url=" http://10.0.0.2:8080/v1 ")
    assert settings.preset is Preset(name)
    assert (settings.job_provider, settings.effective_base_url) == (provider, base_url)
    assert Preset(name).needs_address is needs_address
    assert choices_from_settings(settings).custom_server is needs_address


def test_a_custom_server_without_an_address_cannot_start() -> None:
    settings = Settings(provider="custom", llm_preset="custom", model="m", base_url="  ")
    assert settings.effective_base_url is None
    with pytest.raises(SpecError, match=f"^{re.escape(NO_SERVER_ADDRESS)}$"):
        build_tag_spec(choices_from_settings(settings), "/music/in.xml", "/music/out.xml")


@pytest.mark.parametrize("name", [p.value for p in Preset])
def test_every_preset_loads_back_unchanged(tmp_path: Path, name: str) -> None:
    path = tmp_path / "settings.json"
    llm = name if Preset(name).is_llm else "openai"
    path.write_text(json.dumps({"schema_version": 1, "provider": name, "llm_preset": llm}), encoding="utf-8")
    loaded = load_settings(path)
    assert (loaded.provider, loaded.llm_preset) == (name, llm)
    save_settings(loaded, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["provider"], data["llm_preset"]) == (name, llm)


def test_unknown_names_fall_back_to_the_defaults() -> None:
    loaded = Settings.from_dict({"provider": "claude", "llm_preset": "offline"})
    assert (loaded.provider, loaded.llm_preset) == ("offline", "openai")
    assert Settings.from_dict({"llm_preset": "vllm"}).llm_preset == "openai"
    # Set in memory, an unknown name means what it would mean once loaded: nothing sent, nothing paid.
    unknown = Settings(provider="claude", llm_preset="vllm")
    assert (unknown.preset, unknown.job_provider, unknown.effective_base_url) == (Preset.OFFLINE, "offline", None)
    assert unknown.ai_preset is Preset.OPENAI


def test_the_llm_presets_take_the_local_addresses_from_the_table() -> None:
    for preset in (Preset.OLLAMA, Preset.LM_STUDIO):
        assert PRESETS[preset.value] == preset.address == Settings(provider=preset.value).effective_base_url
        assert LLMConfig.for_preset(preset.value, "m").base_url == preset.address
    assert set(PRESETS) == {"ollama", "lm-studio", "llama.cpp", "vllm"}


def test_the_table_is_complete() -> None:
    for preset in Preset:
        assert preset.label and preset.note and preset.provider.value in PROVIDER_NAMES
        assert preset.default_model == (preset.models[0] if preset.models else "")
        assert preset.is_llm or not preset.models
    assert Preset.OPENAI.default_model == LLMConfig().model
    assert Provider.COMPATIBLE.label == "Local server"


# -- nobody else compares the names ----------------------------------------------------------

#: The names only tagging/choice.py (providers) and tagging/presets.py (presets) may spell.
NAMES = frozenset(PROVIDER_NAMES) | {p.value for p in Preset}
OWNERS = {"tagging/choice.py", "tagging/presets.py"}
#: Files other people own now; each still compares a name and is to follow the table.
NOT_YET: dict[str, int] = {}


def _literal_uses(tree: ast.AST) -> list[int]:
    """Lines where a name is compared (==, !=, in), or is a dict key or a match case."""
    lines: list[int] = []

    def named(node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return node.value in NAMES
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return any(named(e) for e in node.elts)
        return False

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(named(n) for n in (node.left, *node.comparators)):
            lines.append(node.lineno)
        elif isinstance(node, ast.Dict) and any(k is not None and named(k) for k in node.keys):
            lines.append(node.lineno)
        elif isinstance(node, ast.MatchValue) and named(node.value):
            lines.append(node.lineno)
    return lines


def test_no_module_but_the_owners_compares_a_provider_or_preset_name() -> None:
    found: dict[str, list[int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name in OWNERS:
            continue
        lines = _literal_uses(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            found[name] = lines
    assert {name: len(lines) for name, lines in found.items() if name not in NOT_YET} == {}, found
    for name, count in NOT_YET.items():
        assert len(found.get(name, [])) <= count, f"{name}: compare with Preset / Provider instead"
