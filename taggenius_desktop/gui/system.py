"""Hand-offs to the operating system (open a file, show it in Finder/Explorer, clipboard).

Module-level functions so tests can replace them; call them as ``system.open_path(...)``.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication

log = logging.getLogger(__name__)


def open_path(path: str | Path) -> bool:
    """Open a file or folder with the system's default application."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def reveal_in_file_manager(path: str | Path) -> bool:
    """Show the file selected in Finder / Explorer; elsewhere open its folder."""
    target = Path(path)
    try:
        if sys.platform == "darwin" and target.exists():
            subprocess.Popen(["open", "-R", str(target)])  # noqa: S603,S607 - fixed command
            return True
        if sys.platform == "win32" and target.exists():
            subprocess.Popen(["explorer", "/select,", str(target)])  # noqa: S603,S607
            return True
    except OSError as exc:
        log.info("could not reveal %s: %s", target, exc)
    folder = target if target.is_dir() else target.parent
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def copy_to_clipboard(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


def file_manager_name() -> str:
    """What the user calls their file manager, for menu labels."""
    if sys.platform == "darwin":
        return "Finder"
    if sys.platform == "win32":
        return "Explorer"
    return "File Manager"
