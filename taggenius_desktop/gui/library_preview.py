"""The library-wide preview: what a tag job would change across the whole library, before
anything is written.

A thin view over the summary dict of :mod:`taggenius_desktop.jobs.summary` (the same one
``taggenius tag --json`` prints): tracks changed per field, genre families now and after,
the energy histogram and colour spread of what is written, and the tracks that are unsure,
skipped, have full Comments, or carry the DJ's own Genre labels. "Export Report…" asks
for a file and emits :attr:`LibraryPreview.export_report_requested` with its path; the
window's :class:`~.whole_library.WholeLibrary` computes the summary and writes the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..jobs.summary import summary_lines
from ..writeback.options import COLOUR_PALETTE

#: display colour per rekordbox colour name (the palette's own hex values)
_SWATCHES = {name: "#" + hex_value[2:] for hex_value, name in COLOUR_PALETTE.items()}
_FIELDS = ("Genre", "Comments", "Colour", "Rating", "Grouping")


class BarChart(QWidget):
    """Labelled vertical bars (the energy histogram, the colour spread): painted, no charts module."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bars: list[tuple[str, int, QColor | None]] = []
        self.setMinimumHeight(120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_bars(self, bars: list[tuple[str, int, QColor | None]]) -> None:
        self._bars = bars
        self.setAccessibleDescription(", ".join(f"{label}: {count}" for label, count, _ in bars))
        self.update()

    def bars(self) -> list[tuple[str, int]]:
        return [(label, count) for label, count, _ in self._bars]

    def sizeHint(self) -> QSize:
        return QSize(320, 140)

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        if not self._bars:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        metrics = self.fontMetrics()
        text_height = metrics.height()
        top, bottom = text_height + 2, self.height() - text_height - 4
        width = self.width() / len(self._bars)
        peak = max(count for _, count, _ in self._bars) or 1
        accent = palette.color(QPalette.ColorRole.Highlight)
        for i, (label, count, colour) in enumerate(self._bars):
            x = i * width
            height = (bottom - top) * count / peak
            bar = QRectF(x + width * 0.15, bottom - height, width * 0.7, height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour or accent)
            painter.drawRoundedRect(bar, 2, 2)
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            painter.drawText(QRectF(x, bottom + 2, width, text_height), Qt.AlignmentFlag.AlignCenter, label)
            painter.drawText(QRectF(x, bar.top() - text_height - 1, width, text_height),
                             Qt.AlignmentFlag.AlignCenter, f"{count:,}")
        painter.end()


class LibraryPreview(QGroupBox):
    """The whole library at a glance; call :meth:`set_summary` with a job summary dict."""

    export_report_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Whole library: what would be written", parent)
        self._summary: Mapping[str, Any] | None = None
        self.headline = QLabel("Open a library to see what tagging it would change.")
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setWordWrap(True)
        self.field_labels = {name: QLabel("—") for name in _FIELDS}
        fields = QGridLayout()
        for column, name in enumerate(_FIELDS):
            title = QLabel(name)
            title.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            fields.addWidget(title, 0, column)
            fields.addWidget(self.field_labels[name], 1, column)

        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.TextFormat.PlainText)

        self.families = QTableWidget(0, 3)
        self.families.setHorizontalHeaderLabels(["Genre family", "Now", "After"])
        self.families.verticalHeader().hide()
        self.families.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.families.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.families.setShowGrid(False)
        self.families.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.families.setAccessibleName("Genre families now and after")

        self.energy_chart = BarChart()
        self.energy_chart.setAccessibleName("Energy histogram")
        self.colour_chart = BarChart()
        self.colour_chart.setAccessibleName("Colours after tagging")
        self.labels_table = QTableWidget(0, 2)
        self.labels_table.setHorizontalHeaderLabels(["Your own Genre label", "Tracks"])
        self.labels_table.verticalHeader().hide()
        self.labels_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.labels_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.labels_table.setAccessibleName("Your own Genre labels")

        self.export_button = QPushButton("Export Report…")
        self.export_button.setToolTip("One CSV row per track: before and after, energy source, confidence, notes")
        self.export_button.clicked.connect(self.ask_report_path)
        self.export_button.setEnabled(False)
        self.report_folder = str(Path.home())

        charts = QHBoxLayout()
        for heading, widget in (("Energy", self.energy_chart), ("Colour", self.colour_chart)):
            box = QVBoxLayout()
            caption = QLabel(heading)
            caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            box.addWidget(caption)
            box.addWidget(widget, 1)
            charts.addLayout(box, 1)
        tables = QHBoxLayout()
        tables.addWidget(self.families, 3)
        tables.addWidget(self.labels_table, 2)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.export_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addLayout(fields)
        layout.addWidget(self.warnings)
        layout.addLayout(charts, 1)
        layout.addLayout(tables, 1)
        layout.addLayout(bottom)

    # -- public ------------------------------------------------------------------------
    def set_busy(self, text: str = "Working out what would change…") -> None:
        self.headline.setText(text)
        self.export_button.setEnabled(False)

    def set_summary(self, summary: Mapping[str, Any] | None) -> None:
        """Show a summary (``jobs.preview.preview_tag_job``'s result); None clears it."""
        self._summary = summary
        if not summary:
            self.headline.setText("Open a library to see what tagging it would change.")
            for label in self.field_labels.values():
                label.setText("—")
            self.warnings.setText("")
            self.families.setRowCount(0)
            self.labels_table.setRowCount(0)
            self.energy_chart.set_bars([])
            self.colour_chart.set_bars([])
            self.export_button.setEnabled(False)
            return
        lines = summary_lines(summary)
        self.headline.setText(lines[0])
        self.warnings.setText("\n".join(f"• {line}" for line in lines[1:]))
        per_field = summary.get("changes_per_field", {})
        for name, label in self.field_labels.items():
            label.setText(f"{per_field.get(name, 0):,}")
        self._fill_families(summary.get("families_before", {}), summary.get("families_after", {}))
        self.energy_chart.set_bars([(energy, count, None) for energy, count
                                    in summary.get("energy_histogram", {}).items()])
        self.colour_chart.set_bars([(name, count, QColor(_SWATCHES[name]) if name in _SWATCHES else None)
                                    for name, count in summary.get("colours_after", {}).items()])
        labels = summary.get("top_labels", {})
        self.labels_table.setRowCount(len(labels))
        for row, (label, count) in enumerate(labels.items()):
            self.labels_table.setItem(row, 0, QTableWidgetItem(label))
            self.labels_table.setItem(row, 1, _number_item(count))
        self.export_button.setEnabled(True)

    def summary(self) -> Mapping[str, Any] | None:
        return self._summary

    # -- internals ---------------------------------------------------------------------
    def _fill_families(self, before: Mapping[str, int], after: Mapping[str, int]) -> None:
        names = sorted(set(before) | set(after), key=lambda n: (-after.get(n, 0), -before.get(n, 0), n))
        self.families.setRowCount(len(names))
        for row, name in enumerate(names):
            self.families.setItem(row, 0, QTableWidgetItem(name))
            self.families.setItem(row, 1, _number_item(before.get(name, 0)))
            self.families.setItem(row, 2, _number_item(after.get(name, 0)))

    def ask_report_path(self) -> None:
        """Ask where to save the per-track report; emits :attr:`export_report_requested`."""
        path, _ = QFileDialog.getSaveFileName(self, "Export Report", str(Path(self.report_folder) / "report.csv"),
                                              "CSV files (*.csv)")
        if path:
            self.export_report_requested.emit(path if path.lower().endswith(".csv") else path + ".csv")


def _number_item(value: int) -> QTableWidgetItem:
    item = QTableWidgetItem(f"{value:,}")
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item
