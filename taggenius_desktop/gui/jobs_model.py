"""Table model of the job history, fed by the bridge's ``jobs_changed``.

Rows update in place: a changed job emits ``dataChanged`` for its own row only and a new
job is inserted at the top, so the view never resets, scrolls or flickers while jobs run.
"""

from __future__ import annotations

import json
import time
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ..audio.describe import describe_counts
from ..jobs.specs import JOB_TAG
from ..store.jobs_log import JobRecord, Status
from ..tagging.choice import Provider
from . import rates, theme

RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
PERCENT_ROLE = Qt.ItemDataRole.UserRole + 2

COLUMNS = ("Job", "Status", "Progress", "Tracks", "Time left", "Tokens", "Cost", "Details")
COL_JOB, COL_STATUS, COL_PROGRESS, COL_TRACKS, COL_ETA, COL_TOKENS, COL_COST, COL_DETAILS = range(len(COLUMNS))


def format_count(value: int) -> str:
    return f"{value:,}"


def format_tracks(record: JobRecord) -> str:
    if record.tracks_total <= 0:
        return "—" if record.status in Status.ACTIVE else ""
    return f"{record.tracks_done:,} / {record.tracks_total:,} tracks"


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def format_eta(record: JobRecord, now: float | None = None, remembered: float | None = None) -> str:
    """``remembered``: tracks per second measured on earlier jobs like this one."""
    if record.status == Status.QUEUED:
        return "waiting"
    if record.status != Status.IN_PROGRESS:
        if record.started_at and record.finished_at:
            return f"took {format_duration(record.finished_at - record.started_at)}"
        return ""
    elapsed = (now or time.time()) - record.started_at if record.started_at else 0.0
    eta = rates.seconds_left(record.tracks_done, record.tracks_total, elapsed, remembered)
    return "estimating…" if eta is None else f"about {format_duration(eta)}"


def format_tokens(record: JobRecord) -> str:
    if not record.input_tokens and not record.output_tokens:
        return "—" if record.provider == Provider.OFFLINE else ""
    return f"{record.input_tokens:,} in / {record.output_tokens:,} out"


def format_cost(record: JobRecord) -> str:
    if record.provider == Provider.OFFLINE:
        return "free"
    if not record.cost_usd:
        return "$0.00" if record.input_tokens else ""
    return f"${record.cost_usd:,.2f}" if record.cost_usd >= 0.1 else f"${record.cost_usd:.4f}"


def status_text(record: JobRecord) -> str:
    if record.status in Status.ACTIVE and record.cancel_requested:
        return "Cancelling…"
    return record.status


def result_summary(record: JobRecord) -> dict[str, Any]:
    if not record.result_data:
        return {}
    try:
        data = json.loads(record.result_data)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def details_text(record: JobRecord) -> str:
    """One line in plain words: the error of a failed job, what a finished one did."""
    if record.status == Status.FAILED:
        return record.error or "The job failed; see the log for details (Help > Open Log Folder)."
    if record.status == Status.INTERRUPTED:
        reason = record.error or "The job was interrupted."
        return f"{reason} Resume to continue where it stopped."
    if record.status == Status.CANCELLED:
        return "Cancelled. Resume to continue; tracks already tagged are kept."
    if record.status == Status.COMPLETED:
        summary = result_summary(record)
        parts = []
        if record.job_type == JOB_TAG:
            for key, label in (("tagged", "tagged"), ("cached", "from cache"), ("skipped", "locked or skipped"),
                               ("failed", "failed")):
                value = summary.get(key, getattr(record, key, 0)) or 0
                if value or key == "tagged":
                    parts.append(f"{int(value):,} {label}")
            audio = describe_counts(summary.get("audio") or {})
            if audio:
                parts.append(audio)
        elif summary.get("tracks_restored") is not None:
            parts.append(f"{int(summary['tracks_restored']):,} tracks restored")
        output = record.output_file_path
        if output:
            parts.append(f"→ {output}")
        return " · ".join(parts) or "Done"
    if record.status == Status.IN_PROGRESS and record.current_track:
        return f"Now: {record.current_track}"
    return ""


class JobsModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._records: list[JobRecord] = []  # newest first
        self._rows: dict[int, int] = {}  # job id -> row
        #: record -> remembered tracks per second for jobs like it (None: not known)
        self.rate_for: Callable[[JobRecord], float | None] = lambda _record: None

    # -- feeding -------------------------------------------------------------------------
    def set_records(self, records: list[JobRecord]) -> None:
        """Bring the model to ``records`` (newest first) with the smallest change."""
        incoming_ids = [r.id for r in records]
        current_ids = [r.id for r in self._records]
        new_ids = [i for i in incoming_ids if i not in self._rows]
        # The common case: the same jobs, maybe with new ones on top.
        if incoming_ids[len(new_ids):] == current_ids and incoming_ids[: len(new_ids)] == new_ids:
            if new_ids:
                self.beginInsertRows(QModelIndex(), 0, len(new_ids) - 1)
                self._records = list(records[: len(new_ids)]) + self._records
                self._reindex()
                self.endInsertRows()
            last_column = len(COLUMNS) - 1
            for record in records[len(new_ids):]:
                row = self._rows[record.id]
                if self._records[row] != record:
                    self._records[row] = record
                    self.dataChanged.emit(self.index(row, 0), self.index(row, last_column))
            return
        self.beginResetModel()
        self._records = list(records)
        self._reindex()
        self.endResetModel()

    def _reindex(self) -> None:
        self._rows = {record.id: row for row, record in enumerate(self._records)}

    def record_at(self, row: int) -> JobRecord | None:
        return self._records[row] if 0 <= row < len(self._records) else None

    def row_of(self, job_id: int) -> int | None:
        return self._rows.get(job_id)

    def record(self, job_id: int) -> JobRecord | None:
        row = self._rows.get(job_id)
        return None if row is None else self._records[row]

    # -- Qt model ----------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._records)):
            return None
        record = self._records[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(record, column)
        if role == RECORD_ROLE:
            return record
        if role == PERCENT_ROLE:
            return self.percent(record)
        if role == Qt.ItemDataRole.ToolTipRole:
            # Columns elide long text: the tooltip always has all of it.
            if column in (COL_DETAILS, COL_STATUS):
                return details_text(record) or None
            if column == COL_JOB:
                lines = [record.job_display_name, f"Library: {record.input_file_path}"]
                if record.output_file_path:
                    lines.append(f"Output: {record.output_file_path}")
                return "\n".join(lines)
            return self._display(record, column) or None
        if role == Qt.ItemDataRole.ForegroundRole and column in (COL_STATUS, COL_DETAILS):
            if record.status in (Status.FAILED, Status.INTERRUPTED) or column == COL_STATUS:
                return theme.status_colour(record.status)
            return None
        if role == Qt.ItemDataRole.AccessibleTextRole and column == COL_PROGRESS:
            return f"{self.percent(record)} percent, {format_tracks(record)}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_TOKENS, COL_COST):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def percent(record: JobRecord) -> int:
        if record.status == Status.COMPLETED:
            return 100
        return int(record.fraction_done * 100)

    def _display(self, record: JobRecord, column: int) -> str:
        if column == COL_JOB:
            return record.job_display_name
        if column == COL_STATUS:
            return status_text(record)
        if column == COL_PROGRESS:
            return f"{self.percent(record)}%"
        if column == COL_TRACKS:
            return format_tracks(record)
        if column == COL_ETA:
            return format_eta(record, time.time(), self.rate_for(record))
        if column == COL_TOKENS:
            return format_tokens(record)
        if column == COL_COST:
            return format_cost(record)
        if column == COL_DETAILS:
            return details_text(record)
        return ""
