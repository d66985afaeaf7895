"""Settings: API key (OS keyring), AI server preset, Test connection, model, concurrency,
batch size, output folder, energy-to-colour and energy-to-rating maps, appearance.

The key never enters the settings file: Save Key hands it to ``credentials.set_api_key``,
which uses the keyring or, when there is none, keeps it for this session and says so.
"""

from __future__ import annotations

import logging
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .. import credentials
from ..settings import Settings
from ..tagging.choice import DEFAULT_OPENAI_MODEL, NO_OPENAI_KEY, OPENAI_BASE_URL, Provider
from ..tagging.presets import AI_PRESETS, DEFAULT_MODELS, Preset
from ..writeback.options import RATING_VALUES, rating_stars, stars_text
from . import dialogs, icons, tasks, theme

log = logging.getLogger(__name__)



def test_connection(provider: str, base_url: str | None, model: str, api_key: str | None) -> tuple[bool, str]:
    """Ask the server for its models; (ok, plain-words result). Runs in a background task.

    Uses the LLM package's ``check_connection``; the plain model listing below is only a
    fallback for a build without it.
    """
    try:
        from ..tagging.llm import LLMConfig, check_connection
    except ImportError:
        return _list_models_check(provider, base_url, model, api_key)
    try:
        config = LLMConfig(provider=provider, model=model or DEFAULT_OPENAI_MODEL, base_url=base_url, api_key=api_key)
    except ValueError as exc:
        return False, str(exc)
    result = check_connection(config)
    return result.ok, result.message


def _list_models_check(provider: str, base_url: str | None, model: str, api_key: str | None) -> tuple[bool, str]:
    import openai

    from ..tagging.llm.config import LOCAL_PLACEHOLDER_KEY, LLMConfig
    from ..tagging.llm.errors import classify

    if provider == Provider.OPENAI and not api_key:
        return False, f"{NO_OPENAI_KEY} Enter it above and press Save Key."
    config = LLMConfig(provider=provider, model=model or "unknown", base_url=base_url, api_key=api_key)
    client = openai.OpenAI(
        base_url=base_url or OPENAI_BASE_URL,
        api_key=api_key or LOCAL_PLACEHOLDER_KEY,
        timeout=10.0,
        max_retries=0,
    )
    try:
        names = [m.id for m in client.models.list()]
    except Exception as exc:  # noqa: BLE001 - every failure becomes a message
        return False, classify(exc, config).reason
    finally:
        client.close()
    where = "OpenAI" if provider == Provider.OPENAI else config.effective_base_url
    if model and names and model not in names:
        sample = ", ".join(names[:5])
        return False, f"Connected to {where}, but it has no model “{model}”. It offers: {sample}."
    return True, f"Connected to {where}: {len(names)} model(s) available" + (f", including {model}." if model else ".")


def _colour_icon(hex_value: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor("#" + hex_value[2:]))
    return QIcon(pixmap)


