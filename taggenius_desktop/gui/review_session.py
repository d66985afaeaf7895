"""The review's edits and locks for the open library: saved to the data folder a moment
after each change (and on quit), restored when the library is opened again, and known
as "unwritten" until a job has used them."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from . import review_edits

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger(__name__)

SAVE_DELAY_MS = 1000


class ReviewSession:
    def __init__(self, window: "MainWindow") -> None:
        self.window = window
        self.model = window.review.model
        self.unwritten = False  # edits made (or restored) since a job last used them
        self._library: Path | None = None
        self.timer = QTimer(window)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SAVE_DELAY_MS)
        self.timer.timeout.connect(self.save)
        self.model.edits_changed.connect(self._edited)

    def open(self, library: Path) -> int:
        """Call right after the model got the new library's rows (and :meth:`save` right
        before it): restores the library's saved edits."""
        self._library = library
        saved = review_edits.load(library)
        restored = self.model.restore_edits(saved.overrides, saved.locked) if not saved.empty else 0
        self.unwritten = restored > 0
        return restored

    def used(self) -> None:
        self.unwritten = False

    def _edited(self) -> None:
        self.unwritten = self.model.has_edits()
        self.timer.start()

    def save(self) -> None:
        self.timer.stop()
        if self._library is None:
            return
        model = self.model
        overrides = {}
        for tid in model.edited_ids():
            profile = model.profile_for(tid)
            if profile is not None:
                overrides[tid] = profile.to_dict()
        try:
            review_edits.save(self._library, review_edits.SavedReview(overrides, model.locked_ids()))
        except OSError as exc:
            log.warning("could not keep the review edits: %s", exc)
