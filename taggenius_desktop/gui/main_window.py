"""The main window: open a library, choose how to tag it, review, and follow jobs.

It wires the views together and holds no business rules: specs come from
:mod:`.job_actions` (through :mod:`.spec_seam`), work goes to the ``JobManager``,
progress comes back through the one :class:`~.bridge.JobBridge`, and slow reads run as
:class:`~.operations.Operations` (a newer request supersedes an older one).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QByteArray, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QSplitter, QStackedWidget, QTabWidget, QWidget

from .. import APP_NAME
from ..settings import Settings, load_settings, save_settings
from . import dialogs, icons, job_events, menus, quitting, rates, system, window_layout
from .audio_session import AudioSession
from .banner import Banner
from .bridge import JobBridge
from .drop_zone import DropZone, check_drop
from .help_actions import HelpActions
from .job_actions import JobActions
from .job_settings import JobSettingsPanel
from .jobs_panel import JobsPanel
from .library_loading import LoadedLibrary, library_error_text, load_library_work
from .library_summary import LibrarySummary
from .operations import Operations
from .previews import Previews
from .review_view import ReviewView
from .resume_offer import ResumeOffer
from .review_session import ReviewSession
from .whole_library import WholeLibrary

log = logging.getLogger(__name__)

PAGE_EMPTY, PAGE_LIBRARY = window_layout.PAGE_EMPTY, window_layout.PAGE_LIBRARY
TAB_TAG, TAB_PREVIEW, TAB_REVIEW = window_layout.TAB_TAG, window_layout.TAB_PREVIEW, window_layout.TAB_REVIEW


class MainWindow(QMainWindow):
    library_loaded = Signal(str)
    library_failed = Signal(str)
    job_submitted = Signal(int)
    proposals_updated = Signal()
    estimate_updated = Signal()
    library_preview_updated = Signal()
    audio_counted = Signal(int)  # files found for the library on show
    tabs: QTabWidget
    stack: QStackedWidget
    splitter: QSplitter
    status_label: QLabel
    open_action: QAction
    recent_menu: QMenu
    split_action: QAction
    report_action: QAction
    restore_action: QAction
    settings_action: QAction
    quit_action: QAction
    start_action: QAction
    write_action: QAction
    cancel_any_action: QAction
    import_help_action: QAction
    diagnostics_action: QAction
    log_folder_action: QAction

    def __init__(self, settings: Settings | None = None, manager_factory: Callable[[], Any] | None = None,
                 db_path: str | None = None, bridge_interval_ms: int = 200, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings or load_settings()
        self._manager_factory = manager_factory
        self._manager: Any = None
        self.db_path = db_path
        self.library: Any = None
        self.library_path: Path | None = None
        self.closing = False
        self._vocabulary_set = False
        self.rates = rates.load_rates()  # tracks per second of earlier jobs, for time left
        self.ops = Operations(self)
        self.jobs = JobActions(self)
        self.previews = Previews(self)
        self.help = HelpActions(self)

        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(icons.app_icon())
        self.setAcceptDrops(True)
        self.resize(1180, 800)
        self.setMinimumSize(820, 560)

        self.banner = Banner()
        self.notice = Banner()  # failures to open or show a file, with the path to copy
        self.notice.accepted.connect(lambda: system.copy_to_clipboard(self.notice.property("path") or ""))
        self.drop_zone = DropZone()
        self.drop_zone.library_dropped.connect(self.open_library)
        self.drop_zone.drop_refused.connect(self._drop_refused)
        self.drop_zone.open_requested.connect(self.choose_and_open)
        self.summary = LibrarySummary()
        self.job_settings = JobSettingsPanel(self.settings)
        self.job_settings.options_changed.connect(self._options_changed)
        self.job_settings.start_requested.connect(self.start_tagging)
        self.job_settings.settings_requested.connect(self.help.open_settings)
        self.review = ReviewView()
        self.review.write_requested.connect(self.write_reviewed)
        self.jobs_panel = JobsPanel()
        self.jobs_panel.cancel_requested.connect(self.jobs.cancel_job)
        self.jobs_panel.resume_requested.connect(self.jobs.resume_job)
        self.jobs_panel.open_failed.connect(self.show_open_failure)
        self.jobs_panel.model.rate_for = lambda record: job_events.remembered_rate(self, record)

        self.audio = AudioSession(self)
        self.audio.view.changed.connect(self._options_changed)
        self.whole_library = WholeLibrary(self)
        window_layout.arrange(self)

        self.review_session = ReviewSession(self)
        self.resume_offer = ResumeOffer(self)
        menus.build_menus(self)
        self.job_settings.add_secondary_actions([self.split_action, self.restore_action])
        self._update_library_actions()

        # Debounce: a burst of option changes (typing a model name) re-estimates once.
        self._options_timer = QTimer(self)
        self._options_timer.setSingleShot(True)
        self._options_timer.setInterval(300)
        self._options_timer.timeout.connect(self._apply_options)

        self.bridge = JobBridge(db_path, interval_ms=bridge_interval_ms, parent=self)
        self.bridge.jobs_changed.connect(self.jobs_panel.model.set_records)
        self.bridge.job_finished.connect(lambda record: job_events.job_finished(self, record))
        self.jobs_panel.remove_requested.connect(self.bridge.remove_jobs)
        self.bridge.start()
        self.resume_offer.offer(self.bridge.records)

        self._restore_geometry()
        self.show_status("Drop a rekordbox XML library to begin.")

    # -- manager -------------------------------------------------------------------------
    @property
    def manager(self) -> Any:
        """The JobManager, created on first use (its worker processes start then)."""
        if self._manager is None:
            if self._manager_factory is not None:
                self._manager = self._manager_factory()
            else:
                from ..jobs import JobManager

                self._manager = JobManager(workers=2, db_path=self.db_path)
        return self._manager

    def warm_up(self) -> None:
        """Start the worker processes now (after the window is shown), so Start is instant."""
        if not self.closing:
            _ = self.manager

    # -- the job actions (job_actions.py) --------------------------------------------------
    def start_tagging(self) -> int | None:
        return self.jobs.start_tagging()

    def write_reviewed(self) -> int | None:
        return self.jobs.write_reviewed()

    def start_split(self) -> int | None:
        return self.jobs.start_split()

    def build_tag_spec(self, overrides: dict[str, Any] | None = None, locked: list[str] | None = None,
                       for_estimate: bool = False) -> Any:
        return self.jobs.build_tag_spec(overrides, locked, for_estimate)

    def cancel_job(self, job_id: int) -> None:
        self.jobs.cancel_job(job_id)

    def clear_recent(self) -> None:
        self.settings.recent_files = []
        self.save_settings()
        menus.update_recent_menu(self)

    def _update_library_actions(self) -> None:
        for action in (self.start_action, self.write_action, self.split_action, self.report_action):
            action.setEnabled(self.library is not None)

    # -- opening a library ---------------------------------------------------------------
    def choose_and_open(self) -> None:
        start = str(Path(self.settings.recent_files[0]).parent) if self.settings.recent_files else ""
        path = dialogs.choose_library(self, start)
        if path:
            self.open_library(path)

    def open_library(self, path: str | os.PathLike[str]) -> None:
        """Load a library in the background; the window stays usable meanwhile."""
        source = Path(path).expanduser()
        self.drop_zone.set_busy(f"Opening {source.name}…")
        self.show_status(f"Opening {source}…")
        self.ops.run("load", lambda ticket: load_library_work(source, ticket), self._library_ready,
                     lambda exc: self._library_failed(source, exc))

    def _library_ready(self, loaded: LoadedLibrary) -> None:
        self.drop_zone.set_busy(None)
        self.drop_zone.clear_message()
        self.library, self.library_path = loaded.library, loaded.path
        self.previews.new_library(loaded.sample_profile)
        self.audio.new_library(loaded.library)
        self.whole_library.new_library()
        self.settings.add_recent(loaded.path)
        self.save_settings()
        menus.update_recent_menu(self)
        name = loaded.path.name
        self.setWindowTitle(f"{APP_NAME} — {name}")
        self.setWindowFilePath(str(loaded.path))
        self.summary.set_library(name, str(loaded.path), len(loaded.rows), loaded.playlist_count)
        self.job_settings.scope.set_playlists(loaded.library.playlists)
        self.job_settings.set_library_loaded(True)
        self.job_settings.set_sample(loaded.sample_attrs, loaded.sample_profile)
        self.review_session.save()  # the previous library's edits, before its rows go
        self.review.model.set_rows(loaded.rows)
        restored = self.review_session.open(loaded.path)
        self.review.set_status("Computing proposals…")
        self._ensure_vocabulary()
        self.stack.setCurrentIndex(PAGE_LIBRARY)
        self._update_library_actions()
        kept = f" {restored:,} review edits from last time are back." if restored else ""
        self.show_status(f"Opened {name}: {len(loaded.rows):,} tracks.{kept}")
        self._apply_options()
        self.library_loaded.emit(str(loaded.path))

    def _library_failed(self, path: Path, exc: BaseException) -> None:
        message = library_error_text(path, exc)
        self.drop_zone.set_busy(None)
        if self.library is None:
            self.drop_zone.show_message(message)
        else:
            dialogs.show_error(self, "Could not open the library", message)
        self.show_status(message)
        self.library_failed.emit(message)

    def _ensure_vocabulary(self) -> None:
        if self._vocabulary_set:
            return
        try:
            from ..vocabulary import load_vocabulary

            self.review.set_vocabulary(load_vocabulary())
            self._vocabulary_set = True
        except Exception as exc:  # noqa: BLE001 - editing falls back to read-only
            log.warning("vocabulary unavailable for the review editors: %s", exc)

    # -- drag and drop anywhere on the window ----------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        check = check_drop(event.mimeData())
        if check.ok:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()
            self._drop_refused(check.reason or "")

    def dropEvent(self, event: QDropEvent) -> None:
        check = check_drop(event.mimeData())
        if check.ok:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.open_library(str(check.path))
        else:
            event.ignore()
            self._drop_refused(check.reason or "")

    def _drop_refused(self, reason: str) -> None:
        self.show_status(reason)
        if self.stack.currentIndex() == PAGE_EMPTY:
            self.drop_zone.show_message(reason)

    # -- options, estimate, proposals -------------------------------------------------------
    def _options_changed(self) -> None:
        self._options_timer.start()

    def _apply_options(self) -> None:
        self.job_settings.store_settings(self.settings)
        self.save_settings()
        self.previews.refresh()
        self.whole_library.schedule()  # the write options may have changed

    def refresh_proposals(self) -> None:
        """Ask again (after a job filled the cache)."""
        self.previews.refresh(proposals=True)

    # -- job events ------------------------------------------------------------------------
    def show_open_failure(self, message: str, path: str) -> None:
        """Opening or showing a file failed: say so in the window, with the path to copy."""
        self.notice.setProperty("path", path)
        self.notice.show_message(f"{message} The file is here: {path}", "Copy Path", kind="Failed")
        self.show_status(f"{message} {path}")

    # -- settings, help -----------------------------------------------------------------------
    def focus_filter(self) -> None:
        if self.library is not None:
            self.tabs.setCurrentIndex(TAB_REVIEW)
            self.review.focus_filter()

    def refresh_icons(self) -> None:
        """After a light/dark switch: icons re-rendered in the new text colour."""
        for action in self.findChildren(QAction):
            name = action.data()
            if isinstance(name, str) and name:
                action.setIcon(icons.icon(name))
        window_layout.refresh_tab_icons(self)
        self.drop_zone.refresh_icons()
        self.jobs_panel.refresh_icons()
        self.job_settings.settings_button.setIcon(icons.icon("settings"))

    # -- closing: questions first, then the fixed shutdown order (quitting.py) ----------------
    def closeEvent(self, event: QCloseEvent) -> None:
        running = self._manager is not None and self._manager.has_active_jobs()
        if not quitting.confirm_quit(self, running):
            event.ignore()
            return
        self.closing = True
        self.settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        self.job_settings.store_settings(self.settings)
        self.save_settings()
        self.review_session.save()
        self.shutdown(for_resume=running)  # running jobs end Interrupted: offered next launch
        event.accept()

    def shutdown(self, for_resume: bool = False) -> None:
        """Stop everything that could call back into this window (idempotent)."""
        self.closing = True
        manager, self._manager = self._manager, None
        quitting.shutdown_window(self, manager, for_resume)

    def stop_timers(self) -> None:
        self._options_timer.stop()
        self.review_session.timer.stop()
        self.whole_library.stop()

    def review_edits_unwritten(self) -> bool:
        return self.review_session.unwritten

    def review_edits_used(self) -> None:
        self.review_session.used()

    # -- helpers --------------------------------------------------------------------------------
    def show_status(self, text: str) -> None:
        self.status_label.setText(text)

    def save_settings(self) -> None:
        try:
            save_settings(self.settings)
        except OSError as exc:
            log.warning("could not save settings: %s", exc)

    def _restore_geometry(self) -> None:
        if self.settings.window_geometry:
            try:
                self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode("ascii")))
            except (ValueError, UnicodeError):
                pass

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.refresh_icons()
        super().changeEvent(event)
