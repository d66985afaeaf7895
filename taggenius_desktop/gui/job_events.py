"""What the window does when a job ends (from the bridge): say so, notify when the window
is not in front, remember the measured rate for the next time-left, and refresh the
proposals when an AI job filled the cache of the library on show."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .. import APP_NAME
from ..jobs.specs import JOB_TAG
from ..store.jobs_log import JobRecord, Status
from ..tagging.choice import PROVIDER_NAMES, Provider
from . import notifications, rates

if TYPE_CHECKING:
    from .main_window import MainWindow



def finished_text(record: JobRecord) -> str:
    name = record.job_display_name
    messages = {
        Status.COMPLETED: f"{name} finished.",
        Status.FAILED: f"{name} failed: {record.error or 'see the jobs panel'}",
        Status.CANCELLED: f"{name} was cancelled.",
        Status.INTERRUPTED: f"{name} was interrupted.",
    }
    return messages.get(record.status, f"{name}: {record.status}")


def job_finished(window: "MainWindow", record: JobRecord) -> None:
    text = finished_text(record)
    window.show_status(text)
    if window.settings.notify_when_done and not window.isActiveWindow() and not window.closing:
        notifications.show_notification(APP_NAME, text, window.windowIcon(), error=record.status == Status.FAILED)
    if record.status != Status.COMPLETED or record.job_type != JOB_TAG:
        return
    if record.started_at:
        key = rates.rate_key(record.provider or "", record.model, window.settings.batch_size)
        rate = rates.remember_rate(key, record.tracks_done, (record.finished_at or 0) - record.started_at)
        if rate is not None:
            window.rates[key] = rate
    shown = window.library_path
    uses_cache = record.provider in PROVIDER_NAMES and Provider(record.provider).uses_cache
    if shown is not None and uses_cache and Path(record.input_file_path) == shown.absolute():
        window.refresh_proposals()  # the cache now holds this job's tags


def remembered_rate(window: "MainWindow", record: JobRecord) -> float | None:
    return window.rates.get(rates.rate_key(record.provider or "", record.model, window.settings.batch_size))
