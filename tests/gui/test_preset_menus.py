"""The job panel and the settings dialog show the Preset table: labels, models, addresses."""

from __future__ import annotations

from taggenius_desktop.gui.job_naming import tagger_label
from taggenius_desktop.gui.job_settings import JobSettingsPanel
from taggenius_desktop.gui.settings_dialog import SettingsDialog
from taggenius_desktop.settings import Settings
from taggenius_desktop.tagging.presets import AI_PRESETS, Preset


def test_the_job_panel_offers_every_preset_with_its_models_and_note(qtbot) -> None:  # noqa: ANN001
    panel = JobSettingsPanel(Settings())
    qtbot.addWidget(panel)
    combo = panel.provider_combo
    assert [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())] == [
        ("Offline (free, no internet)", "offline"), ("OpenAI", "openai"), ("Ollama (local)", "ollama"),
        ("LM Studio (local)", "lm-studio"), ("Custom server (OpenAI-compatible)", "custom")]
    for preset in Preset:
        panel.set_provider(preset.value)
        models = [panel.model_combo.itemText(i) for i in range(panel.model_combo.count())]
        assert panel.preset() is preset and models == list(preset.models)
        assert panel.provider_note.text() == preset.note
        assert panel.model_combo.isEnabled() is preset.is_llm
        assert panel.model() == preset.default_model
    settings = Settings()
    panel.set_provider("ollama")
    panel.store_settings(settings)
    assert (settings.provider, settings.llm_preset, settings.model) == ("ollama", "ollama", "llama3.1:8b")
    panel.set_provider("offline")
    panel.store_settings(settings)
    assert (settings.provider, settings.llm_preset, settings.model) == ("offline", "ollama", "")


def test_the_settings_dialog_offers_the_ai_presets_and_their_addresses(qtbot, memory_keyring) -> None:  # noqa: ANN001
    settings = Settings(provider="offline", llm_preset="custom", base_url="http://10.0.0.2:8080/v1")
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    combo = dialog.preset_combo
    assert [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())] == [
        ("OpenAI", "openai"), ("Ollama (local)", "ollama"), ("LM Studio (local)", "lm-studio"),
        ("Custom URL (OpenAI-compatible)", "custom")]
    assert dialog.preset() is Preset.CUSTOM and dialog.base_url_edit.text() == "http://10.0.0.2:8080/v1"
    for index, preset in enumerate(AI_PRESETS):
        combo.setCurrentIndex(index)
        assert dialog.base_url_edit.isReadOnly() is not preset.needs_address
        assert dialog.base_url_edit.text() == (settings.base_url if preset.needs_address else preset.address)
        assert dialog.model_edit.text() == preset.default_model  # a default model follows the preset
    combo.setCurrentIndex(AI_PRESETS.index(Preset.OLLAMA))
    dialog.store(settings)
    # The offline tagger stays chosen; the AI preset and its model are remembered for later.
    assert (settings.provider, settings.llm_preset, settings.model) == ("offline", "ollama", "llama3.1:8b")
    settings.provider = "openai"
    dialog.store(settings)
    assert settings.provider == "ollama" and settings.base_url == "http://10.0.0.2:8080/v1"


def test_job_names_say_which_tagger() -> None:
    assert tagger_label("offline", "gpt-4o-mini") == "Offline"
    assert tagger_label("openai") == "OpenAI" and tagger_label("openai", "gpt-4.1-mini") == "gpt-4.1-mini"
    assert tagger_label("openai-compatible") == "Local server"
    assert tagger_label("something-newer") == "something-newer"
