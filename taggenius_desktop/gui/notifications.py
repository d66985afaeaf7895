"""System notifications ("your job finished") while the window is in the background.

``show_notification`` is module-level so tests can replace it; call it through the module.
"""

from __future__ import annotations

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

_tray: QSystemTrayIcon | None = None


def _tray_icon(icon: QIcon | None) -> QSystemTrayIcon | None:
    global _tray
    if not QSystemTrayIcon.isSystemTrayAvailable() or not QSystemTrayIcon.supportsMessages():
        return None
    if _tray is None:
        _tray = QSystemTrayIcon(icon or QIcon())
        _tray.setToolTip("Tag Genius")
    if not _tray.isVisible():
        _tray.show()  # a message needs a visible tray icon on Windows and Linux
    return _tray


def show_notification(title: str, message: str, icon: QIcon | None = None, error: bool = False) -> bool:
    """Show a desktop notification; False when the system offers none."""
    tray = _tray_icon(icon)
    if tray is None:
        return False
    kind = QSystemTrayIcon.MessageIcon.Warning if error else QSystemTrayIcon.MessageIcon.Information
    tray.showMessage(title, message, kind, 8000)
    return True


def release() -> None:
    """Remove the tray icon (at exit, so no ghost icon stays in the tray)."""
    global _tray
    if _tray is not None:
        _tray.hide()
        _tray.deleteLater()
        _tray = None
