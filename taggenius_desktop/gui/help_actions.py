"""The window's Settings and Help actions: the settings dialog, import help, diagnostics,
the log folder and About."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from .. import APP_NAME, paths
from . import dialogs, system
from .help import ImportHelpDialog, diagnostics_text
from .settings_dialog import SettingsDialog

if TYPE_CHECKING:
    from .main_window import MainWindow


class HelpActions:
    def __init__(self, window: "MainWindow") -> None:
        self.window = window
        self._help_dialog: ImportHelpDialog | None = None

    def open_settings(self) -> None:
        window = self.window
        window.job_settings.store_settings(window.settings)
        dialog = SettingsDialog(window.settings, window)
        if dialogs.exec_dialog(dialog):
            window.save_settings()
            window.job_settings.load_settings(window.settings)
            theme_controller = getattr(QApplication.instance(), "theme_controller", None)
            if theme_controller is not None and theme_controller.choice != window.settings.theme:
                theme_controller.apply(window.settings.theme)
            window.refresh_proposals()
        dialog.deleteLater()

    def show_import_help(self) -> None:
        if self._help_dialog is None:
            self._help_dialog = ImportHelpDialog(self.window)
            self._help_dialog.destroyed.connect(self._help_closed)
        self._help_dialog.show()
        self._help_dialog.raise_()
        self._help_dialog.activateWindow()

    def _help_closed(self, *_args: object) -> None:
        self._help_dialog = None

    def copy_diagnostics(self) -> str:
        text = diagnostics_text()
        system.copy_to_clipboard(text)
        self.window.show_status("Diagnostics copied to the clipboard (no API key in them, not even part of it).")
        return text

    def open_log_folder(self) -> None:
        if not system.open_path(paths.log_dir()):
            self.window.show_open_failure("The log folder could not be opened.", str(paths.log_dir()))

    def show_about(self) -> None:
        from .. import __version__

        dialogs.show_info(self.window, f"About {APP_NAME}", f"{APP_NAME} {__version__}\n\nConsistent genre, "
                          "energy, vibe and situation tags for your rekordbox library.")
