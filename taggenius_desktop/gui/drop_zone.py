"""The drop zone: drag a rekordbox XML from Finder/Explorer onto the window to open it.

Only one local ``.xml`` file is accepted, as a copy (the input is never moved or
changed). Everything else is refused with a message that says what to do instead.
:func:`check_drop` holds the rules so the main window can accept drops anywhere with
the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMimeData, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from . import icons, theme

EXPORT_HINT = "In rekordbox: File > Export Collection in xml format."


@dataclass(frozen=True)
class DropCheck:
    """Either ``path`` (acceptable) or ``reason`` (why not, in plain words)."""

    path: Path | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.path is not None


def check_drop(mime: QMimeData | None) -> DropCheck:
    """Whether a drag carries exactly one local rekordbox XML file."""
    if mime is None or not mime.hasUrls():
        return DropCheck(reason=f"Drop a rekordbox XML file here. {EXPORT_HINT}")
    urls = mime.urls()
    if len(urls) != 1:
        return DropCheck(reason=f"Drop one library at a time ({len(urls)} items were dropped).")
    url = urls[0]
    if not url.isLocalFile():
        return DropCheck(reason="Only a file on this computer can be opened, not a web link. "
                                "Save the XML to disk first, then drop that file.")
    path = Path(url.toLocalFile())
    if path.is_dir():
        return DropCheck(reason=f"“{path.name}” is a folder. Drop the exported .xml file itself. {EXPORT_HINT}")
    if path.suffix.lower() != ".xml":
        return DropCheck(reason=f"“{path.name}” is not a rekordbox XML file. {EXPORT_HINT}")
    if not path.is_file():
        return DropCheck(reason=f"“{path.name}” cannot be found; it may have been moved or deleted.")
    return DropCheck(path=path)


class DropZone(QFrame):
    """Big dashed target shown while no library is open."""

    library_dropped = Signal(str)
    #: a drag was refused (on entering, or on dropping); the argument says why
    drop_refused = Signal(str)
    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setObjectName("dropZone")
        self.setAccessibleName("Drop a rekordbox XML library here")
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._hovering = False
        self._hover_refused = False

        self._icon = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self._title = QLabel("Drop your rekordbox XML library here", alignment=Qt.AlignmentFlag.AlignCenter)
        font = self._title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self._title.setFont(font)
        self._hint = QLabel(EXPORT_HINT, alignment=Qt.AlignmentFlag.AlignCenter)
        self._hint.setWordWrap(True)
        self._hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.open_button = QPushButton("Open Library…")
        self.open_button.setToolTip("Open a rekordbox XML library (Ctrl+O)")
        self.open_button.clicked.connect(self.open_requested)
        self._message = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self._message.setWordWrap(True)
        self._message.setAccessibleName("Drop message")
        self._message.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addStretch(1)
        layout.addWidget(self._icon)
        layout.addWidget(self._title)
        layout.addWidget(self._hint)
        layout.addSpacing(8)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(8)
        layout.addWidget(self._message)
        layout.addStretch(1)
        self.refresh_icons()

    # -- public ------------------------------------------------------------------------
    @property
    def message(self) -> str:
        return self._message.text()

    def show_message(self, text: str, error: bool = True) -> None:
        self._message.setText(text)
        colour = theme.status_colour("Failed") if error else self.palette().color(QPalette.ColorRole.WindowText)
        self._message.setStyleSheet(f"color: {colour.name()};")
        self._message.setVisible(bool(text))

    def clear_message(self) -> None:
        self.show_message("", error=False)

    def set_busy(self, text: str | None) -> None:
        """While a library loads: show what is happening and block a second open."""
        self.open_button.setEnabled(text is None)
        if text:
            self.show_message(text, error=False)

    def refresh_icons(self) -> None:
        self._icon.setPixmap(icons.pixmap("drop", 48, ratio=self.devicePixelRatioF()))

    # -- drag and drop -----------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        check = check_drop(event.mimeData())
        self._hovering = True
        self._hover_refused = not check.ok
        if check.ok:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.clear_message()
        else:
            # Say why while the user still holds the file: better than a silent "no" cursor.
            # (Qt then never delivers the drop: only a widget that accepted the enter gets one.)
            self.show_message(check.reason or "")
            event.ignore()
            self.drop_refused.emit(check.reason or "")
        self.update()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if check_drop(event.mimeData()).ok:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._hovering = False
        self.update()
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        self._hovering = False
        self.update()
        check = check_drop(event.mimeData())
        if not check.ok:
            event.ignore()
            self.show_message(check.reason or "")
            self.drop_refused.emit(check.reason or "")
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.clear_message()
        self.library_dropped.emit(str(check.path))

    # -- painting ----------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: ANN001 - Qt signature
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        if self._hovering and not self._hover_refused:
            colour = palette.color(QPalette.ColorRole.Highlight)
            fill = QColor(colour)
            fill.setAlpha(28)
        else:
            colour = palette.color(QPalette.ColorRole.PlaceholderText)
            fill = QColor(palette.color(QPalette.ColorRole.Base))
            fill.setAlpha(120)
        pen = QPen(colour, 2, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(fill)
        rect = QRectF(self.rect()).adjusted(6, 6, -6, -6)
        painter.drawRoundedRect(rect, 14, 14)
        painter.end()
