"""The "Energy from audio" options of a tag job: the switch, how many of the library's
files were found here, the analysis time, and the music folder to look in instead.

The window's :class:`~.audio_session.AudioSession` holds it: it counts the files
(``audio.locate.count_found`` in the thread pool) and calls :meth:`AudioOptions.set_found`; when the DJ picks a music
folder the widget works out the remap itself (``audio.locate.suggest_remap`` is quick:
it tries a few dozen files) and emits :attr:`AudioOptions.changed`, so the holder
counts again. :meth:`mode` and :meth:`music_roots` go into the settings, and from
there into the job spec (``jobs.from_settings``).
"""

from __future__ import annotations

from typing import Iterable

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QWidget

from ..audio.estimate import describe_estimate
from ..audio.locate import FoundCount, Remap, suggest_remap

MODES = (("auto", "When the files are found"), ("on", "Always"), ("off", "Never (metadata only)"))


class AudioOptions(QGroupBox):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Energy from audio", parent)
        self.mode_box = QComboBox()
        for value, label in MODES:
            self.mode_box.addItem(label, value)
        self.mode_box.setToolTip(
            "Decode each track's file and measure its energy (loudness, drums, density);\n"
            "tracks whose file is not found are tagged from their metadata."
        )
        self.found_label = QLabel("—")
        self.found_label.setWordWrap(True)
        self.estimate_label = QLabel("—")
        self.estimate_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.folder_button = QPushButton("Music folder…")
        self.folder_button.setToolTip("Where the music is on this computer, if the library was exported elsewhere")
        self.remap_label = QLabel()
        self.remap_label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.folder_button)
        row.addStretch(1)
        form = QFormLayout(self)
        form.addRow("Measure:", self.mode_box)
        form.addRow("Files found:", self.found_label)
        form.addRow("Analysis:", self.estimate_label)
        form.addRow("", row)
        form.addRow("", self.remap_label)
        self._remaps: list[Remap] = []
        self._locations: list[str] = []
        self._found: FoundCount | None = None
        self.mode_box.currentIndexChanged.connect(self._mode_changed)
        self.folder_button.clicked.connect(self._ask_folder)

    # -- what the job needs ------------------------------------------------------------
    def mode(self) -> str:
        return str(self.mode_box.currentData())

    def set_mode(self, mode: str) -> None:
        index = self.mode_box.findData(mode)
        if index >= 0:
            self.mode_box.setCurrentIndex(index)

    def music_roots(self) -> list[tuple[str, str]]:
        return [(r.old, r.new) for r in self._remaps]

    def remaps(self) -> list[Remap]:
        return list(self._remaps)

    def set_music_roots(self, roots: Iterable[tuple[str, str]]) -> None:
        """The remaps saved from an earlier session (no signal: nothing changed)."""
        self._remaps = [Remap(old, new) for old, new in roots]
        self.remap_label.setText("\n".join(f"Looking in {_shortened(r.new)} for files the library has in "
                                           f"{_shortened(r.old)}." for r in self._remaps))

    def locations(self) -> list[str]:
        return list(self._locations)

    # -- what the holder tells it ----------------------------------------------------
    def set_locations(self, locations: Iterable[str]) -> None:
        """The library's Location values (kept to work out a remap from a chosen folder)."""
        self._locations = list(locations)
        self._found = None
        self.found_label.setText("counting…")
        self.estimate_label.setText("—")

    def set_found(self, found: FoundCount) -> None:
        self._found = found
        text = f"{found.found:,} of {found.total:,}"
        self.found_label.setToolTip("")
        if found.missing and found.missing_folders:
            folder = found.missing_folders[0][0]
            text += f"\nmissing ones were in {_shortened(folder)}"
            self.found_label.setToolTip(folder)
        self.found_label.setText(text)
        self._update_estimate()

    def use_music_folder(self, folder: str) -> bool:
        """Remap the library's music folder to ``folder``; False when no file matched."""
        remap = suggest_remap(self._locations, folder)
        if remap is None:
            self.remap_label.setText(f"No missing file was found in {folder}.")
            return False
        self._remaps = [remap]
        self.remap_label.setText(f"Looking in {_shortened(remap.new)} for files the library has in "
                                 f"{_shortened(remap.old)}.")
        self.changed.emit()
        return True

    # -- internals ---------------------------------------------------------------------
    def _update_estimate(self) -> None:
        if self.mode() == "off":
            self.estimate_label.setText("off: energy from metadata only")
        elif self._found is None:
            self.estimate_label.setText("—")
        else:
            note = " (less for files analysed before)" if self._found.found else ""
            self.estimate_label.setText(describe_estimate(self._found.found) + note)

    def _mode_changed(self) -> None:
        self.folder_button.setEnabled(self.mode() != "off")
        self._update_estimate()
        self.changed.emit()

    def _ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Where is your music on this computer?")
        if folder:
            self.use_music_folder(folder)


def _shortened(path: str, limit: int = 42) -> str:
    """A long folder path with its middle left out: the column is narrow, the ends tell."""
    return path if len(path) <= limit else path[: limit // 3] + "…" + path[-(limit - limit // 3 - 1):]