class SettingsDialog(QDialog):
    key_changed = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(560)
        self._settings = settings
        self._test_generation = 0

        tabs = QTabWidget()
        tabs.addTab(self._build_ai_tab(), "AI")
        tabs.addTab(self._build_jobs_tab(), "Jobs")
        tabs.addTab(self._build_maps_tab(), "Colours && Ratings")
        tabs.addTab(self._build_general_tab(), "General")
        self.tabs = tabs

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)
        self.load(settings)

    # -- tabs --------------------------------------------------------------------------
    def _build_ai_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setAccessibleName("OpenAI API key")
        self.key_edit.setPlaceholderText("sk-…")
        self.save_key_button = QPushButton(icons.icon("key"), "Save Key")
        self.save_key_button.clicked.connect(self.save_key)
        self.forget_key_button = QPushButton("Forget Key")
        self.forget_key_button.clicked.connect(self.forget_key)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.save_key_button)
        key_row.addWidget(self.forget_key_button)
        self.key_status = QLabel()
        self.key_status.setWordWrap(True)
        self.key_status.setAccessibleName("API key status")
        form.addRow("OpenAI API key:", key_row)
        form.addRow("", self.key_status)

        self.preset_combo = QComboBox()
        self.preset_combo.setAccessibleName("AI server")
        for preset in AI_PRESETS:
            self.preset_combo.addItem(preset.server_label, preset.value)
        self.preset_combo.currentIndexChanged.connect(self._preset_changed)
        self.base_url_edit = QLineEdit()
        self.base_url_edit.setAccessibleName("Server address")
        self.base_url_edit.setPlaceholderText("http://localhost:8080/v1")
        self.model_edit = QLineEdit()
        self.model_edit.setAccessibleName("Model name")
        self.test_button = QPushButton("Test Connection")
        self.test_button.clicked.connect(self.start_connection_test)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setAccessibleName("Connection test result")
        form.addRow("AI server:", self.preset_combo)
        form.addRow("Address:", self.base_url_edit)
        form.addRow("Model:", self.model_edit)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        form.addRow("", test_row)
        return page

    def _build_jobs_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.concurrency_spin = QSpinBox()
        self.concurrency_spin.setRange(0, 64)
        self.concurrency_spin.setSpecialValueText("Automatic")
        self.concurrency_spin.setToolTip("Requests in flight at once (Automatic: 16 for OpenAI, 2 for local servers)")
        self.batch_spin = QSpinBox()
        self.batch_spin.setRange(0, 100)
        self.batch_spin.setSpecialValueText("Automatic")
        self.batch_spin.setToolTip("Tracks per request (Automatic: 20 for OpenAI, 5 for local servers)")
        self.cache_check = QCheckBox("Reuse tags from earlier runs (no second payment for the same track)")
        self.output_edit = QLineEdit()
        self.output_edit.setAccessibleName("Output folder")
        browse = QPushButton(icons.icon("open"), "")
        browse.setAccessibleName("Choose output folder")
        browse.setToolTip("Choose the output folder")
        browse.clicked.connect(self._browse_output)
        output_row = QHBoxLayout()
        output_row.addWidget(self.output_edit, 1)
        output_row.addWidget(browse)
        form.addRow("Concurrency:", self.concurrency_spin)
        form.addRow("Batch size:", self.batch_spin)
        form.addRow("", self.cache_check)
        form.addRow("Output folder:", output_row)
        note = QLabel("Tagged files are written here as NAME_tagged.xml; your library file is never changed.")
        note.setWordWrap(True)
        note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        form.addRow("", note)
        return page

    def _build_maps_tab(self) -> QWidget:
        from ..writeback import COLOUR_PALETTE, COLOUR_RED

        page = QWidget()
        grid = QGridLayout(page)
        grid.addWidget(QLabel("Energy"), 0, 0)
        grid.addWidget(QLabel("Colour"), 0, 1)
        grid.addWidget(QLabel("Rating"), 0, 2)
        self.colour_combos: dict[int, QComboBox] = {}
        self.rating_combos: dict[int, QComboBox] = {}
        for energy in range(1, 11):
            colour = QComboBox()
            colour.setAccessibleName(f"Colour for energy {energy}")
            for hex_value, name in COLOUR_PALETTE.items():
                if hex_value != COLOUR_RED:  # Red is the DJ's own mark, never from energy
                    colour.addItem(_colour_icon(hex_value), name, hex_value)
            rating = QComboBox()
            rating.setAccessibleName(f"Rating for energy {energy}")
            for value in RATING_VALUES[1:]:  # no "0 stars": energy always gives a rating
                stars = rating_stars(value)
                rating.addItem(stars_text(stars), value)
            grid.addWidget(QLabel(str(energy)), energy, 0)
            grid.addWidget(colour, energy, 1)
            grid.addWidget(rating, energy, 2)
            self.colour_combos[energy] = colour
            self.rating_combos[energy] = rating
        reset = QPushButton("Reset to Defaults")
        reset.clicked.connect(self._reset_maps)
        grid.addWidget(reset, 11, 0, 1, 3, Qt.AlignmentFlag.AlignLeft)
        note = QLabel("Colours and stars are written only where the track has none, unless you choose Replace.")
        note.setWordWrap(True)
        note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        grid.addWidget(note, 12, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        return page

    def _build_general_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.theme_combo = QComboBox()
        self.theme_combo.setAccessibleName("Appearance")
        for value, text in (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")):
            self.theme_combo.addItem(text, value)
        self.notify_check = QCheckBox("Notify me when a job finishes while Tag Genius is in the background")
        form.addRow("Appearance:", self.theme_combo)
        form.addRow("", self.notify_check)
        return page

    # -- load / store ------------------------------------------------------------------
    def load(self, settings: Settings) -> None:
        from ..writeback import DEFAULT_COLOUR_MAP, DEFAULT_RATING_MAP

        chosen = settings.ai_preset
        self.preset_combo.setCurrentIndex(max(0, self.preset_combo.findData(chosen.value)))
        self._preset_changed()
        if chosen.needs_address:
            self.base_url_edit.setText(settings.base_url)
        self.model_edit.setText(settings.model or chosen.default_model)
        self.concurrency_spin.setValue(settings.concurrency)
        self.batch_spin.setValue(settings.batch_size)
        self.cache_check.setChecked(settings.use_cache)
        self.output_edit.setText(str(settings.effective_output_dir))
        colour_map = {int(k): v for k, v in (settings.colour_map or DEFAULT_COLOUR_MAP).items()}
        rating_map = {int(k): int(v) for k, v in (settings.rating_map or DEFAULT_RATING_MAP).items()}
        for energy in range(1, 11):
            combo = self.colour_combos[energy]
            combo.setCurrentIndex(max(0, combo.findData(colour_map.get(energy))))
            combo = self.rating_combos[energy]
            combo.setCurrentIndex(max(0, combo.findData(rating_map.get(energy))))
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(settings.theme)))
        self.notify_check.setChecked(settings.notify_when_done)
        self.refresh_key_status()

    def store(self, settings: Settings) -> None:
        from ..writeback import DEFAULT_COLOUR_MAP, DEFAULT_RATING_MAP

        preset = self.preset()
        settings.llm_preset = preset.value
        if preset.needs_address:
            settings.base_url = self.base_url_edit.text().strip()
        settings.model = self.model_edit.text().strip()
        if settings.preset.is_llm:
            settings.provider = preset.value
        settings.concurrency = self.concurrency_spin.value()
        settings.batch_size = self.batch_spin.value()
        settings.use_cache = self.cache_check.isChecked()
        output = self.output_edit.text().strip()
        settings.output_dir = "" if output == str(Settings().effective_output_dir) else output
        colours = {energy: combo.currentData() for energy, combo in self.colour_combos.items()}
        ratings = {energy: combo.currentData() for energy, combo in self.rating_combos.items()}
        settings.colour_map = {} if colours == dict(DEFAULT_COLOUR_MAP) else {str(k): v for k, v in colours.items()}
        settings.rating_map = {} if ratings == dict(DEFAULT_RATING_MAP) else {str(k): v for k, v in ratings.items()}
        settings.theme = self.theme_combo.currentData()
        settings.notify_when_done = self.notify_check.isChecked()

    def accept(self) -> None:
        if self.key_edit.text().strip():
            self.save_key()
        self.store(self._settings)
        super().accept()

    # -- key ---------------------------------------------------------------------------
    def refresh_key_status(self) -> None:
        status = credentials.key_status()
        self.forget_key_button.setEnabled(status.has_key and status.source != credentials.KeySource.ENVIRONMENT)
        sources = {credentials.KeySource.KEYRING: "Stored", credentials.KeySource.SESSION: "This session only",
                   credentials.KeySource.ENVIRONMENT: "From the environment"}
        where = sources.get(status.source)
        self.key_edit.setPlaceholderText(f"{where}: {status.masked}" if where and status.masked else "sk-…")
        if self.preset().provider is not Provider.OPENAI:
            # A local or custom server never receives the OpenAI key: no warning about it.
            self.key_status.setText("Not needed for this server: the OpenAI key is only ever sent to OpenAI.")
            self.key_status.setStyleSheet("")
            return
        text = status.message + (f" ({status.masked})" if status.masked else "")
        warn = not status.keyring_available or not status.has_key
        colour = theme.status_colour("Interrupted" if warn else "Completed")
        self.key_status.setText(text)
        self.key_status.setStyleSheet(f"color: {colour.name()};")

    def save_key(self) -> None:
        key = self.key_edit.text().strip()
        if not key:
            return
        credentials.set_api_key(key)
        self.key_edit.clear()
        self.refresh_key_status()
        self.key_changed.emit()

    def forget_key(self) -> None:
        credentials.delete_api_key()
        self.refresh_key_status()
        self.key_changed.emit()

    # -- provider ----------------------------------------------------------------------
    def preset(self) -> Preset:
        return Preset.named(self.preset_combo.currentData()) or Preset.OPENAI

    def _preset_changed(self, *_args: object) -> None:
        preset = self.preset()
        typed = preset.needs_address
        self.base_url_edit.setReadOnly(not typed)
        self.base_url_edit.setText(self._settings.base_url if typed else preset.address)
        if not self.model_edit.text().strip() or self.model_edit.text() in DEFAULT_MODELS:
            self.model_edit.setText(preset.default_model)
        self.test_result.clear()
        self.refresh_key_status()

    def start_connection_test(self) -> None:
        provider = self.preset().provider
        base_url = None if provider is Provider.OPENAI else (self.base_url_edit.text().strip() or None)
        if provider is Provider.COMPATIBLE and not base_url:
            self._show_test_result(False, "Enter the server's address first, e.g. http://localhost:8080/v1.")
            return
        model = self.model_edit.text().strip()
        typed = self.key_edit.text().strip()
        api_key = typed or (credentials.get_api_key() if provider is Provider.OPENAI else None)
        self._test_generation += 1
        generation = self._test_generation
        self.test_button.setEnabled(False)
        self.test_result.setStyleSheet("")
        self.test_result.setText("Testing…")

        def work() -> tuple[int, bool, str]:
            ok, message = test_connection(provider.value, base_url, model, api_key)
            return generation, ok, credentials.redact(message, api_key)

        tasks.run_task(work, self._test_done, self._test_failed, io=True)

    def _test_done(self, result: tuple[int, bool, str]) -> None:
        generation, ok, message = result
        if generation == self._test_generation:
            self._show_test_result(ok, message)

    def _test_failed(self, exc: BaseException) -> None:
        self._show_test_result(False, credentials.redact(f"The test failed: {exc}"))

    def _show_test_result(self, ok: bool, message: str) -> None:
        self.test_button.setEnabled(True)
        self.test_result.setText(message)
        self.test_result.setStyleSheet(f"color: {theme.status_colour('Completed' if ok else 'Failed').name()};")

    # -- misc --------------------------------------------------------------------------
    def _browse_output(self) -> None:
        chosen = dialogs.choose_directory(self, "Choose the output folder", self.output_edit.text())
        if chosen:
            self.output_edit.setText(chosen)

    def _reset_maps(self) -> None:
        from ..writeback import DEFAULT_COLOUR_MAP, DEFAULT_RATING_MAP

        for energy in range(1, 11):
            self.colour_combos[energy].setCurrentIndex(self.colour_combos[energy].findData(DEFAULT_COLOUR_MAP[energy]))
            self.rating_combos[energy].setCurrentIndex(self.rating_combos[energy].findData(DEFAULT_RATING_MAP[energy]))

