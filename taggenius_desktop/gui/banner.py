"""A non-blocking banner across the top of the window (never a modal at start-up).

Used to offer interrupted jobs for resuming: "2 jobs were interrupted last time.
[Resume] [Dismiss]".
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from . import icons, theme


class Banner(QFrame):
    accepted = Signal()
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.icon = QLabel()
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setAccessibleName("Notice")
        self.action_button = QPushButton()
        self.action_button.clicked.connect(self.accepted)
        self.close_button = QToolButton()
        self.close_button.setIcon(icons.icon("close"))
        self.close_button.setAccessibleName("Dismiss notice")
        self.close_button.setToolTip("Dismiss")
        self.close_button.clicked.connect(self._dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.action_button)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(self, text: str, action: str, kind: str = "Interrupted") -> None:
        self.text.setText(text)
        self.action_button.setText(action)
        self.action_button.setAccessibleName(action)
        colour = theme.status_colour(kind)
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Window)
        mixed = QColor(
            (base.red() * 215 + colour.red() * 40) // 255,
            (base.green() * 215 + colour.green() * 40) // 255,
            (base.blue() * 215 + colour.blue() * 40) // 255,
        )
        palette.setColor(QPalette.ColorRole.Window, mixed)
        self.setPalette(palette)
        self.icon.setPixmap(icons.pixmap("info", 20, colour.name(), self.devicePixelRatioF()))
        self.close_button.setIcon(icons.icon("close"))
        self.show()

    def _dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()
