"""Jobs that did not finish last time, offered in a banner (never a modal at start-up)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..store.jobs_log import JobRecord, Status

if TYPE_CHECKING:
    from .main_window import MainWindow


class ResumeOffer:
    def __init__(self, window: "MainWindow") -> None:
        self.window = window
        self._offered = False
        self.job_ids: list[int] = []
        window.banner.accepted.connect(self.resume_all)
        window.banner.dismissed.connect(self.dismiss)

    def offer(self, records: list[JobRecord]) -> None:
        if self._offered:
            return
        self._offered = True
        dismissed = set(self.window.settings.dismissed_jobs)
        waiting = [r for r in records if r.status == Status.INTERRUPTED and r.id not in dismissed]
        self.job_ids = [r.id for r in waiting]
        if not waiting:
            return
        names = ", ".join(r.job_display_name for r in waiting[:3]) + (" …" if len(waiting) > 3 else "")
        noun = "job did" if len(waiting) == 1 else "jobs did"
        self.window.banner.show_message(
            f"{len(waiting)} {noun} not finish last time ({names}). Resume to continue where "
            "it stopped; tracks already tagged are not paid for again.",
            "Resume" if len(waiting) == 1 else "Resume All",
        )

    def resume_all(self) -> None:
        self.window.banner.hide()
        for job_id in self.job_ids:
            self.window.jobs.resume_job(job_id)

    def dismiss(self) -> None:
        settings = self.window.settings
        settings.dismissed_jobs = [*settings.dismissed_jobs, *self.job_ids]
        self.window.save_settings()
