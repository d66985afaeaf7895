"""The application shell: file-open events, start-up, theme, help, diagnostics, preview."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QFileOpenEvent, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QProxyStyle, QToolButton

from taggenius_desktop.gui import system
from taggenius_desktop.gui.app import TagGeniusApplication, library_argument
from taggenius_desktop.gui.help import IMPORT_STEPS_HTML, ImportHelpDialog, diagnostics_text
from taggenius_desktop.settings import Settings
from tests.support.libraries import write_library


def test_file_open_events_are_queued_until_the_window_is_ready(qapp, qtbot, tmp_path: Path) -> None:
    if not isinstance(qapp, TagGeniusApplication):
        pytest.skip("another QApplication was created first in this session")
    library = write_library(tmp_path / "dock.xml", n=2)
    received = []
    qapp.file_open_requested.connect(received.append)
    try:
        qapp._receiver_ready = False  # noqa: SLF001 - as at launch, before the window exists
        QApplication.sendEvent(qapp, QFileOpenEvent(str(library)))
        assert received == [] and qapp.pending_files == [str(library)]
        qapp.set_receiver_ready()
        assert received == [str(library)]
        QApplication.sendEvent(qapp, QFileOpenEvent(QUrl.fromLocalFile(str(library))))
        assert received == [str(library), str(library)]
    finally:
        qapp.file_open_requested.disconnect(received.append)


def test_library_argument() -> None:
    assert library_argument([]) is None
    assert library_argument(["--gui"]) is None
    assert library_argument(["/music/lib.xml"]) == "/music/lib.xml"


def test_run_gui_opens_the_window_with_a_library(qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from taggenius_desktop.gui import app as app_module
    from taggenius_desktop.gui.main_window import MainWindow

    monkeypatch.setattr(app_module, "WARM_UP_DELAY_MS", 60_000)  # no worker processes in this test
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    library = write_library(tmp_path / "cli.xml", n=4)
    seen = {}

    def check_and_quit() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows and windows[0].library is not None:
            seen["title"] = windows[0].windowTitle()
            seen["icon"] = not QApplication.windowIcon().isNull()
            windows[0].close()
        else:
            QTimer.singleShot(50, check_and_quit)

    QTimer.singleShot(50, check_and_quit)
    try:
        assert app_module.run_gui([str(library)]) == 0
    finally:
        for handler in list(logging.getLogger().handlers):  # run_gui's log file, this test's home
            if getattr(handler, "_taggenius", False):
                logging.getLogger().removeHandler(handler)
                handler.close()
    assert seen["title"] == "Tag Genius — cli.xml"
    assert seen["icon"]


def test_dark_and_light_palettes(qapp) -> None:
    from taggenius_desktop.gui.theme import ThemeController, is_dark

    controller = ThemeController(qapp, "dark")
    try:
        assert is_dark()
        style = qapp.style()  # Fusion, inside the proxy that keeps indicators visible
        assert (style.baseStyle() if isinstance(style, QProxyStyle) else style).name().lower() == "fusion"
        controller.apply("light")
        assert not is_dark()
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() > 200
    finally:
        controller.apply("light")
        controller.deleteLater()


def test_icon_only_buttons_have_accessible_names(make_window) -> None:
    window = make_window()
    for button in window.findChildren(QAbstractButton):
        if isinstance(button, QToolButton) and button.defaultAction() is not None:
            continue  # named by its action's text
        if button.objectName().startswith("qt_"):
            continue  # Qt's own (menu bar extension, tab scrollers)
        if not button.text() and not button.icon().isNull():
            assert button.accessibleName(), f"{button!r} has an icon and no name"
    assert window.job_settings.settings_button.accessibleName() == "Open settings"


def test_keyboard_shortcuts(make_window) -> None:
    window = make_window()
    assert window.open_action.shortcut().toString() == "Ctrl+O"
    assert window.start_action.shortcut().toString() == "Ctrl+Return"
    assert not window.settings_action.shortcut().isEmpty()
    assert not window.quit_action.shortcut().isEmpty()


def test_import_help_has_the_second_import_step(qtbot) -> None:
    dialog = ImportHelpDialog()
    qtbot.addWidget(dialog)
    text = dialog.browser.toPlainText()
    assert "Import To Collection" in text
    assert "5.6.1" in text and "second time" in text
    assert "Imported Library" in text and "rekordbox xml" in text
    assert "My Tags" in IMPORT_STEPS_HTML


def test_diagnostics_redact_the_key(make_window, qtbot, memory_keyring, monkeypatch: pytest.MonkeyPatch) -> None:
    from taggenius_desktop import credentials, logs

    secret = "sk-proj-VerySecretKeyValue1234567890"
    credentials.set_api_key(secret)
    logs.setup_logging("gui")
    try:
        logging.getLogger("test").warning("request failed with key %s", secret)
        text = diagnostics_text()
        assert "Tag Genius" in text and "Qt " in text and "Python " in text and "OS " in text
        assert secret not in text and "VerySecretKeyValue" not in text
        assert "request failed with key" in text
        copied = []
        monkeypatch.setattr(system, "copy_to_clipboard", copied.append)
        window = make_window()
        window.diagnostics_action.trigger()
        assert copied and secret not in copied[0]
        opened = []
        monkeypatch.setattr(system, "open_path", lambda path: opened.append(Path(path)) or True)
        window.log_folder_action.trigger()
        from taggenius_desktop import paths

        assert opened == [paths.log_dir()]
    finally:
        for handler in list(logging.getLogger().handlers):
            if getattr(handler, "_taggenius", False):
                logging.getLogger().removeHandler(handler)
                handler.close()


def test_level_changes_the_live_preview(make_window, qtbot, tmp_path: Path) -> None:
    from taggenius_desktop.writeback import WriteOptions, preview

    window = make_window(Settings())
    with qtbot.waitSignal(window.library_loaded, timeout=10_000):
        window.open_library(write_library(tmp_path / "lib.xml", n=6))
    panel = window.job_settings
    attrs, profile = panel.sample_attrs(), panel.sample_profile()
    assert attrs is not None and profile is not None
    shown = {}
    for level in ("essential", "detailed"):
        panel.set_level(level)
        expected = preview(attrs, profile, WriteOptions.from_dict({**panel.write_options(), "level": level}))
        texts = panel.preview_texts()
        assert texts["Genre"][1] == (expected["Genre"][1] or "(empty)")
        assert texts["Comments"][1] == (expected["Comments"][1] or "(empty)")
        shown[level] = texts
    if len(profile.vibes) > 1 or len(profile.situations) > 1 or len(profile.sub_genres) > 1:
        assert shown["essential"] != shown["detailed"]
    panel.field_checks["genre"].setChecked(False)  # Genre no longer written: after == before
    texts = panel.preview_texts()
    assert texts["Genre"][0] == texts["Genre"][1]
