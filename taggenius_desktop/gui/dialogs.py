"""Every modal the app shows, as a small module-level function tests can replace.

Call them as ``dialogs.ask_quit_with_jobs(...)`` (through the module), never with
``from .dialogs import ask_quit_with_jobs``, so a monkeypatched function is the one used.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

XML_FILTER = "Rekordbox XML (*.xml);;All files (*)"


def ask_quit_with_jobs(parent: QWidget | None, running: int) -> bool:
    """True when the user wants to quit although jobs are running."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Jobs are still running")
    noun = "job is" if running == 1 else "jobs are"
    box.setText(f"{running} {noun} still running or waiting.")
    box.setInformativeText(
        "Quit anyway? Unfinished jobs are stopped and offered for resuming the next time you open "
        "Tag Genius. Tracks already tagged are kept and not paid for twice."
    )
    quit_button = box.addButton("Stop Jobs and Quit", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Keep Running", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(QMessageBox.StandardButton.NoButton)
    box.exec()
    return box.clickedButton() is quit_button


def exec_dialog(dialog: QDialog) -> bool:
    """Run a dialog modally; True when the user accepted it."""
    return dialog.exec() == QDialog.DialogCode.Accepted


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def choose_library(parent: QWidget | None, start_dir: str = "") -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Open a rekordbox XML library", start_dir, XML_FILTER)
    return path or None


def choose_tagged_library(parent: QWidget | None, start_dir: str = "") -> str | None:
    path, _ = QFileDialog.getOpenFileName(
        parent, "Choose a library tagged by Tag Genius to restore", start_dir, XML_FILTER
    )
    return path or None


def choose_directory(parent: QWidget | None, title: str, start_dir: str = "") -> str | None:
    path = QFileDialog.getExistingDirectory(parent, title, start_dir)
    return path or None


def choose_save_file(parent: QWidget | None, title: str, suggested: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, XML_FILTER)
    return path or None


def unique_path(path: Path) -> Path:
    """``path``, or ``name-2.xml``, ``name-3.xml`` ... when it exists: outputs are never
    overwritten behind the user's back (they may have imported the previous one)."""
    if not path.exists():
        return path
    for number in range(2, 10_000):
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        if not candidate.exists():
            return candidate
    return path
