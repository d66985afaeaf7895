"""The window's "Preview" tab: what tagging would write across the whole library, kept
current with the review's proposals, edits and locks and the job's write options, and
the "Export Report…" that writes the same plan track by track.

The plan is the review's: the offline tagger's proposals, or an AI provider's cached
answers (tracks not asked yet are counted "not tagged yet", never guessed), with the
DJ's edits winning and locked tracks left alone. It is counted by the core
(``jobs.report.summary_for_profiles``, the same counts a job's summary has) in a pool
thread, from a snapshot taken in the GUI thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from PySide6.QtCore import QTimer

from .. import credentials
from ..vocabulary.profile import TagProfile
from . import dialogs
from .library_preview import LibraryPreview
from .operations import Ticket

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Plan:
    """A snapshot of what the window would write: GUI-thread values only, read in a pool thread."""

    library: Any
    spec: Any
    profiles: Mapping[str, TagProfile | None]
    locked: frozenset[str]

    def skipped(self) -> dict[str, str]:
        from ..jobs.review import missing_reasons
        from ..jobs.summary import SKIP_LOCKED

        missing = [tid for tid, p in self.profiles.items() if p is None and tid not in self.locked]
        reasons = missing_reasons(self.library, self.spec, missing)
        reasons.update((tid, SKIP_LOCKED) for tid in self.locked if tid in self.profiles)
        return reasons

    def options(self) -> Any:
        from ..writeback import WriteOptions

        return WriteOptions.from_dict({**self.spec.write_options, "level": self.spec.level})


def summary_work(plan: Plan, ticket: Ticket) -> dict[str, Any]:
    from ..jobs.report import summary_for_profiles

    ticket.checkpoint()
    skipped = plan.skipped()
    return summary_for_profiles(plan.library, plan.profiles, plan.options(), skipped, pause=ticket.checkpoint)


def report_work(plan: Plan, path: str, ticket: Ticket) -> Path:
    from ..jobs.report import rows_for_profiles, write_report

    ticket.checkpoint()
    return write_report(path, rows_for_profiles(plan.library, plan.profiles, plan.options(), plan.skipped()))


class WholeLibrary:
    """Owns the Preview tab's view; refreshes it (debounced) when what it shows changed."""

    def __init__(self, window: "MainWindow") -> None:
        self.window = window
        self.view = LibraryPreview()
        self.view.export_report_requested.connect(self.export_report)
        # Debounce: proposals, an edit and an option change often arrive together.
        self._timer = QTimer(window)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        # Until the library's proposals are in, a plan would count every track untagged.
        self._proposals_in = False
        window.review.model.dataChanged.connect(self.schedule)
        window.review.model.proposals_changed.connect(self._proposals_changed)

    def new_library(self) -> None:
        self._proposals_in = False
        self.view.set_busy()

    def schedule(self) -> None:
        if self.window.library is not None and self._proposals_in:
            self._timer.start()

    def _proposals_changed(self) -> None:
        self._proposals_in = True
        self.schedule()

    def stop(self) -> None:
        self._timer.stop()

    def plan(self) -> Plan | None:
        """What the window would write now; None (and the reason shown) when it cannot say."""
        from ..jobs import SpecError
        from ..jobs.tagging import tracks_in_scope

        window = self.window
        if window.library is None:
            self.view.set_summary(None)
            return None
        try:
            spec = window.jobs.build_tag_spec(for_estimate=True)
        except SpecError as exc:
            self.view.set_summary(None)
            self.view.set_busy(str(exc))
            return None
        model = window.review.model
        locked = frozenset(model.locked_ids())
        scope = tracks_in_scope(window.library, spec.playlists)
        profiles = {tid: None if tid in locked else model.profile_for(tid) for tid in scope}
        return Plan(window.library, spec, profiles, locked)

    def refresh(self) -> None:
        plan = self.plan()
        if plan is None:
            return
        self.view.set_busy()
        self.window.ops.run("library-preview", lambda ticket: summary_work(plan, ticket), self._ready,
                            self._failed)

    def export_report(self, path: str) -> None:
        plan = self.plan()
        if plan is None:
            return
        window = self.window
        self.view.report_folder = str(Path(path).parent)
        window.show_status(f"Writing the report {Path(path).name}…")
        window.ops.run("report", lambda ticket: report_work(plan, path, ticket),
                       lambda written: window.show_status(f"Report saved: {written}"),
                       lambda exc: self._report_failed(path, exc))

    def _ready(self, summary: dict[str, Any]) -> None:
        self.view.set_summary(summary)
        self.window.library_preview_updated.emit()

    def _failed(self, exc: BaseException) -> None:
        log.warning("library preview failed: %s", exc)
        self.view.set_summary(None)
        self.view.set_busy(credentials.redact(f"No preview: {exc}"))
        self.window.library_preview_updated.emit()

    def _report_failed(self, path: str, exc: BaseException) -> None:
        message = credentials.redact(f"The report could not be written: {exc}")
        self.window.show_status(message)
        dialogs.show_error(self.window, "Export Report", f"{message}\n{path}")
