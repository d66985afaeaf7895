"""The jobs panel: every job with a progress bar, counts, time left, tokens and cost.

Actions work on the selected job: Cancel (queued or running), Resume (interrupted,
failed or cancelled), Open Output and Show in Finder/Explorer (finished). A failed job's
error is shown in plain words under the table. The panel reads nothing by itself: the
window feeds :class:`JobsModel` from the bridge's ``jobs_changed``.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QItemSelection, QModelIndex, QPersistentModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..store.jobs_log import JobRecord, Status
from . import icons, system, theme
from .jobs_model import (
    COL_COST,
    COL_ETA,
    COL_JOB,
    COL_PROGRESS,
    COL_STATUS,
    COL_TOKENS,
    COL_TRACKS,
    COLUMNS,
    PERCENT_ROLE,
    RECORD_ROLE,
    JobsModel,
    details_text,
)

RESUMABLE = (Status.INTERRUPTED, Status.FAILED, Status.CANCELLED)


class ProgressDelegate(QStyledItemDelegate):
    """Draws the Progress column as a real progress bar (no widget per row)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        record: JobRecord | None = index.data(RECORD_ROLE)
        percent = index.data(PERCENT_ROLE) or 0
        style = option.widget.style() if option.widget else QApplication.style()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        bar = QStyleOptionProgressBar()
        bar.rect = QRect(option.rect).adjusted(4, 4, -4, -4)
        bar.minimum, bar.maximum = 0, 100
        bar.progress = int(percent)
        bar.text = f"{percent}%"
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
        bar.palette = QPalette(option.palette)
        if record is not None and record.status in (Status.FAILED, Status.INTERRUPTED, Status.CANCELLED):
            bar.palette.setColor(QPalette.ColorRole.Highlight, theme.status_colour(record.status))
        elif record is not None and record.status == Status.COMPLETED:
            bar.palette.setColor(QPalette.ColorRole.Highlight, theme.status_colour(Status.COMPLETED))
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)


