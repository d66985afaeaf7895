"""The main window: open a library, choose how to tag it, review, and follow jobs.

It wires the views together and holds no business rules: specs come from
``jobs.build_*_job``, work goes to the ``JobManager``, progress comes back through the
one :class:`~.bridge.JobBridge`, and slow reads run as background tasks.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QByteArray, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME, credentials, paths
from ..settings import Settings, load_settings, save_settings
from ..store.jobs_log import JobRecord, Status
from ..jobs.from_settings import resume_key
from ..settings import OFFLINE
from ..tagging.choice import NO_OPENAI_KEY, Provider, TaggerChoice
from ..writeback.plan import is_red
from . import dialogs, icons, notifications, system, tasks
from .banner import Banner
from .bridge import JobBridge
from .drop_zone import DropZone, check_drop
from .help import ImportHelpDialog, diagnostics_text
from .job_settings import JobSettingsPanel
from .jobs_panel import JobsPanel
from .library_summary import LibrarySummary
from .review_model import ReviewRows, build_rows
from .review_view import ReviewView
from .settings_dialog import SettingsDialog

log = logging.getLogger(__name__)

PAGE_EMPTY, PAGE_LIBRARY = 0, 1
#: Tracks per slice of proposal work between pauses for the GUI thread.
PROPOSAL_SLICE = 500
TAB_TAG, TAB_REVIEW = 0, 1


@dataclass
class LoadedLibrary:
    """What the background load hands back to the GUI thread."""

    generation: int
    path: Path
    library: Any
    rows: ReviewRows
    playlist_count: int
    sample_attrs: dict[str, str] | None
    sample_profile: Any


def _count_playlists(root: Any) -> int:
    if root is None:
        return 0
    try:
        return sum(1 for _ in root.iter_playlists())
    except AttributeError:
        return 0


def _pick_sample(library: Any) -> Any | None:
    """A track worth previewing: one with a genre and a title, else the first."""
    tracks = library.tracks
    for track in tracks[:500]:
        if track.attrs.get("Genre") and track.attrs.get("Name") and not is_red(track.attrs):
            return track
    return tracks[0] if tracks else None


def load_library_task(path: Path, generation: int) -> LoadedLibrary:
    """Runs in a pool thread: read and index the library (no Qt objects touched)."""
    from ..library import read_library

    library = read_library(path)
    tasks.yield_to_gui()
    rows = build_rows(library.tracks)
    sample = _pick_sample(library)
    sample_profile = None
    if sample is not None:
        try:
            from ..tagging.offline import profile_for
            from ..vocabulary.profile import TrackInfo

            sample_profile = profile_for(TrackInfo.from_attributes(sample.attrs))
        except Exception as exc:  # noqa: BLE001 - the preview is a nicety, the load is not
            log.warning("no preview profile: %s", exc)
    return LoadedLibrary(generation, path, library, rows, _count_playlists(library.playlists),
                         dict(sample.attrs) if sample is not None else None, sample_profile)


def library_error_text(path: Path, exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"“{path.name}” cannot be found; it may have been moved or deleted."
    if isinstance(exc, PermissionError):
        return f"“{path.name}” cannot be read (permission denied)."
    message = str(exc) or type(exc).__name__
    return f"“{path.name}” could not be opened: {message}"


class MainWindow(QMainWindow):
    library_loaded = Signal(str)
    library_failed = Signal(str)
    job_submitted = Signal(int)
    proposals_updated = Signal()
    estimate_updated = Signal()

    def __init__(
        self,
        settings: Settings | None = None,
        manager_factory: Callable[[], Any] | None = None,
        db_path: str | None = None,
        bridge_interval_ms: int = 200,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings or load_settings()
        self._manager_factory = manager_factory
        self._manager: Any = None
        self._db_path = db_path
        self.library: Any = None
        self.library_path: Path | None = None
        self._load_generation = 0
        self._analysis_generation = 0
        self._proposal_generation = 0
        self._proposal_key: tuple | None = None
        self._offered_resume = False
        self._closing = False
        self._help_dialog: ImportHelpDialog | None = None
        self._offline_sample_profile: Any = None

        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(icons.app_icon())
        self.setAcceptDrops(True)
        self.resize(1180, 800)
        self.setMinimumSize(820, 560)

        # Views ----------------------------------------------------------------------
        self.banner = Banner()
        self.banner.accepted.connect(self._resume_interrupted)
        self.banner.dismissed.connect(self._dismiss_interrupted)
        self.drop_zone = DropZone()
        self.drop_zone.library_dropped.connect(self.open_library)
        self.drop_zone.drop_refused.connect(self._drop_refused)
        self.drop_zone.open_requested.connect(self.choose_and_open)
        self.summary = LibrarySummary()
        self.job_settings = JobSettingsPanel(self.settings)
        self.job_settings.options_changed.connect(self._options_changed)
        self.job_settings.start_requested.connect(self.start_tagging)
        self.job_settings.settings_requested.connect(self.open_settings)
        self.review = ReviewView()
        self.review.write_requested.connect(self.write_reviewed)
        self.jobs_panel = JobsPanel()
        self.jobs_panel.cancel_requested.connect(self.cancel_job)
        self.jobs_panel.resume_requested.connect(self.resume_job)

        tag_page = QWidget()
        tag_layout = QHBoxLayout(tag_page)
        tag_layout.addWidget(self.summary, 1)
        tag_layout.addWidget(self.job_settings, 3)
        self.tabs = QTabWidget()
        self.tabs.addTab(tag_page, icons.icon("start"), "Tag")
        self.tabs.addTab(self.review, icons.icon("review"), "Review")
        self.tabs.setDocumentMode(True)

        empty_page = QWidget()
        empty_layout = QVBoxLayout(empty_page)
        empty_layout.setContentsMargins(40, 30, 40, 30)
        empty_layout.addWidget(self.drop_zone)
        self.stack = QStackedWidget()
        self.stack.addWidget(empty_page)
        self.stack.addWidget(self.tabs)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.jobs_panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([560, 220])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 8, 10, 6)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)

        self._build_menus()
        self.job_settings.add_secondary_actions([self.split_action, self.restore_action])

        # Debounce: a burst of option changes (typing a model name) re-estimates once.
        self._options_timer = QTimer(self)
        self._options_timer.setSingleShot(True)
        self._options_timer.setInterval(300)
        self._options_timer.timeout.connect(self._apply_options)

        # The one bridge from jobs to widgets.
        self.bridge = JobBridge(db_path, interval_ms=bridge_interval_ms, parent=self)
        self.bridge.jobs_changed.connect(self.jobs_panel.model.set_records)
        self.bridge.job_finished.connect(self._job_finished)
        self.bridge.start()
        self._offer_resume(self.bridge.records)

        self._restore_geometry()
        self._show_status("Drop a rekordbox XML library to begin.")

    # -- manager -------------------------------------------------------------------------
    @property
    def manager(self) -> Any:
        """The JobManager, created on first use (its worker processes start then)."""
        if self._manager is None:
            if self._manager_factory is not None:
                self._manager = self._manager_factory()
            else:
                from ..jobs import JobManager

                self._manager = JobManager(workers=2, db_path=self._db_path)
        return self._manager

    def warm_up(self) -> None:
        """Start the worker processes now (after the window is shown), so Start is instant."""
        _ = self.manager

    # -- menus ---------------------------------------------------------------------------
    def _action(self, text: str, slot: Callable, shortcut: Any = None, icon: str | None = None,
                tip: str | None = None, role: QAction.MenuRole | None = None) -> QAction:
        action = QAction(text, self)
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
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.open_action = self._action("&Open Library…", self.choose_and_open, QKeySequence.StandardKey.Open, "open",
                                        "Open a rekordbox XML library")
        file_menu.addAction(self.open_action)
        self.recent_menu = QMenu("Open &Recent", self)
        file_menu.addMenu(self.recent_menu)
        self._update_recent_menu()
        file_menu.addSeparator()
        self.split_action = self._action("&Split into Playlists…", self.start_split, "Ctrl+Shift+P", "split",
                                         "Add a Tag Genius playlist folder by genre, energy and situation")
        self.restore_action = self._action("Restore &Original Tags…", self.start_restore, "Ctrl+Shift+R", "restore",
                                           "Make a copy of a tagged library with your values from before tagging")
        file_menu.addAction(self.split_action)
        file_menu.addAction(self.restore_action)
        file_menu.addSeparator()
        self.settings_action = self._action("&Settings…", self.open_settings, QKeySequence.StandardKey.Preferences,
                                            "settings", role=QAction.MenuRole.PreferencesRole)
        if self.settings_action.shortcut().isEmpty():
            self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit,
                                        role=QAction.MenuRole.QuitRole)
        if self.quit_action.shortcut().isEmpty():
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        file_menu.addAction(self.quit_action)

        jobs_menu = bar.addMenu("&Jobs")
        self.start_action = self._action("&Start Tagging", self.start_tagging, "Ctrl+Return", "start")
        self.write_action = self._action("&Write Reviewed Result", self.write_reviewed, "Ctrl+Shift+Return", "write")
        jobs_menu.addAction(self.start_action)
        jobs_menu.addAction(self.write_action)
        jobs_menu.addSeparator()
        jobs_menu.addAction(self.jobs_panel.cancel_action)
        jobs_menu.addAction(self.jobs_panel.resume_action)
        jobs_menu.addAction(self.jobs_panel.open_action)
        jobs_menu.addAction(self.jobs_panel.reveal_action)

        view_menu = bar.addMenu("&View")
        view_menu.addAction(self._action("&Tag", lambda: self.tabs.setCurrentIndex(TAB_TAG), "Ctrl+1"))
        view_menu.addAction(self._action("&Review", lambda: self.tabs.setCurrentIndex(TAB_REVIEW), "Ctrl+2"))
        view_menu.addAction(self._action("&Find Track", self._focus_filter, QKeySequence.StandardKey.Find, "search"))

        help_menu = bar.addMenu("&Help")
        self.import_help_action = self._action("How to &Import into rekordbox", self.show_import_help,
                                               QKeySequence.StandardKey.HelpContents, "help")
        self.diagnostics_action = self._action("&Copy Diagnostics", self.copy_diagnostics)
        self.log_folder_action = self._action("Open &Log Folder", self.open_log_folder, icon="folder")
        help_menu.addAction(self.import_help_action)
        help_menu.addSeparator()
        help_menu.addAction(self.diagnostics_action)
        help_menu.addAction(self.log_folder_action)
        help_menu.addSeparator()
        help_menu.addAction(self._action(f"&About {APP_NAME}", self.show_about, role=QAction.MenuRole.AboutRole))
        self._update_library_actions()

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = [p for p in self.settings.recent_files if p]
        for number, path in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{number} {Path(path).name}" if number < 10 else Path(path).name)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_library(p))
        if recent:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear Menu", self._clear_recent)
        self.recent_menu.setEnabled(bool(recent))

    def _clear_recent(self) -> None:
        self.settings.recent_files = []
        self._save_settings()
        self._update_recent_menu()

    def _update_library_actions(self) -> None:
        loaded = self.library is not None
        for action in (self.start_action, self.write_action, self.split_action):
            action.setEnabled(loaded)

    # -- opening a library ---------------------------------------------------------------
    def choose_and_open(self) -> None:
        start = str(Path(self.settings.recent_files[0]).parent) if self.settings.recent_files else ""
        path = dialogs.choose_library(self, start)
        if path:
            self.open_library(path)

    def open_library(self, path: str | os.PathLike[str]) -> None:
        """Load a library in the background; the window stays usable meanwhile."""
        source = Path(path).expanduser()
        self._load_generation += 1
        generation = self._load_generation
        self.drop_zone.set_busy(f"Opening {source.name}…")
        self._show_status(f"Opening {source}…")
        tasks.run_task(lambda: load_library_task(source, generation), self._library_ready,
                       lambda exc: self._library_failed(source, generation, exc))

    def _library_ready(self, loaded: LoadedLibrary) -> None:
        if loaded.generation != self._load_generation or self._closing:
            return  # a newer open superseded this one
        self.drop_zone.set_busy(None)
        self.drop_zone.clear_message()
        self.library = loaded.library
        self.library_path = loaded.path
        self._proposal_key = None
        self.settings.add_recent(loaded.path)
        self._save_settings()
        self._update_recent_menu()
        name = loaded.path.name
        self.setWindowTitle(f"{APP_NAME} — {name}")
        self.setWindowFilePath(str(loaded.path))
        track_count = len(loaded.rows)
        self.summary.set_library(name, str(loaded.path), track_count, loaded.playlist_count)
        self.job_settings.scope.set_playlists(getattr(loaded.library, "playlists", None))
        self.job_settings.set_library_loaded(True)
        self._offline_sample_profile = loaded.sample_profile
        self.job_settings.set_sample(loaded.sample_attrs, loaded.sample_profile)
        self.review.model.set_rows(loaded.rows)
        self.review.set_status("Computing proposals…")
        self._ensure_vocabulary()
        self.stack.setCurrentIndex(PAGE_LIBRARY)
        self._update_library_actions()
        self._show_status(f"Opened {name}: {track_count:,} tracks.")
        self._apply_options()
        self.library_loaded.emit(str(loaded.path))

    def _library_failed(self, path: Path, generation: int, exc: BaseException) -> None:
        if generation != self._load_generation or self._closing:
            return
        message = library_error_text(path, exc)
        self.drop_zone.set_busy(None)
        if self.library is None:
            self.drop_zone.show_message(message)
        else:
            dialogs.show_error(self, "Could not open the library", message)
        self._show_status(message)
        self.library_failed.emit(message)

    def _ensure_vocabulary(self) -> None:
        if getattr(self, "_vocabulary_set", False):
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
        self._show_status(reason)
        if self.stack.currentIndex() == PAGE_EMPTY:
            self.drop_zone.show_message(reason)

    # -- options, estimate, proposals -------------------------------------------------------
    def _options_changed(self) -> None:
        self._options_timer.start()

    def _apply_options(self) -> None:
        self.job_settings.store_settings(self.settings)
        self._save_settings()
        if self.library is None:
            return
        spec = self._spec_or_none(for_estimate=True)
        if spec is None:
            return
        self._refresh_estimate(spec)
        key = (spec.provider.provider, spec.provider.model, spec.provider.base_url)
        if key != self._proposal_key:
            self._refresh_proposals(spec, key)

    def _refresh_estimate(self, spec: Any) -> None:
        self._analysis_generation += 1
        generation = self._analysis_generation
        library = self.library
        offline = TaggerChoice.of(spec.provider).is_offline
        self.summary.set_cached(None)
        self.summary.set_estimate(None, "Estimating…")

        def work() -> dict[str, Any]:
            from ..jobs.estimate import estimate_job
            from ..store import connect

            conn = connect(self._db_path)  # this window's database, not the default one
            try:
                estimate = estimate_job(spec, library, conn)
            finally:
                conn.close()
            return {"generation": generation, "offline": offline, "estimate": estimate,
                    "cached": estimate.get("tracks_cached")}

        tasks.run_task(work, self._estimate_ready, lambda exc: self._estimate_failed(generation, exc))

    def _estimate_ready(self, result: dict[str, Any]) -> None:
        if result["generation"] != self._analysis_generation:
            return
        total = self.review.model.track_count() if self.library is not None else None
        self.summary.set_cached(result.get("cached"), total, offline=result["offline"])
        estimate = result.get("estimate")
        note = result.get("estimate_note", "")
        if estimate is not None and result["offline"]:
            note = "The offline tagger is free and runs on this computer."
        self.summary.set_estimate(estimate, note)
        self.estimate_updated.emit()

    def _estimate_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._analysis_generation:
            return
        log.warning("estimate failed: %s", exc)
        self.summary.set_estimate(None, credentials.redact(f"No estimate: {exc}"))
        self.estimate_updated.emit()

    def _refresh_proposals(self, spec: Any, key: tuple) -> None:
        self._proposal_generation += 1
        generation = self._proposal_generation
        self._proposal_key = key
        library = self.library
        db_path = self._db_path

        def work() -> tuple[int, dict, dict]:
            from ..jobs.review import propose
            from ..store import connect

            from .review_model import proposal_search_text

            conn = connect(db_path)
            proposals: dict = {}
            search: dict = {}
            ids = [t.track_id for t in library.tracks]
            try:
                # In slices, pausing between them: a long pure-Python loop in this thread
                # would otherwise hold the GIL the GUI thread needs to paint (tasks.py).
                for start in range(0, len(ids), PROPOSAL_SLICE):
                    if generation != self._proposal_generation:
                        return generation, {}, {}  # superseded: stop early
                    chunk = propose(library, spec, conn, ids[start:start + PROPOSAL_SLICE])
                    proposals.update(chunk)
                    search.update((tid, proposal_search_text(p.profile)) for tid, p in chunk.items())
                    tasks.yield_to_gui()
            finally:
                conn.close()
            return generation, proposals, search

        self.review.set_status("Computing proposals…")
        tasks.run_task(work, self._proposals_ready, lambda exc: self._proposals_failed(generation, exc))

    def refresh_proposals(self) -> None:
        """Ask again (after a job filled the cache)."""
        self._proposal_key = None
        self._apply_options()

    def _proposals_ready(self, result: tuple[int, dict, dict]) -> None:
        generation, proposals, search = result
        if generation != self._proposal_generation:
            return
        self.review.model.set_proposals(proposals, search)
        total = self.review.model.track_count()
        if self.job_settings.provider() == OFFLINE:
            text = "Proposals from the offline tagger. Edit any cell, tick Lock to keep a track as it is."
        elif len(proposals) < total:
            text = (f"{len(proposals):,} of {total:,} tracks have AI tags from earlier runs; the others get "
                    "theirs when the job runs. Edits and locks are kept either way.")
        else:
            text = "Proposals from earlier AI runs (cached). Edit any cell, tick Lock to keep a track as it is."
        self.review.set_status(text)
        sample = self.job_settings.sample_track_id()
        if sample:
            # The preview shows this provider's answer when there is one (an earlier AI run),
            # else the offline tagger's.
            profile = proposals[sample].profile if sample in proposals else self._offline_sample_profile
            self.job_settings.set_sample(self.job_settings.sample_attrs(), profile)
        self.proposals_updated.emit()

    def _proposals_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._proposal_generation:
            return
        log.warning("proposals failed: %s", exc)
        self.review.set_status(credentials.redact(f"No proposals: {exc}"))
        self.proposals_updated.emit()

    # -- building and submitting jobs --------------------------------------------------------
    def output_path_for(self, suffix: str, source: Path | None = None) -> Path:
        source = source or self.library_path
        assert source is not None
        folder = self.settings.effective_output_dir
        folder.mkdir(parents=True, exist_ok=True)
        return dialogs.unique_path(folder / f"{source.stem}_{suffix}.xml")

    def build_tag_spec(self, overrides: dict | None = None, locked: list[str] | None = None,
                       for_estimate: bool = False) -> Any:
        """The tag job for what the window shows; raises SpecError for a spec that cannot run."""
        from ..jobs import SpecError, build_tag_job

        if self.library_path is None:
            raise SpecError("Open a library first.")
        self.job_settings.store_settings(self.settings)
        settings = self.settings
        provider = settings.job_provider
        api_key = credentials.get_api_key() if provider == Provider.OPENAI else None
        if provider == Provider.OPENAI and not api_key and not for_estimate:
            raise SpecError(f"{NO_OPENAI_KEY} Open Settings (Ctrl+,) to enter one, or choose Offline.")
        if settings.provider == "custom" and not settings.effective_base_url:
            raise SpecError("Set the address of your server in Settings (AI > Address), e.g. http://localhost:8080/v1.")
        if for_estimate:
            output = self.library_path.with_name(f"{self.library_path.stem}_tagged.xml")
            if output == self.library_path:
                output = output.with_name(output.stem + "-estimate.xml")
        else:
            output = self.output_path_for("tagged")
        return build_tag_job(
            self.library_path,
            output,
            level=self.job_settings.level(),
            provider=provider,
            model=self.job_settings.model() if provider != Provider.OFFLINE else "",
            base_url=settings.effective_base_url,
            api_key=api_key,
            batch_size=settings.batch_size or None,
            concurrency=settings.concurrency or None,
            use_cache=settings.use_cache,
            write_options=self.job_settings.write_options(),
            playlists=self.job_settings.playlists(),
            overrides=overrides,
            locked=locked or (),
        )

    def _spec_or_none(self, for_estimate: bool = False) -> Any:
        from ..jobs import SpecError

        try:
            return self.build_tag_spec(for_estimate=for_estimate)
        except SpecError as exc:
            self.summary.set_estimate(None, str(exc))
            return None

    def submit(self, spec: Any) -> int:
        job_id = self.manager.submit(spec)
        self.bridge.refresh()
        self.jobs_panel.select_job(job_id)
        self._show_status(f"{spec.display_name}: queued as job {job_id}.")
        self.job_submitted.emit(job_id)
        return job_id

    def start_tagging(self) -> int | None:
        return self._submit_tag_job()

    def write_reviewed(self) -> int | None:
        """The review's result: a tag job with the edited tracks as overrides, locks kept."""
        model = self.review.model
        return self._submit_tag_job(model.overrides(), model.locked_ids())

    def _submit_tag_job(self, overrides: dict | None = None, locked: list[str] | None = None) -> int | None:
        from ..jobs import SpecError

        if self.library_path is None:
            return None
        try:
            spec = self.build_tag_spec(overrides, locked)
        except (SpecError, OSError) as exc:
            dialogs.show_error(self, "Cannot start tagging", str(exc))
            return None
        return self.submit(spec)

    def start_split(self) -> int | None:
        from ..jobs import SpecError, build_split_job

        if self.library_path is None:
            return None
        try:
            spec = build_split_job(self.library_path, self.output_path_for("split"))
        except (SpecError, OSError) as exc:
            dialogs.show_error(self, "Cannot split", str(exc))
            return None
        return self.submit(spec)

    def start_restore(self, path: str | None = None) -> int | None:
        from ..jobs import SpecError, build_restore_job

        start = str(self.settings.effective_output_dir)
        chosen = path or dialogs.choose_tagged_library(self, start)
        if not chosen:
            return None
        source = Path(chosen)
        try:
            spec = build_restore_job(source, self.output_path_for("restored", source))
        except (SpecError, OSError) as exc:
            dialogs.show_error(self, "Cannot restore", str(exc))
            return None
        return self.submit(spec)

    def cancel_job(self, job_id: int) -> None:
        self.manager.cancel(job_id)
        self.bridge.refresh()
        self._show_status(f"Cancelling job {job_id}…")

    def _key_for(self, record: JobRecord | None) -> str | None:
        return resume_key(record.provider) if record is not None else None

    def resume_job(self, job_id: int) -> None:
        from ..jobs import SpecError

        try:
            self.manager.resume(job_id, api_key=self._key_for(self.bridge.record(job_id)))
        except SpecError as exc:
            dialogs.show_error(self, "Cannot resume", str(exc))
            return
        self.bridge.refresh()
        self._show_status(f"Job {job_id} resumed.")

    # -- job events (from the bridge) ---------------------------------------------------------
    def _job_finished(self, record: JobRecord) -> None:
        messages = {
            Status.COMPLETED: f"{record.job_display_name} finished.",
            Status.FAILED: f"{record.job_display_name} failed: {record.error or 'see the jobs panel'}",
            Status.CANCELLED: f"{record.job_display_name} was cancelled.",
            Status.INTERRUPTED: f"{record.job_display_name} was interrupted.",
        }
        text = messages.get(record.status, f"{record.job_display_name}: {record.status}")
        self._show_status(text)
        if self.settings.notify_when_done and not self.isActiveWindow() and not self._closing:
            notifications.show_notification(APP_NAME, text, self.windowIcon(), error=record.status == Status.FAILED)
        if (record.status == Status.COMPLETED and record.job_type == "tag" and self.library_path is not None
                and record.provider != Provider.OFFLINE
                and Path(record.input_file_path) == self.library_path.absolute()):
            self.refresh_proposals()  # the cache now holds this job's tags

    # -- interrupted jobs: a banner, never a modal -----------------------------------------------
    def _offer_resume(self, records: list[JobRecord]) -> None:
        if self._offered_resume:
            return
        self._offered_resume = True
        dismissed = set(self.settings.dismissed_jobs)
        waiting = [r for r in records if r.status == Status.INTERRUPTED and r.id not in dismissed]
        self._interrupted_ids = [r.id for r in waiting]
        if not waiting:
            return
        names = ", ".join(r.job_display_name for r in waiting[:3]) + (" …" if len(waiting) > 3 else "")
        noun = "job did" if len(waiting) == 1 else "jobs did"
        self.banner.show_message(
            f"{len(waiting)} {noun} not finish last time ({names}). Resume to continue where "
            "it stopped; tracks already tagged are not paid for again.",
            "Resume" if len(waiting) == 1 else "Resume All",
        )

    def _resume_interrupted(self) -> None:
        ids = list(getattr(self, "_interrupted_ids", []))
        self.banner.hide()
        for job_id in ids:
            self.resume_job(job_id)

    def _dismiss_interrupted(self) -> None:
        self.settings.dismissed_jobs = [*self.settings.dismissed_jobs, *getattr(self, "_interrupted_ids", [])]
        self._save_settings()

    # -- settings, help -----------------------------------------------------------------------
    def open_settings(self) -> None:
        self.job_settings.store_settings(self.settings)
        dialog = SettingsDialog(self.settings, self)
        if dialogs.exec_dialog(dialog):
            self._settings_changed()
        dialog.deleteLater()

    def _settings_changed(self) -> None:
        self._save_settings()
        self.job_settings.load_settings(self.settings)
        app = QApplication.instance()
        controller = getattr(app, "theme_controller", None)
        if controller is not None and controller.choice != self.settings.theme:
            controller.apply(self.settings.theme)
        self.refresh_proposals()

    def show_import_help(self) -> None:
        if self._help_dialog is None:
            self._help_dialog = ImportHelpDialog(self)
            self._help_dialog.destroyed.connect(lambda *_: setattr(self, "_help_dialog", None))
        self._help_dialog.show()
        self._help_dialog.raise_()
        self._help_dialog.activateWindow()

    def copy_diagnostics(self) -> str:
        text = diagnostics_text()
        system.copy_to_clipboard(text)
        self._show_status("Diagnostics copied to the clipboard (your API key is not included).")
        return text

    def open_log_folder(self) -> None:
        system.open_path(paths.log_dir())

    def show_about(self) -> None:
        from .. import __version__

        dialogs.show_info(self, f"About {APP_NAME}",
                          f"{APP_NAME} {__version__}\n\nConsistent genre, energy, vibe and situation tags "
                          "for your rekordbox library.")

    def _focus_filter(self) -> None:
        if self.library is not None:
            self.tabs.setCurrentIndex(TAB_REVIEW)
            self.review.focus_filter()

    def refresh_icons(self) -> None:
        """After a light/dark switch: icons re-rendered in the new text colour."""
        for action in self.findChildren(QAction):
            name = action.data()
            if isinstance(name, str) and name:
                action.setIcon(icons.icon(name))
        self.tabs.setTabIcon(TAB_TAG, icons.icon("start"))
        self.tabs.setTabIcon(TAB_REVIEW, icons.icon("review"))
        self.drop_zone.refresh_icons()
        self.jobs_panel.refresh_icons()
        self.job_settings.settings_button.setIcon(icons.icon("settings"))

    # -- closing ------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        running = self._manager is not None and self._manager.has_active_jobs()
        if running:
            count = sum(1 for r in self.bridge.records if r.status in Status.ACTIVE) or 1
            if not dialogs.ask_quit_with_jobs(self, count):
                event.ignore()
                return
        self._closing = True
        self.settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        self.job_settings.store_settings(self.settings)
        self._save_settings()
        # Jobs still running are stopped so the next launch offers them for resuming.
        self.shutdown(for_resume=running)
        event.accept()

    def shutdown(self, for_resume: bool = False) -> None:
        """Stop the bridge and the job manager (idempotent; tests call it in teardown)."""
        self._closing = True
        self.bridge.close()
        if self._manager is not None:
            manager, self._manager = self._manager, None
            if for_resume:
                manager.shutdown(cancel_running=False, timeout=0.0)
            else:
                manager.shutdown(cancel_running=True)

    # -- helpers --------------------------------------------------------------------------------
    def _show_status(self, text: str) -> None:
        self.status_label.setText(text)

    def _save_settings(self) -> None:
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
