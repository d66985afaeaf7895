"""settings.json migrates by version, like the database; a newer file is never destroyed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from taggenius_desktop import paths, settings as settings_module
from taggenius_desktop.settings import SCHEMA_VERSION, Settings, load_settings, save_settings

V1_FILE = {
    "schema_version": 1, "level": "detailed", "provider": "ollama", "llm_preset": "ollama", "model": "llama3.1:8b",
    "write_modes": {"genre": "fill_if_empty", "comments": "replace", "colour": "keep", "rating": "fill_if_empty",
                    "grouping": "keep"},
    "recent_files": ["/music/a.xml"], "protect_red": False,
}


def _write(data: dict[str, Any]) -> None:
    paths.settings_path().parent.mkdir(parents=True, exist_ok=True)
    paths.settings_path().write_text(json.dumps(data), encoding="utf-8")


def _read() -> dict[str, Any]:
    return json.loads(paths.settings_path().read_text(encoding="utf-8"))


def test_a_v1_file_is_read_as_it_was_written() -> None:
    _write(V1_FILE)
    loaded = load_settings()
    assert (loaded.level, loaded.provider, loaded.model, loaded.protect_red) == ("detailed", "ollama", "llama3.1:8b", False)
    assert loaded.write_modes["genre"] == "fill_if_empty" and loaded.recent_files == ["/music/a.xml"]


def test_a_file_without_a_version_is_a_v1_file() -> None:
    _write({k: v for k, v in V1_FILE.items() if k != "schema_version"})
    assert load_settings().level == "detailed"


def test_a_v1_file_upgrades_step_by_step_and_is_kept_aside(monkeypatch: pytest.MonkeyPatch) -> None:
    # The steps a future version would add: v2 renames a key, v3 derives one from it.
    calls: list[int] = []

    def to_v2(data: dict[str, Any]) -> dict[str, Any]:
        calls.append(2)
        data["theme"] = data.pop("colour_scheme", "dark")
        return data

    def to_v3(data: dict[str, Any]) -> dict[str, Any]:
        calls.append(3)
        data["notify_when_done"] = data["theme"] != "dark"
        return data

    monkeypatch.setattr(settings_module, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(settings_module, "MIGRATIONS", {2: to_v2, 3: to_v3})
    _write({**V1_FILE, "colour_scheme": "light"})
    loaded = load_settings()
    assert calls == [2, 3]
    assert loaded.theme == "light" and loaded.notify_when_done is True and loaded.level == "detailed"
    # The v1 file is kept as it was until the upgraded one is saved over it.
    backup = paths.settings_path().with_name("settings.json.v1")
    assert json.loads(backup.read_text(encoding="utf-8"))["colour_scheme"] == "light"
    save_settings(loaded)
    assert _read()["schema_version"] == 3
    calls.clear()
    assert load_settings() == loaded and calls == []  # migrated once only


def test_a_newer_file_is_read_and_saved_without_losing_what_this_version_does_not_know() -> None:
    newer = {**V1_FILE, "schema_version": SCHEMA_VERSION + 1, "stems": {"drums": True}, "level": "essential"}
    _write(newer)
    loaded = load_settings()
    assert loaded.level == "essential"
    loaded.add_recent("/music/b.xml")
    save_settings(loaded)
    after = _read()
    assert after["schema_version"] == SCHEMA_VERSION + 1, "the newer version must not re-migrate its own file"
    assert after["stems"] == {"drums": True}
    assert after["recent_files"][0] == "/music/b.xml"
    # And the file exactly as the newer version wrote it is kept aside.
    backup = paths.settings_path().with_name(f"settings.json.v{SCHEMA_VERSION + 1}")
    assert json.loads(backup.read_text(encoding="utf-8")) == newer


def test_a_fresh_save_writes_the_current_version() -> None:
    save_settings(Settings())
    assert _read()["schema_version"] == SCHEMA_VERSION
    assert not list(paths.settings_path().parent.glob("settings.json.v*"))