class JobsPanel(QWidget):
    cancel_requested = Signal(int)
    resume_requested = Signal(int)
    remove_requested = Signal(list)  # job ids of finished jobs to drop from the history
    #: opening or showing a file failed: (one-line message, the full path to copy)
    open_failed = Signal(str, str)

    def __init__(self, model: JobsModel | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model or JobsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Jobs")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(30)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        widths = {COL_JOB: 300, COL_STATUS: 100, COL_PROGRESS: 140}
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        # Counts, time, tokens and cost are short: always shown whole. A long job name is
        # elided in the middle (file name start and settings end stay) and whole in its tooltip.
        for column in (COL_TRACKS, COL_ETA, COL_TOKENS, COL_COST):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setItemDelegateForColumn(COL_PROGRESS, ProgressDelegate(self.table))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(self._double_clicked)

        title = QLabel("Jobs")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        # Ctrl+. lives on the window (menus.py), so it works wherever the focus is.
        self.cancel_action = self._action("Cancel Job", "cancel", self._cancel, "Stop the selected job (Ctrl+.)")
        self.resume_action = self._action("Resume Job", "resume", self._resume, "Continue the selected job", "Ctrl+R")
        self.open_action = self._action("Open Output", "file", self._open_output, "Open the job's output file")
        self.reveal_action = self._action(
            f"Show in {system.file_manager_name()}", "folder", self._reveal, "Show the output file in its folder"
        )
        self.copy_action = self._action("Copy Output Path", "file", self._copy_path, "Copy the output file's full path")
        self.remove_action = self._action("Remove from History", "close", self._remove,
                                          "Remove the selected job from this list (its output file stays)")
        self.clear_action = self._action("Clear Finished Jobs", "close", self._clear_finished,
                                         "Remove every finished job from this list (output files stay)")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(title)
        buttons.addStretch(1)
        self.buttons: dict[str, QToolButton] = {}
        for key, action in (("cancel", self.cancel_action), ("resume", self.resume_action),
                            ("open", self.open_action), ("reveal", self.reveal_action)):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setAccessibleName(action.text())
            buttons.addWidget(button)
            self.buttons[key] = button

        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAccessibleName("Job details")
        self.details.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)

        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.dataChanged.connect(self._data_changed)
        self.model.rowsInserted.connect(lambda *_: self._update_actions())
        self.model.modelReset.connect(self._update_actions)
        self._update_actions()

    # -- public ------------------------------------------------------------------------
    def selected_record(self) -> JobRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record_at(rows[0].row()) if rows else None

    def select_job(self, job_id: int) -> None:
        row = self.model.row_of(job_id)
        if row is not None:
            self.table.selectRow(row)

    def refresh_icons(self) -> None:
        for action, name in ((self.cancel_action, "cancel"), (self.resume_action, "resume"),
                             (self.open_action, "file"), (self.reveal_action, "folder")):
            action.setIcon(icons.icon(name))

    # -- internals ---------------------------------------------------------------------
    def _action(self, text: str, icon_name: str, slot, tip: str, shortcut: str | None = None) -> QAction:  # noqa: ANN001
        action = QAction(icons.icon(icon_name), text, self)
        action.setToolTip(tip + (f" ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
                                 if shortcut else ""))
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_actions()

    def _data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, _roles=None) -> None:  # noqa: ANN001
        rows = self.table.selectionModel().selectedRows()
        if rows and top_left.row() <= rows[0].row() <= bottom_right.row():
            self._update_actions()

    def _update_actions(self) -> None:
        record = self.selected_record()
        status = record.status if record else None
        self.cancel_action.setEnabled(status in Status.ACTIVE and not (record and record.cancel_requested))
        self.resume_action.setEnabled(status in RESUMABLE)
        has_output = bool(record and record.status == Status.COMPLETED and record.output_file_path
                          and os.path.exists(record.output_file_path))
        self.open_action.setEnabled(has_output)
        self.reveal_action.setEnabled(has_output)
        self.copy_action.setEnabled(bool(record and record.output_file_path))
        self.remove_action.setEnabled(bool(record and record.status in Status.FINISHED))
        self.clear_action.setEnabled(bool(self._finished_ids()))
        text = details_text(record) if record and record.status in (*RESUMABLE, Status.COMPLETED) else ""
        if text and record is not None:
            colour = theme.status_colour(record.status).name() if record.status in (Status.FAILED, Status.INTERRUPTED) \
                else self.palette().color(QPalette.ColorRole.WindowText).name()
            self.details.setStyleSheet(f"color: {colour};")
        self.details.setText(text)
        self.details.setVisible(bool(text))

    def _cancel(self) -> None:
        record = self.selected_record()
        if record and record.status in Status.ACTIVE:
            self.cancel_requested.emit(record.id)

    def _resume(self) -> None:
        record = self.selected_record()
        if record and record.status in RESUMABLE:
            self.resume_requested.emit(record.id)

    def _open_output(self) -> None:
        record = self.selected_record()
        if record and record.output_file_path and not system.open_path(record.output_file_path):
            self.open_failed.emit("No application could open the output file.", record.output_file_path)

    def _reveal(self) -> None:
        record = self.selected_record()
        if record and record.output_file_path:
            self._show_in_folder(record.output_file_path)

    def _show_in_folder(self, path: str) -> None:
        if not system.reveal_in_file_manager(path):
            self.open_failed.emit(f"The file could not be shown in {system.file_manager_name()}.", path)

    def _copy_path(self) -> None:
        record = self.selected_record()
        if record and record.output_file_path:
            system.copy_to_clipboard(record.output_file_path)

    def _finished_ids(self) -> list[int]:
        return [r.id for r in (self.model.record_at(i) for i in range(self.model.rowCount()))
                if r is not None and r.status in Status.FINISHED]

    def _remove(self) -> None:
        record = self.selected_record()
        if record and record.status in Status.FINISHED:
            self.remove_requested.emit([record.id])

    def _clear_finished(self) -> None:
        ids = self._finished_ids()
        if ids:
            self.remove_requested.emit(ids)

    def _double_clicked(self, index: QModelIndex) -> None:
        record = self.model.record_at(index.row())
        if record and record.status == Status.COMPLETED and record.output_file_path:
            self._show_in_folder(record.output_file_path)

    def _context_menu(self, position) -> None:  # noqa: ANN001
        index = self.table.indexAt(position)
        if not index.isValid():
            return
        self.table.selectRow(index.row())
        menu = QMenu(self)
        self.build_context_menu(menu)
        menu.exec(self.table.viewport().mapToGlobal(position))

    def build_context_menu(self, menu: QMenu) -> None:
        for action in (self.cancel_action, self.resume_action, None, self.open_action, self.reveal_action,
                       self.copy_action, None, self.remove_action, self.clear_action):
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)

