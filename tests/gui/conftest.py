"""GUI test helpers: a window with a one-worker JobManager, drops."""

from __future__ import annotations

from pathlib import Path

from typing import Iterator

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from taggenius_desktop.gui.app import TagGeniusApplication


@pytest.fixture(scope="session")
def qapp_cls():
    """pytest-qt builds the app's own QApplication subclass (it handles QFileOpenEvent)."""
    return TagGeniusApplication


@pytest.fixture
def make_window(qtbot, memory_keyring):  # noqa: ANN001
    """``make_window(settings=None)``: a MainWindow whose JobManager has one worker; every
    window is shut down (manager, workers, bridge) at teardown."""
    from taggenius_desktop.gui.main_window import MainWindow
    from taggenius_desktop.jobs import JobManager
    from taggenius_desktop.settings import Settings

    windows = []

    def make(settings: Settings | None = None, show: bool = False) -> MainWindow:
        window = MainWindow(settings or Settings(), manager_factory=lambda: JobManager(workers=1),
                            bridge_interval_ms=50)
        qtbot.addWidget(window)
        if show:
            window.show()
        windows.append(window)
        return window

    yield make
    from taggenius_desktop.gui import tasks

    tasks.wait_for_tasks(10_000)
    for window in windows:
        window.shutdown()


def url_mime(*urls: QUrl) -> QMimeData:
    mime = QMimeData()
    mime.setUrls(list(urls))
    return mime


def file_mime(*paths: Path) -> QMimeData:
    return url_mime(*(QUrl.fromLocalFile(str(p)) for p in paths))


def drag_and_drop(widget: QWidget, mime: QMimeData) -> tuple[bool, bool]:
    """Send a drag-enter then a drop to ``widget``; (enter accepted, drop accepted)."""
    position = QPointF(widget.width() / 2, widget.height() / 2)
    # QDragEnterEvent takes an integer point (QPoint), QDropEvent a QPointF.
    enter = QDragEnterEvent(position.toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    drop = QDropEvent(position, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return enter.isAccepted(), drop.isAccepted()


@pytest.fixture(autouse=True)
def tasks_allowed() -> Iterator[None]:
    """``run_gui`` stops the task pool for good at its end; the next test starts fresh."""
    yield
    from taggenius_desktop.gui import tasks

    tasks.reset_for_tests()


@pytest.fixture(autouse=True)
def no_real_modals(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple]]:
    """A modal nobody answers would hang the run: every modal the app can open is replaced
    by a stub that records the call (tests that expect one patch it themselves)."""
    from taggenius_desktop.gui import dialogs

    calls: list[tuple[str, tuple]] = []

    def recorder(name: str, result):  # noqa: ANN001, ANN202
        def stub(*args):  # noqa: ANN002, ANN202
            calls.append((name, args[1:]))
            return result
        return stub

    for name, result in (("show_error", None), ("show_info", None), ("ask_quit_with_jobs", True),
                         ("ask_use_review_edits", dialogs.USE_EDITS), ("ask_tag_without_edits", False),
                         ("ask_run_again", True), ("ask_quit_with_review_edits", True),
                         ("choose_library", None), ("choose_tagged_library", None), ("choose_directory", None),
                         ("choose_save_file", None), ("exec_dialog", False)):
        monkeypatch.setattr(dialogs, name, recorder(name, result))
    return calls
