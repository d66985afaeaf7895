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


USE_EDITS, IGNORE_EDITS = "use", "ignore"


def _ask(parent: QWidget | None, title: str, text: str, info: str, buttons: list[tuple[str, QMessageBox.ButtonRole]],
         ) -> int | None:
    """Index of the button the user clicked, None for Escape / closing the box."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(info)
    made = [box.addButton(label, role) for label, role in buttons]
    box.setDefaultButton(made[0])
    box.exec()
    clicked = box.clickedButton()
    return made.index(clicked) if clicked in made else None


def ask_use_review_edits(parent: QWidget | None, edited: int, locked: int) -> str | None:
    """Start Tagging with edits in Review: USE_EDITS, IGNORE_EDITS or None (cancel)."""
    parts = [f"{edited:,} edited" if edited else "", f"{locked:,} locked" if locked else ""]
    what = " and ".join(p for p in parts if p)
    Role = QMessageBox.ButtonRole
    answer = _ask(parent, "Use your review edits?", f"The Review tab has {what} tracks.",
                  "Write them into this result? Without them every track gets the tagger's proposal.",
                  [("Use Review Edits", Role.AcceptRole), ("Ignore Edits", Role.DestructiveRole),
                   ("Cancel", Role.RejectRole)])
    return {0: USE_EDITS, 1: IGNORE_EDITS}.get(answer) if answer is not None else None


def ask_tag_without_edits(parent: QWidget | None) -> bool:
    """Write Reviewed Result with nothing edited or locked: tag plainly instead?"""
    Role = QMessageBox.ButtonRole
    return _ask(parent, "Nothing reviewed yet", "No track is edited or locked in the Review tab.",
                "Start a plain tagging job instead?",
                [("Start Tagging", Role.AcceptRole), ("Cancel", Role.RejectRole)]) == 0


def ask_run_again(parent: QWidget | None, name: str, status: str) -> bool:
    """The same library with the same settings already has a job."""
    Role = QMessageBox.ButtonRole
    state = "is already running" if status != "Completed" else "already finished"
    return _ask(parent, "Run the same job again?", f"“{name}” {state}.",
                "Another run writes another file with the same tags.",
                [("Run Again", Role.AcceptRole), ("Cancel", Role.RejectRole)]) == 0


def ask_quit_with_review_edits(parent: QWidget | None, count: int) -> bool:
    """True to quit although review edits have not been written into a result yet."""
    Role = QMessageBox.ButtonRole
    noun = "track has" if count == 1 else "tracks have"
    return _ask(parent, "Review edits not written yet", f"{count:,} reviewed {noun} not been written to a file.",
                "Quit anyway? Your edits are kept and come back when you open this library again.",
                [("Quit", Role.AcceptRole), ("Cancel", Role.RejectRole)]) == 0


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
