"""Job settings: level (with a live preview of one track), provider and model, which
fields to write and how, and the scope. The Start button only asks; the window builds the
spec with ``jobs.build_tag_job`` and submits it.
"""

from __future__ import annotations

from typing import Any, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..settings import LEVELS, Settings
from ..tagging.presets import Preset
from ..vocabulary.profile import Level
from ..writeback.options import WriteMode
from . import icons, theme
from .scope_tree import ScopeTree

LEVEL_HELP = {
    Level.ESSENTIAL.value: "1 value per category: primary genre + 1 sub-genre, 1 vibe, 1 situation.",
    Level.RECOMMENDED.value: "2 values per category: the best balance for browsing in rekordbox.",
    Level.DETAILED.value: "3 values per category: the fullest picture, longest comments.",
}
_DEFAULT_LEVEL = Level.RECOMMENDED.value
_KEEP, _REPLACE = WriteMode.KEEP.value, WriteMode.REPLACE.value
FIELDS = (
    ("genre", "Genre", "Primary genre and sub-genres"),
    ("comments", "Comments", "Energy, vibes, situations, components and era in a Tag Genius block; "
                             "your own comment text is kept"),
    ("colour", "Colour", "Track colour from energy"),
    ("rating", "Rating", "Stars from energy"),
    ("grouping", "Grouping", "Situations (set phase), a sortable column"),
)
MODE_CHOICES = ((_REPLACE, "Replace"), (WriteMode.FILL_IF_EMPTY.value, "Only if empty"))
#: Comments "replace" keeps the DJ's text and swaps only the Tag Genius block: say that.
MODE_LABELS = {("comments", _REPLACE): "Our block only"}


