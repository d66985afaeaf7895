"""The actions that start, cancel and resume jobs from the window.

Specs come from :mod:`.spec_seam` (settings -> spec) and :mod:`.job_naming` (what the job
and its output are called); work goes to the window's ``JobManager``. Every question the
user must answer first (use the review's edits? the same job again?) is asked here.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..jobs.specs import JOB_TAG
from ..store.jobs_log import Status
from . import dialogs, job_naming, spec_seam

if TYPE_CHECKING:
    from .main_window import MainWindow


class JobActions:
    def __init__(self, window: "MainWindow") -> None:
        self.window = window

    # -- specs ---------------------------------------------------------------------------
    def output_path_for(self, suffix: str, source: Path | None = None) -> Path:
        source = source or self.window.library_path
        assert source is not None
        folder = self.window.settings.effective_output_dir
        folder.mkdir(parents=True, exist_ok=True)
        return job_naming.output_path(folder, source, suffix)

    def build_tag_spec(self, overrides: dict[str, Any] | None = None, locked: list[str] | None = None,
                       for_estimate: bool = False) -> Any:
        """The tag job for what the window shows; raises SpecError for a spec that cannot run."""
        from ..jobs import SpecError

        window = self.window
        source = window.library_path
        if source is None:
            raise SpecError("Open a library first.")
        window.job_settings.store_settings(window.settings)
        panel = window.job_settings
        reviewed = bool(overrides or locked)
        provider, model, level = window.settings.job_provider, panel.model(), panel.level()
        if for_estimate:
            output = source.with_name(f"{source.stem}_tagged.xml")
            if output == source:
                output = output.with_name(output.stem + "-estimate.xml")
        else:
            output = self.output_path_for(job_naming.tag_output_suffix(provider, model, level, reviewed))
        spec = spec_seam.tag_spec_from_settings(
            window.settings, source, output, level=level, model=model, write_options=panel.write_options(),
            playlists=panel.playlists(), overrides=overrides, locked=locked or (), for_estimate=for_estimate)
        name = job_naming.tag_job_name(Path(spec.input_path), spec.provider.provider, spec.provider.model,
                                       spec.level, reviewed)
        return dataclasses.replace(spec, display_name=name)

    # -- starting ------------------------------------------------------------------------
    def submit(self, spec: Any) -> int:
        window = self.window
        job_id: int = window.manager.submit(spec)
        window.bridge.refresh()
        window.jobs_panel.select_job(job_id)
        window.show_status(f"{spec.display_name}: queued as job {job_id}.")
        window.job_submitted.emit(job_id)
        return job_id

    def start_tagging(self) -> int | None:
        """Start Tagging: with the review's edits when the user has made some (asked)."""
        model = self.window.review.model
        overrides, locked = model.overrides(), model.locked_ids()
        if overrides or locked:
            answer = dialogs.ask_use_review_edits(self.window, len(overrides), len(locked))
            if answer is None:
                return None
            if answer == dialogs.USE_EDITS:
                return self._submit_tag_job(overrides, locked)
        return self._submit_tag_job()

    def write_reviewed(self) -> int | None:
        """The review's result: a tag job with the edited tracks as overrides, locks kept."""
        model = self.window.review.model
        overrides, locked = model.overrides(), model.locked_ids()
        if not overrides and not locked:
            if not dialogs.ask_tag_without_edits(self.window):
                return None
        return self._submit_tag_job(overrides, locked)

    def _submit_tag_job(self, overrides: dict[str, Any] | None = None, locked: list[str] | None = None) -> int | None:
        from ..jobs import SpecError

        window = self.window
        if window.library_path is None:
            return None
        try:
            spec = self.build_tag_spec(overrides, locked)
        except (SpecError, OSError) as exc:
            dialogs.show_error(window, "Cannot start tagging", str(exc))
            return None
        twin = self.same_job(spec)
        if twin is not None and not dialogs.ask_run_again(window, spec.display_name, twin.status):
            return None
        job_id = self.submit(spec)
        if overrides or locked:
            window.review_edits_used()
        return job_id

    def same_job(self, spec: Any) -> Any:
        """A queued, running or finished job of the same library and settings, if any."""
        for record in self.window.bridge.records:
            if (record.status in (*Status.ACTIVE, Status.COMPLETED) and record.job_type == JOB_TAG
                    and record.job_display_name == spec.display_name
                    and Path(record.input_file_path) == Path(spec.input_path)):
                return record
        return None

    def start_split(self) -> int | None:
        from ..jobs import SpecError, build_split_job

        window = self.window
        if window.library_path is None:
            return None
        try:
            spec = build_split_job(window.library_path, self.output_path_for("split"))
        except (SpecError, OSError) as exc:
            dialogs.show_error(window, "Cannot split", str(exc))
            return None
        return self.submit(spec)

    def start_restore(self, path: str | None = None) -> int | None:
        from ..jobs import SpecError, build_restore_job

        window = self.window
        chosen = path or dialogs.choose_tagged_library(window, str(window.settings.effective_output_dir))
        if not chosen:
            return None
        source = Path(chosen)
        try:
            spec = build_restore_job(source, self.output_path_for("restored", source))
        except (SpecError, OSError) as exc:
            dialogs.show_error(window, "Cannot restore", str(exc))
            return None
        return self.submit(spec)

    # -- running jobs --------------------------------------------------------------------
    def cancel_job(self, job_id: int) -> None:
        self.window.manager.cancel(job_id)
        self.window.bridge.refresh()
        self.window.show_status(f"Cancelling job {job_id}…")

    def cancel_current(self) -> None:
        """Ctrl+.: the selected job if it runs, else the newest running or queued one."""
        window = self.window
        window.bridge.refresh()  # a job submitted a moment ago is known before the next tick
        selected = window.jobs_panel.selected_record()
        candidates = [selected] if selected is not None and selected.status in Status.ACTIVE else []
        candidates += [r for r in window.bridge.records if r.status in Status.ACTIVE]
        for record in candidates:
            if not record.cancel_requested:
                self.cancel_job(record.id)
                return
        window.show_status("No job is running.")

    def resume_job(self, job_id: int) -> None:
        from ..jobs import SpecError

        window = self.window
        record = window.bridge.record(job_id)
        try:
            window.manager.resume(job_id, api_key=spec_seam.api_key_for(record.provider or "") if record else None)
        except SpecError as exc:
            dialogs.show_error(window, "Cannot resume", str(exc))
            return
        window.bridge.refresh()
        window.show_status(f"Job {job_id} resumed.")
