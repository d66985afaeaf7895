"""Settings: typed defaults, persistence, a corrupt file; the dialog, the key in the keyring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taggenius_desktop import credentials, paths
from taggenius_desktop.gui.settings_dialog import SettingsDialog
from taggenius_desktop.settings import SCHEMA_VERSION, Settings, load_settings, save_settings
from tests.support.libraries import write_library


def test_defaults_when_there_is_no_file() -> None:
    settings = load_settings()
    assert settings == Settings()
    assert settings.level == "recommended" and settings.provider == "offline"
    assert settings.effective_output_dir == paths.default_output_dir()


def test_settings_round_trip() -> None:
    settings = Settings(level="detailed", provider="ollama", model="llama3.1:8b", concurrency=3,
                        colour_map={str(e): "0x0000FF" for e in range(1, 11)})
    settings.add_recent("/music/a.xml")
    settings.add_recent("/music/b.xml")
    settings.add_recent("/music/a.xml")
    save_settings(settings)
    data = json.loads(paths.settings_path().read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION
    assert "api_key" not in json.dumps(data).lower()
    loaded = load_settings()
    assert loaded == settings
    assert loaded.recent_files == ["/music/a.xml", "/music/b.xml"]
    assert loaded.job_provider == "openai-compatible"
    assert loaded.effective_base_url == "http://localhost:11434/v1"
    assert loaded.write_options()["colour_map"]["5"] == "0x0000FF"


def test_a_corrupt_file_gives_defaults_and_is_kept_aside() -> None:
    target = paths.settings_path()
    target.write_text("{not json", encoding="utf-8")
    assert load_settings() == Settings()
    assert target.with_name("settings.json.corrupt").read_text(encoding="utf-8") == "{not json"


def test_bad_values_fall_back_field_by_field() -> None:
    paths.settings_path().write_text(json.dumps({
        "level": "extreme", "concurrency": "lots", "provider": "ollama", "use_cache": 1,
        "write_modes": {"genre": "fill_if_empty", "colour": "paint"}, "colour_map": {"1": "0xFF0000"},
        "unknown_future_key": True,
    }), encoding="utf-8")
    settings = load_settings()
    assert settings.level == "recommended"
    assert settings.concurrency == 0
    assert settings.provider == "ollama"  # valid values survive
    assert settings.use_cache is True
    assert settings.write_modes["genre"] == "fill_if_empty"
    assert settings.write_modes["colour"] == "fill_if_empty"  # the default, "paint" is unknown
    assert settings.colour_map == {}  # Red from energy is never allowed


def test_the_key_is_saved_in_the_keyring(qtbot, memory_keyring) -> None:
    settings = Settings()
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.key_edit.echoMode() == dialog.key_edit.EchoMode.Password
    dialog.key_edit.setText("sk-test-abcdefghijklmnop-1234")
    dialog.save_key_button.click()
    assert memory_keyring.passwords[(credentials.SERVICE_NAME, credentials.KEY_USERNAME)] == \
        "sk-test-abcdefghijklmnop-1234"
    assert dialog.key_edit.text() == ""  # never left on screen
    assert "keyring" in dialog.key_status.text()
    assert "abcdefghijklmnop" not in dialog.key_status.text()
    dialog.forget_key_button.click()
    assert memory_keyring.passwords == {}


def test_without_a_keyring_the_key_is_kept_for_the_session_visibly(qtbot, failing_keyring) -> None:
    try:
        dialog = SettingsDialog(Settings())
        qtbot.addWidget(dialog)
        assert "no usable keyring" in dialog.key_status.text()
        dialog.key_edit.setText("sk-session-abcdefghijklmnop")
        dialog.save_key_button.click()
        assert "this session only" in dialog.key_status.text()
        assert credentials.get_api_key() == "sk-session-abcdefghijklmnop"
    finally:
        credentials.delete_api_key()


def test_dialog_stores_its_values(qtbot, memory_keyring, tmp_path: Path) -> None:
    settings = Settings(provider="openai", llm_preset="openai")
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.preset_combo.setCurrentIndex(dialog.preset_combo.findData("custom"))
    dialog.base_url_edit.setText("http://127.0.0.1:9999/v1")
    dialog.model_edit.setText("my-model")
    dialog.concurrency_spin.setValue(4)
    dialog.batch_spin.setValue(7)
    dialog.output_edit.setText(str(tmp_path / "out"))
    dialog.colour_combos[10].setCurrentIndex(dialog.colour_combos[10].findData("0x0000FF"))
    dialog.rating_combos[1].setCurrentIndex(dialog.rating_combos[1].findData(102))
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    dialog.accept()
    assert (settings.provider, settings.llm_preset, settings.base_url, settings.model) == \
        ("custom", "custom", "http://127.0.0.1:9999/v1", "my-model")
    assert (settings.concurrency, settings.batch_size) == (4, 7)
    assert settings.effective_output_dir == tmp_path / "out"
    assert settings.colour_map["10"] == "0x0000FF" and settings.rating_map["1"] == 102
    assert settings.theme == "dark"
    # the maps are ones the writeback accepts
    from taggenius_desktop.writeback import WriteOptions

    WriteOptions.from_dict(settings.write_options())


def test_test_connection_runs_in_the_background(qtbot, memory_keyring, fake_openai) -> None:
    server = fake_openai()
    dialog = SettingsDialog(Settings(llm_preset="custom", base_url=server.base_url, model="gpt-4o-mini"))
    qtbot.addWidget(dialog)
    dialog.test_button.click()
    assert dialog.test_result.text() == "Testing…"  # returned at once: the work is off the GUI thread
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=15_000)
    assert "Connected" in dialog.test_result.text(), dialog.test_result.text()
    dialog.model_edit.setText("no-such-model")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=15_000)
    assert "no-such-model" in dialog.test_result.text()


def test_recent_files_and_choices_persist_across_launches(make_window, qtbot, tmp_path: Path) -> None:
    library = write_library(tmp_path / "lib.xml", n=3)
    window = make_window(load_settings())
    with qtbot.waitSignal(window.library_loaded, timeout=10_000):
        window.open_library(library)
    window.job_settings.set_level("detailed")
    window.job_settings.field_checks["grouping"].setChecked(True)
    qtbot.waitUntil(lambda: load_settings().level == "detailed", timeout=5000)
    again = load_settings()
    assert again.recent_files[0] == str(library)
    assert again.write_modes["grouping"] == "replace"
    second = make_window(again)
    assert second.job_settings.level() == "detailed"
    assert second.recent_menu.actions()[0].toolTip() == str(library)


def test_openai_jobs_get_the_key_from_the_keyring(make_window, qtbot, memory_keyring, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from taggenius_desktop.gui import dialogs
    from taggenius_desktop.jobs import SpecError

    errors = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, text: errors.append(text))
    window = make_window(Settings(provider="openai", llm_preset="openai", model="gpt-4o-mini"))
    with qtbot.waitSignal(window.library_loaded, timeout=10_000):
        window.open_library(write_library(tmp_path / "lib.xml", n=3))
    with pytest.raises(SpecError, match="No OpenAI API key"):
        window.build_tag_spec()
    assert window.start_tagging() is None and "No OpenAI API key" in errors[0]
    credentials.set_api_key("sk-from-keyring-abcdefghijkl")
    spec = window.build_tag_spec()
    assert spec.provider.provider == "openai"
    assert spec.provider.api_key == "sk-from-keyring-abcdefghijkl"
    assert "sk-from-keyring" not in repr(spec)
