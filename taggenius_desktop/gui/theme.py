"""Light and dark: Fusion everywhere, following the OS colour scheme.

Why Fusion: it draws the same on macOS, Windows and Linux and honours a palette fully,
so one dark palette gives a real dark mode everywhere (the native Windows style ignores
palettes). ``QStyleHints.colorScheme`` tells which scheme the OS uses, and
``colorSchemeChanged`` fires when the user switches while the app runs.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from . import icons

#: Accent used for primary buttons, progress and highlights in both schemes.
ACCENT = "#7c4dff"


def light_palette() -> QPalette:
    palette = QStyleFactory.create("Fusion").standardPalette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Link, QColor("#5b2fd6"))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#7a7a80"))
    return palette


def dark_palette() -> QPalette:
    palette = QPalette()
    roles = QPalette.ColorRole
    colours = {
        # Base lighter than Window: Fusion draws check box and radio outlines darker than
        # the window, so on a darker Base they vanish.
        roles.Window: "#1e1f22",
        roles.WindowText: "#e8e8ea",
        roles.Base: "#2a2b2f",
        roles.AlternateBase: "#303135",
        roles.ToolTipBase: "#2b2c30",
        roles.ToolTipText: "#e8e8ea",
        roles.PlaceholderText: "#8a8a90",
        roles.Text: "#e8e8ea",
        roles.Button: "#34353a",
        roles.ButtonText: "#e8e8ea",
        roles.BrightText: "#ff6b6b",
        roles.Light: "#4a4b50",
        roles.Midlight: "#3c3d42",
        roles.Mid: "#2c2d31",
        roles.Dark: "#111214",
        roles.Shadow: "#000000",
        roles.Highlight: ACCENT,
        roles.HighlightedText: "#ffffff",
        roles.Link: "#b39dff",
        roles.LinkVisited: "#9c80ff",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(disabled, role, QColor("#6c6d72"))
    palette.setColor(disabled, roles.Highlight, QColor("#44454a"))
    return palette


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def is_dark() -> bool:
    """Whether the palette in use is dark (what widgets painting by hand should check)."""
    app = QGuiApplication.instance()
    if app is None:
        return False
    return bool(QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128)


class ThemeController(QObject):
    """Applies "system", "light" or "dark" and follows the OS while on "system"."""

    theme_changed = Signal(bool)  # dark?

    def __init__(self, app: QApplication, choice: str = "system") -> None:
        super().__init__(app)
        self._app = app
        self._choice = choice
        from .indicator_style import IndicatorStyle

        app.setStyle(IndicatorStyle())
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_system_scheme_changed)
        self.apply(choice)

    @property
    def choice(self) -> str:
        return self._choice

    def apply(self, choice: str) -> None:
        self._choice = choice if choice in ("system", "light", "dark") else "system"
        dark = system_is_dark() if self._choice == "system" else self._choice == "dark"
        self._app.setPalette(dark_palette() if dark else light_palette())
        icons.clear_cache()
        self.theme_changed.emit(dark)

    def _on_system_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self._choice == "system":
            self.apply("system")


def status_colour(status: str) -> QColor:
    """Text colour for a job status, readable on both palettes."""
    dark = is_dark()
    table = {
        "Completed": "#5fd38d" if dark else "#1e7d45",
        "Failed": "#ff7b7b" if dark else "#c62828",
        "Cancelled": "#a0a0a8" if dark else "#6b6b73",
        "Interrupted": "#ffb74d" if dark else "#b35c00",
        "In Progress": "#b39dff" if dark else "#5b2fd6",
        "Queued": "#a0a0a8" if dark else "#6b6b73",
    }
    return QColor(table.get(status, "#888888"))


PRIMARY_BUTTON_STYLE = f"""
QPushButton {{ background-color: {ACCENT}; color: #ffffff; border: 2px solid {ACCENT}; border-radius: 5px;
              padding: 5px 16px; font-weight: 600; }}
QPushButton:hover {{ background-color: #8c63ff; border-color: #8c63ff; }}
QPushButton:pressed {{ background-color: #6a3df0; border-color: #6a3df0; }}
QPushButton:focus {{ border-color: #d1c4ff; }}
QPushButton:disabled {{ background-color: rgba(124, 77, 255, 90); border-color: transparent;
                       color: rgba(255, 255, 255, 170); }}
"""


def style_primary(button) -> None:  # noqa: ANN001
    """The one call to action of a screen (Start Tagging, Write Reviewed Result): accent
    colour in both schemes, white text and icon, a visible focus ring."""
    button.setStyleSheet(PRIMARY_BUTTON_STYLE)
