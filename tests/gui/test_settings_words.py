"""Settings say what is true: no OpenAI-key warning for a local server, no "Stored" for a
session key, diagnostics without any part of the key, Comments mode named for what it does."""

from __future__ import annotations

from taggenius_desktop import credentials
from taggenius_desktop.gui.help import diagnostics_text
from taggenius_desktop.gui.job_settings import JobSettingsPanel
from taggenius_desktop.gui.settings_dialog import SettingsDialog
from taggenius_desktop.settings import Settings

KEY = "sk-session-abcdefghijklmnop-123"


def test_no_openai_key_warning_with_the_ollama_preset(qtbot, memory_keyring) -> None:  # noqa: ANN001
    dialog = SettingsDialog(Settings(provider="ollama", llm_preset="ollama"))
    qtbot.addWidget(dialog)
    assert "No OpenAI API key" not in dialog.key_status.text()
    assert "not needed" in dialog.key_status.text().lower()
    dialog.preset_combo.setCurrentIndex(dialog.preset_combo.findData("openai"))
    assert "No OpenAI API key" in dialog.key_status.text()  # and it is back for OpenAI


def test_a_session_key_is_never_called_stored(qtbot, failing_keyring) -> None:  # noqa: ANN001
    try:
        dialog = SettingsDialog(Settings(llm_preset="openai"))
        qtbot.addWidget(dialog)
        dialog.key_edit.setText(KEY)
        dialog.save_key_button.click()
        assert "session only" in dialog.key_status.text()
        placeholder = dialog.key_edit.placeholderText()
        assert not placeholder.startswith("Stored") and "session" in placeholder.lower()
    finally:
        credentials.delete_api_key()


def test_diagnostics_hold_no_part_of_the_key(memory_keyring) -> None:  # noqa: ANN001
    credentials.set_api_key(KEY)
    try:
        masked = credentials.key_status().masked
        text = diagnostics_text()
    finally:
        credentials.delete_api_key()
    assert masked and "API key: keyring" in text
    assert KEY not in text and masked not in text and "-123" not in text


def test_comments_mode_says_only_our_block_is_replaced(qtbot) -> None:  # noqa: ANN001
    panel = JobSettingsPanel(Settings())
    qtbot.addWidget(panel)
    combo = panel.field_modes["comments"]
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert "Our block only" in labels and "Replace" not in labels
    assert combo.itemData(labels.index("Our block only")) == "replace"
    genre = panel.field_modes["genre"]
    assert "Replace" in [genre.itemText(i) for i in range(genre.count())]
