"""The library summary: what was opened, and what tagging it would take.

Shows tracks, playlists, tracks whose tags are already cached for the chosen provider,
and the estimate (requests, tokens, money, time). Values arrive from background tasks;
until they do, the row says "counting…" rather than a wrong number.
"""

from __future__ import annotations

from typing import Any, Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFormLayout, QFrame, QGroupBox, QLabel, QVBoxLayout, QWidget

from .jobs_model import format_duration


def format_money(value: float | None) -> str:
    if value is None:
        return "—"
    if value == 0:
        return "free"
    if value < 0.01:
        return "less than $0.01"
    return f"about ${value:,.2f}"


class LibrarySummary(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Library", parent)
        self.name_label = QLabel()
        font = self.name_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.name_label.setFont(font)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.path_label = QLabel()
        self.path_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.path_label.setWordWrap(True)
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.tracks_value = QLabel("—")
        self.playlists_value = QLabel("—")
        self.cached_value = QLabel("—")
        self.estimate_title = QLabel("Estimate")
        self.requests_value = QLabel("—")
        self.tokens_value = QLabel("—")
        self.cost_value = QLabel("—")
        self.time_value = QLabel("—")
        self.estimate_note = QLabel()
        self.estimate_note.setWordWrap(True)
        self.estimate_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.addRow("Tracks:", self.tracks_value)
        form.addRow("Playlists:", self.playlists_value)
        form.addRow("Tags already cached:", self.cached_value)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        form.addRow(line)
        form.addRow("Requests:", self.requests_value)
        form.addRow("Tokens:", self.tokens_value)
        form.addRow("Cost:", self.cost_value)
        form.addRow("Time:", self.time_value)

        layout = QVBoxLayout(self)
        layout.addWidget(self.name_label)
        layout.addWidget(self.path_label)
        layout.addLayout(form)
        layout.addWidget(self.estimate_note)
        layout.addStretch(1)
        self.clear()

    # -- public ------------------------------------------------------------------------
    def clear(self) -> None:
        self.name_label.setText("No library open")
        self.path_label.setText("")
        for label in (self.tracks_value, self.playlists_value, self.cached_value):
            label.setText("—")
        self.set_estimate(None)

    def set_library(self, name: str, path: str, tracks: int, playlists: int) -> None:
        self.name_label.setText(name)
        self.path_label.setText(path)
        self.tracks_value.setText(f"{tracks:,}")
        self.playlists_value.setText(f"{playlists:,}")
        self.cached_value.setText("counting…")
        self.set_estimate(None, "Estimating…")

    def set_cached(self, cached: int | None, total: int | None = None, offline: bool = False) -> None:
        if offline:
            self.cached_value.setText("not needed (offline)")
        elif cached is None:
            self.cached_value.setText("—")
        else:
            self.cached_value.setText(f"{cached:,}" + (f" of {total:,}" if total else ""))

    def set_estimate(self, estimate: Mapping[str, Any] | None, note: str = "") -> None:
        """``estimate`` as returned by ``jobs.estimate.estimate_job``, or None with a note."""
        enabled = estimate is not None
        for label in (self.requests_value, self.tokens_value, self.cost_value, self.time_value):
            label.setEnabled(enabled)
        if estimate is None:
            for label in (self.requests_value, self.tokens_value, self.cost_value, self.time_value):
                label.setText("—")
        else:
            tracks = int(estimate.get("tracks", 0) or 0)
            to_send = int(estimate.get("tracks_to_send", tracks) or 0)
            requests = int(estimate.get("requests", 0) or 0)
            self.requests_value.setText(
                f"{requests:,}" + (f" ({to_send:,} of {tracks:,} tracks to send)" if to_send != tracks else "")
            )
            tokens_in = int(estimate.get("input_tokens", 0) or 0)
            tokens_out = int(estimate.get("output_tokens", 0) or 0)
            self.tokens_value.setText(f"{tokens_in:,} in / {tokens_out:,} out" if (tokens_in or tokens_out) else "none")
            self.cost_value.setText(format_money(estimate.get("cost_usd")))
            seconds = estimate.get("seconds")
            self.time_value.setText(f"about {format_duration(seconds)}" if seconds is not None else "—")
        self.estimate_note.setText(note)
        self.estimate_note.setVisible(bool(note))