class JobSettingsPanel(QWidget):
    options_changed = Signal()  # anything that changes the preview or the estimate
    start_requested = Signal()
    settings_requested = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._sample_attrs: Mapping[str, str] | None = None
        self._sample_profile: Any = None
        self._loading = False

        # Level ------------------------------------------------------------------------
        self.level_buttons: dict[str, QRadioButton] = {}
        level_group = QButtonGroup(self)
        level_row = QHBoxLayout()
        for level in LEVELS:
            button = QRadioButton(level.capitalize())
            button.setToolTip(LEVEL_HELP[level])
            level_group.addButton(button)
            level_row.addWidget(button)
            self.level_buttons[level] = button
            button.toggled.connect(self._changed)
        level_row.addStretch(1)
        self.level_help = QLabel()
        self.level_help.setWordWrap(True)
        self.level_help.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.sample_label = QLabel("Open a library to see a preview.")
        self.sample_label.setWordWrap(True)
        self.genre_before = self._preview_label()
        self.genre_after = self._preview_label(bold=True)
        self.comments_before = self._preview_label()
        self.comments_after = self._preview_label(bold=True)
        preview_grid = QGridLayout()
        preview_grid.addWidget(QLabel("Before"), 0, 1)
        preview_grid.addWidget(QLabel("After"), 0, 2)
        preview_grid.addWidget(QLabel("Genre:"), 1, 0, Qt.AlignmentFlag.AlignTop)
        preview_grid.addWidget(self.genre_before, 1, 1, Qt.AlignmentFlag.AlignTop)
        preview_grid.addWidget(self.genre_after, 1, 2, Qt.AlignmentFlag.AlignTop)
        preview_grid.addWidget(QLabel("Comments:"), 2, 0, Qt.AlignmentFlag.AlignTop)
        preview_grid.addWidget(self.comments_before, 2, 1, Qt.AlignmentFlag.AlignTop)
        preview_grid.addWidget(self.comments_after, 2, 2, Qt.AlignmentFlag.AlignTop)
        preview_grid.setColumnStretch(1, 1)
        preview_grid.setColumnStretch(2, 1)

        level_box = QGroupBox("Level")
        level_layout = QVBoxLayout(level_box)
        level_layout.addLayout(level_row)
        level_layout.addWidget(self.level_help)
        level_layout.addWidget(self.sample_label)
        level_layout.addLayout(preview_grid)

        # Provider ---------------------------------------------------------------------
        self.provider_combo = QComboBox()
        self.provider_combo.setAccessibleName("Tagger")
        for preset in Preset:  # the offline tagger, then the AI presets
            self.provider_combo.addItem(preset.label, preset.value)
        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)
        self.model_combo.setAccessibleName("Model")
        self.model_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.settings_button = QPushButton(icons.icon("settings"), "")
        self.settings_button.setToolTip("Settings: API key, servers, concurrency (Ctrl+,)")
        self.settings_button.setAccessibleName("Open settings")
        self.settings_button.clicked.connect(self.settings_requested)
        self.provider_note = QLabel()
        self.provider_note.setWordWrap(True)
        self.provider_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        provider_box = QGroupBox("Tagger")
        provider_form = QFormLayout(provider_box)
        provider_row = QHBoxLayout()
        provider_row.addWidget(self.provider_combo, 1)
        provider_row.addWidget(self.settings_button)
        provider_form.addRow("Use:", provider_row)
        provider_form.addRow("Model:", self.model_combo)
        provider_form.addRow(self.provider_note)
        self.provider_combo.currentIndexChanged.connect(self._provider_changed)
        self.model_combo.currentTextChanged.connect(self._changed)

        # Fields -----------------------------------------------------------------------
        fields_box = QGroupBox("Write to")
        grid = QGridLayout(fields_box)
        self.field_checks: dict[str, QCheckBox] = {}
        self.field_modes: dict[str, QComboBox] = {}
        for row, (name, label, tip) in enumerate(FIELDS):
            check = QCheckBox(label)
            check.setToolTip(tip)
            mode = QComboBox()
            mode.setAccessibleName(f"{label} write mode")
            for value, text in MODE_CHOICES:
                mode.addItem(MODE_LABELS.get((name, value), text), value)
            check.toggled.connect(mode.setEnabled)
            check.toggled.connect(self._changed)
            mode.currentIndexChanged.connect(self._changed)
            grid.addWidget(check, row, 0)
            grid.addWidget(mode, row, 1)
            self.field_checks[name] = check
            self.field_modes[name] = mode
        self.protect_red = QCheckBox("Leave tracks coloured Red alone")
        self.protect_red.setToolTip("Red is the usual “review / delete” mark: such tracks are never changed")
        self.protect_red.toggled.connect(self._changed)
        grid.addWidget(self.protect_red, len(FIELDS), 0, 1, 2)
        # Off on every start (not saved): writing guesses as facts must be a fresh choice.
        self.fill_unknown = QCheckBox("Also write genres guessed from the tempo")
        self.fill_unknown.setToolTip("Off: tracks whose genre is only a guess from the tempo keep their fields "
                                     "and are listed as unsure")
        self.fill_unknown.toggled.connect(self._changed)
        grid.addWidget(self.fill_unknown, len(FIELDS) + 1, 0, 1, 2)
        grid.setColumnStretch(1, 1)

        # Scope ------------------------------------------------------------------------
        scope_box = QGroupBox("Tracks")
        scope_layout = QVBoxLayout(scope_box)
        self.scope = ScopeTree()
        self.scope.scope_changed.connect(self._changed)
        scope_layout.addWidget(self.scope)

        # Start ------------------------------------------------------------------------
        self.start_button = QPushButton(icons.icon("start", "#ffffff"), "Start Tagging")
        self.start_button.setDefault(True)
        self.start_button.setMinimumHeight(34)
        self.start_button.setToolTip("Tag the library and write a new XML (Ctrl+Return). Your file is never changed.")
        self.start_button.clicked.connect(self.start_requested)
        self.start_button.setObjectName("primaryButton")
        theme.style_primary(self.start_button)
        self.output_label = QLabel()
        self.output_label.setWordWrap(True)
        self.output_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        left = QVBoxLayout()
        left.addWidget(level_box)
        left.addWidget(provider_box)
        self._left = left
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(fields_box)
        right.addWidget(scope_box, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        bottom = QHBoxLayout()
        bottom.addWidget(self.output_label, 1)
        self._secondary = QHBoxLayout()
        bottom.addLayout(self._secondary)
        bottom.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(columns, 1)
        layout.addLayout(bottom)

        self.load_settings(settings)
        self.set_library_loaded(False)

    def add_option_box(self, box: QWidget) -> None:
        """Another group of job options under the Tagger box (the audio options)."""
        self._left.insertWidget(self._left.count() - 1, box)

    def add_secondary_actions(self, actions) -> None:  # noqa: ANN001
        """Buttons beside Start for other jobs on this library (Split, Restore)."""
        from PySide6.QtWidgets import QToolButton

        for action in actions:
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setMinimumHeight(34)
            self._secondary.addWidget(button)

    def sample_track_id(self) -> str | None:
        return (self._sample_attrs or {}).get("TrackID")

    def sample_attrs(self) -> Mapping[str, str] | None:
        return self._sample_attrs

    def sample_profile(self) -> Any:
        return self._sample_profile

    # -- settings ------------------------------------------------------------------------
    def load_settings(self, settings: Settings) -> None:
        self._settings = settings
        self._loading = True
        try:
            self.level_buttons.get(settings.level, self.level_buttons[_DEFAULT_LEVEL]).setChecked(True)
            index = self.provider_combo.findData(settings.provider)
            self.provider_combo.setCurrentIndex(max(0, index))
            self._fill_models(settings.provider, settings.model)
            for name, check in self.field_checks.items():
                mode = settings.write_modes.get(name, _KEEP)
                check.setChecked(mode != _KEEP)
                combo = self.field_modes[name]
                combo.setCurrentIndex(max(0, combo.findData(mode if mode != _KEEP else _REPLACE)))
                combo.setEnabled(mode != _KEEP)
            self.protect_red.setChecked(settings.protect_red)
            self.output_label.setText(f"Output folder: {settings.effective_output_dir}")
        finally:
            self._loading = False
        self._update_help()
        self._update_preview()

    def store_settings(self, settings: Settings) -> None:
        """Write the panel's choices into ``settings`` (the window saves them)."""
        settings.level = self.level()
        preset = self.preset()
        settings.provider = preset.value
        settings.model = self.model()
        if preset.is_llm:
            settings.llm_preset = preset.value
        settings.write_modes = self.write_modes()
        settings.protect_red = self.protect_red.isChecked()

    # -- values ------------------------------------------------------------------------
    def level(self) -> str:
        return next((level for level, button in self.level_buttons.items() if button.isChecked()), _DEFAULT_LEVEL)

    def set_level(self, level: str) -> None:
        self.level_buttons[level].setChecked(True)

    def preset(self) -> Preset:
        return Preset.named(self.provider_combo.currentData()) or Preset.OFFLINE

    def provider(self) -> str:
        """The chosen preset's name (as the settings save it)."""
        return self.preset().value

    def set_provider(self, provider: str) -> None:
        self.provider_combo.setCurrentIndex(max(0, self.provider_combo.findData(provider)))

    def model(self) -> str:
        return self.model_combo.currentText().strip() if self.preset().is_llm else ""

    def write_modes(self) -> dict[str, str]:
        return {name: (self.field_modes[name].currentData() if check.isChecked() else _KEEP)
                for name, check in self.field_checks.items()}

    def write_options(self) -> dict[str, Any]:
        """``write_options`` for the job spec: the panel's modes plus the settings' maps."""
        options = self._settings.write_options()
        options.update(self.write_modes())
        options["protect_red"] = self.protect_red.isChecked()
        options["fill_unknown_genres"] = self.fill_unknown.isChecked()
        return options

    def playlists(self) -> list[str]:
        return self.scope.chosen_playlists()

    # -- library -----------------------------------------------------------------------
    def set_library_loaded(self, loaded: bool) -> None:
        self.start_button.setEnabled(loaded)
        if not loaded:
            self.scope.set_playlists(None)
            self.set_sample(None, None)

    def set_sample(self, attrs: Mapping[str, str] | None, profile: Any) -> None:
        """The track the preview shows, with the profile a tagger gave it."""
        self._sample_attrs = attrs
        self._sample_profile = profile
        self._update_preview()

    def preview_texts(self) -> dict[str, tuple[str, str]]:
        """Genre and Comments as (before, after) for the sample track (tests read this)."""
        return {
            "Genre": (self.genre_before.text(), self.genre_after.text()),
            "Comments": (self.comments_before.text(), self.comments_after.text()),
        }

    # -- internals ---------------------------------------------------------------------
    @staticmethod
    def _preview_label(bold: bool = False) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setTextFormat(Qt.TextFormat.PlainText)
        # Top-aligned: a Before that wraps to two lines must not push its After out of line.
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        label.setMinimumWidth(120)
        if bold:
            font = label.font()
            font.setBold(True)
            label.setFont(font)
        return label

    def _fill_models(self, provider: str, current: str) -> None:
        preset = Preset.named(provider) or Preset.OFFLINE
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        self.model_combo.addItems(list(preset.models))
        if current:
            self.model_combo.setCurrentText(current)
        elif self.model_combo.count():
            self.model_combo.setCurrentIndex(0)
        self.model_combo.blockSignals(False)
        self.model_combo.setEnabled(preset.is_llm)
        self.provider_note.setText(preset.note)

    def _provider_changed(self, _index: int) -> None:
        if self._loading:
            return
        provider = self.provider()
        keep = self._settings.model if provider == self._settings.provider else ""
        self._fill_models(provider, keep)
        self._changed()

    def _update_help(self) -> None:
        self.level_help.setText(LEVEL_HELP[self.level()])

    def _changed(self, *_args: object) -> None:
        if self._loading:
            return
        self._update_help()
        self._update_preview()
        self.options_changed.emit()

    def _update_preview(self) -> None:
        attrs, profile = self._sample_attrs, self._sample_profile
        if attrs is None or profile is None:
            self.sample_label.setText("Open a library to see a preview of one of its tracks.")
            for label in (self.genre_before, self.genre_after, self.comments_before, self.comments_after):
                label.setText("")
            return
        from ..writeback import WriteOptions, preview

        artist, title = attrs.get("Artist", ""), attrs.get("Name", "")
        self.sample_label.setText(f"Preview: {artist} – {title}" if artist else f"Preview: {title}")
        try:
            options = WriteOptions.from_dict({**self.write_options(), "level": self.level()})
            fields = preview(attrs, profile, options)
        except ValueError as exc:
            self.genre_after.setText(f"(cannot preview: {exc})")
            return
        genre_before, genre_after = fields.get("Genre", (None, None))
        comments_before, comments_after = fields.get("Comments", (None, None))
        self.genre_before.setText(genre_before or "(empty)")
        self.genre_after.setText(genre_after or "(empty)")
        self.comments_before.setText(comments_before or "(empty)")
        self.comments_after.setText(comments_after or "(empty)")
