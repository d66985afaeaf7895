"""The window's menu bar and its actions (every action also works by shortcut)."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from .. import APP_NAME
from . import icons
from .window_layout import TAB_PREVIEW, TAB_REVIEW, TAB_TAG

if TYPE_CHECKING:
    from .main_window import MainWindow


def make_action(window: "MainWindow", text: str, slot: Callable[[], Any], shortcut: Any = None,
                icon: str | None = None, tip: str | None = None, role: QAction.MenuRole | None = None) -> QAction:
    action = QAction(text, window)
    if icon:
        action.setIcon(icons.icon(icon))
        action.setData(icon)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    if role is not None:
        action.setMenuRole(role)
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)
    return action


def _with_fallback(action: QAction, shortcut: str) -> QAction:
    if action.shortcut().isEmpty():  # platforms without a standard key for it
        action.setShortcut(QKeySequence(shortcut))
    return action


def build_menus(w: "MainWindow") -> None:
    jobs = w.jobs
    bar = w.menuBar()
    file_menu = bar.addMenu("&File")
    w.open_action = make_action(w, "&Open Library…", w.choose_and_open, QKeySequence.StandardKey.Open, "open",
                                "Open a rekordbox XML library")
    file_menu.addAction(w.open_action)
    w.recent_menu = QMenu("Open &Recent", w)
    file_menu.addMenu(w.recent_menu)
    update_recent_menu(w)
    file_menu.addSeparator()
    w.split_action = make_action(w, "&Split into Playlists…", jobs.start_split, "Ctrl+Shift+P", "split",
                                 "Add a Tag Genius playlist folder by genre, energy and situation")
    w.restore_action = make_action(w, "Restore &Original Tags…", jobs.start_restore, "Ctrl+Shift+R", "restore",
                                   "Make a copy of a tagged library with your values from before tagging")
    w.report_action = make_action(w, "&Export Report…", w.whole_library.view.ask_report_path, "Ctrl+Shift+E",
                                  "file", "One CSV row per track: what tagging would write, and why")
    file_menu.addAction(w.split_action)
    file_menu.addAction(w.restore_action)
    file_menu.addAction(w.report_action)
    file_menu.addSeparator()
    w.settings_action = _with_fallback(make_action(w, "&Settings…", w.help.open_settings,
                                                   QKeySequence.StandardKey.Preferences, "settings",
                                                   role=QAction.MenuRole.PreferencesRole), "Ctrl+,")
    file_menu.addAction(w.settings_action)
    file_menu.addSeparator()
    w.quit_action = _with_fallback(make_action(w, "&Quit", w.close, QKeySequence.StandardKey.Quit,
                                               role=QAction.MenuRole.QuitRole), "Ctrl+Q")
    file_menu.addAction(w.quit_action)

    jobs_menu = bar.addMenu("&Jobs")
    w.start_action = make_action(w, "&Start Tagging", w.start_tagging, "Ctrl+Return", "start")
    w.write_action = make_action(w, "&Write Reviewed Result", w.write_reviewed, "Ctrl+Shift+Return", "write")
    jobs_menu.addAction(w.start_action)
    jobs_menu.addAction(w.write_action)
    jobs_menu.addSeparator()
    # Ctrl+. works from anywhere in the window, with or without a job selected: the
    # panel's own Cancel (selection-bound) carries no shortcut, so the two never compete.
    w.cancel_any_action = make_action(w, "&Cancel Running Job", jobs.cancel_current, "Ctrl+.", "cancel",
                                      "Stop the selected job, else the newest running one")
    w.cancel_any_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    jobs_menu.addAction(w.cancel_any_action)
    for action in (w.jobs_panel.resume_action, w.jobs_panel.open_action, w.jobs_panel.reveal_action,
                   w.jobs_panel.copy_action, w.jobs_panel.clear_action):
        jobs_menu.addAction(action)

    view_menu = bar.addMenu("&View")
    for number, (index, title) in enumerate(((TAB_TAG, "&Tag"), (TAB_PREVIEW, "&Preview"), (TAB_REVIEW, "&Review")), 1):
        view_menu.addAction(make_action(w, title, partial(w.tabs.setCurrentIndex, index), f"Ctrl+{number}"))
    view_menu.addAction(make_action(w, "&Find Track", w.focus_filter, QKeySequence.StandardKey.Find, "search"))

    help_menu = bar.addMenu("&Help")
    w.import_help_action = make_action(w, "How to &Import into rekordbox", w.help.show_import_help,
                                       QKeySequence.StandardKey.HelpContents, "help")
    w.diagnostics_action = make_action(w, "&Copy Diagnostics", w.help.copy_diagnostics)
    w.log_folder_action = make_action(w, "Open &Log Folder", w.help.open_log_folder, icon="folder")
    help_menu.addAction(w.import_help_action)
    help_menu.addSeparator()
    help_menu.addAction(w.diagnostics_action)
    help_menu.addAction(w.log_folder_action)
    help_menu.addSeparator()
    help_menu.addAction(make_action(w, f"&About {APP_NAME}", w.help.show_about, role=QAction.MenuRole.AboutRole))


def update_recent_menu(w: "MainWindow") -> None:
    w.recent_menu.clear()
    recent = [p for p in w.settings.recent_files if p]
    for number, path in enumerate(recent, start=1):
        action = w.recent_menu.addAction(f"&{number} {Path(path).name}" if number < 10 else Path(path).name)
        action.setToolTip(path)
        action.setStatusTip(path)
        action.triggered.connect(lambda _checked=False, p=path: w.open_library(p))
    if recent:
        w.recent_menu.addSeparator()
        w.recent_menu.addAction("Clear Menu", w.clear_recent)
    w.recent_menu.setEnabled(bool(recent))
