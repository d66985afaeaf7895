"""Starting the GUI: the QApplication, theme, main window and macOS file-open events.

``run_gui(args)`` is what ``taggenius`` (no arguments, ``--gui``, or one library path)
calls. A file dropped on the Dock icon, or opened with the app from Finder, arrives as a
``QFileOpenEvent`` (possibly before the window exists): it is queued and opened once the
window is up. No ``argv_emulation``: Qt delivers these events itself.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from .. import APP_NAME, __version__

log = logging.getLogger(__name__)

ORGANIZATION = "Tag Genius"
ORGANIZATION_DOMAIN = "taggenius.app"
#: Start the worker processes this long after the window shows (first paint comes first).
WARM_UP_DELAY_MS = 600
#: Set by bench/bench_gui.py: print the moment the window is up, then quit (start-up time
#: of the real entry point, measured from outside).
QUIT_WHEN_SHOWN_ENV = "TAGGENIUS_QUIT_WHEN_SHOWN"


class TagGeniusApplication(QApplication):
    file_open_requested = Signal(str)

    def __init__(self, argv: Sequence[str]) -> None:
        super().__init__(list(argv))
        self.pending_files: list[str] = []
        self._receiver_ready = False

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen:
            open_event: QFileOpenEvent = event  # type: ignore[assignment]
            path = open_event.file() or open_event.url().toLocalFile()
            if path:
                if self._receiver_ready:
                    self.file_open_requested.emit(path)
                else:
                    self.pending_files.append(path)
            return True
        return super().event(event)

    def set_receiver_ready(self) -> None:
        """The window is connected: deliver files that arrived while it was being built."""
        self._receiver_ready = True
        pending, self.pending_files = self.pending_files, []
        for path in pending:
            self.file_open_requested.emit(path)


def _log_unhandled(exc_type, exc, tb) -> None:  # noqa: ANN001
    """An exception escaping a slot is logged (redacted) instead of vanishing on stderr."""
    log.error("unhandled exception:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
    sys.__excepthook__(exc_type, exc, tb)


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication with names, icon and style set (reused if one exists already)."""
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    QApplication.setOrganizationName(ORGANIZATION)
    QApplication.setOrganizationDomain(ORGANIZATION_DOMAIN)
    QApplication.setDesktopFileName("taggenius")
    app = QApplication.instance()
    if app is None:
        app = TagGeniusApplication(argv if argv is not None else sys.argv[:1])
    from . import icons, tasks

    tasks.configure_gil()

    window_icon = icons.app_icon()
    if not window_icon.isNull():
        QApplication.setWindowIcon(window_icon)
    return app  # type: ignore[return-value]


def _report_shown_and_quit(app: QApplication) -> None:
    """The first event-loop turn after show(): the window has been laid out and painted."""
    if sys.stdout is not None:
        print(f"shown-at {time.time():.6f}", flush=True)
    app.quit()


def library_argument(args: Sequence[str]) -> str | None:
    """The library path given on the command line, if any (``--gui`` is not one)."""
    paths = [a for a in args if not a.startswith("-")]
    return paths[0] if paths else None


def run_gui(args: list[str]) -> int:
    from ..logs import setup_logging
    from .display_check import display_problem

    problem = display_problem()
    if problem:
        # Before Qt: without a usable display it would abort the process (exit 134).
        print(f"{APP_NAME}: {problem}", file=sys.stderr)
        return 1
    setup_logging("gui")
    sys.excepthook = _log_unhandled
    app = create_application([sys.argv[0] if sys.argv else "taggenius", *[a for a in args if a.startswith("-")]])

    from ..paths import take_notices
    from ..settings import load_settings
    from .main_window import MainWindow
    from .theme import ThemeController

    settings = load_settings()
    controller = ThemeController(app, settings.theme)
    app.theme_controller = controller  # type: ignore[attr-defined]
    window = MainWindow(settings)
    controller.theme_changed.connect(lambda _dark: window.refresh_icons())
    if isinstance(app, TagGeniusApplication):
        app.file_open_requested.connect(window.open_library)
    window.show()
    # Data folder or database trouble found while the window was built, in one line.
    window.status_label.setText(" ".join(take_notices()) or window.status_label.text())
    if os.environ.get(QUIT_WHEN_SHOWN_ENV):
        QTimer.singleShot(0, lambda: _report_shown_and_quit(app))
    else:
        QTimer.singleShot(WARM_UP_DELAY_MS, window.warm_up)

    path = library_argument(args)
    if path:
        window.open_library(str(Path(path).expanduser()))
    if isinstance(app, TagGeniusApplication):
        app.set_receiver_ready()
    log.info("%s %s started", APP_NAME, __version__)
    code = app.exec()

    from . import quitting

    quitting.finish(window)
    return int(code)
