"""The review table: filter, sort, edit tags with vocabulary combo boxes, lock tracks,
and write the reviewed result (a tag job carrying the edits and locks).

No widget per row: editors exist only while a cell is being edited, rows have one fixed
height, and the colour swatch and lock box are drawn by the standard delegate.
"""

from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from . import icons, theme
from .column_fit import ColumnFitter
from .review_model import (
    COL_ARTIST,
    COL_COMMENTS,
    COL_COMPONENTS,
    COL_CONFIDENCE,
    COL_ENERGY,
    COL_ERA,
    COL_GENRE,
    COL_LOCK,
    COL_PRIMARY,
    COL_SITUATIONS,
    COL_SOURCE,
    COL_SUBS,
    COL_TITLE,
    COL_VIBES,
    ReviewModel,
)

NONE_TEXT = "—"


class ChoiceDelegate(QStyledItemDelegate):
    """One value from a fixed list (primary genre, era)."""

    def __init__(self, values: Sequence[str], allow_empty: bool = False, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._values = list(values)
        self._allow_empty = allow_empty

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QWidget:
        combo = QComboBox(parent)
        if self._allow_empty:
            combo.addItem(NONE_TEXT, "")
        for value in self._values:
            combo.addItem(value, value)
        combo.setMaxVisibleItems(20)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        value = index.data(Qt.ItemDataRole.EditRole) or ""
        combo: QComboBox = editor  # type: ignore[assignment]
        combo.setCurrentIndex(max(0, combo.findData(value)))

    def setModelData(self, editor: QWidget, model, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: ANN001
        combo: QComboBox = editor  # type: ignore[assignment]
        model.setData(index, combo.currentData(), Qt.ItemDataRole.EditRole)


class MultiChoiceEditor(QWidget):
    """Up to three values, most important first, each from the vocabulary."""

    def __init__(self, values: Sequence[str], slots: int = 3, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.combos: list[QComboBox] = []
        for slot in range(slots):
            combo = QComboBox(self)
            combo.setAccessibleName(f"Value {slot + 1}")
            combo.addItem(NONE_TEXT, "")
            for value in values:
                combo.addItem(value, value)
            combo.setMaxVisibleItems(20)
            layout.addWidget(combo)
            self.combos.append(combo)
        self.setFocusProxy(self.combos[0])

    def set_values(self, values: Sequence[str]) -> None:
        for slot, combo in enumerate(self.combos):
            value = values[slot] if slot < len(values) else ""
            index = combo.findData(value)
            if index < 0 and value:  # a value outside the list (old cache): keep it visible
                combo.addItem(value, value)
                index = combo.count() - 1
            combo.setCurrentIndex(max(0, index))

    def values(self) -> list[str]:
        chosen = [combo.currentData() for combo in self.combos]
        return list(dict.fromkeys(v for v in chosen if v))


class MultiChoiceDelegate(QStyledItemDelegate):
    def __init__(self, values: Sequence[str] | None = None, values_for=None, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._values = list(values or ())
        self._values_for = values_for  # index -> values (sub-genres depend on the primary)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QWidget:
        values = self._values_for(index) if self._values_for else self._values
        return MultiChoiceEditor(values, parent=parent)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        editor.set_values(index.data(Qt.ItemDataRole.EditRole) or [])  # type: ignore[attr-defined]

    def setModelData(self, editor: QWidget, model, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: ANN001
        model.setData(index, editor.values(), Qt.ItemDataRole.EditRole)  # type: ignore[attr-defined]

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        rect = option.rect
        rect.setWidth(max(rect.width(), 3 * 150))
        editor.setGeometry(rect)


class EnergyDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QWidget:
        spin = QSpinBox(parent)
        spin.setRange(1, 10)
        spin.setAccessibleName("Energy")
        return spin

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        editor.setValue(int(index.data(Qt.ItemDataRole.EditRole) or 5))  # type: ignore[attr-defined]

    def setModelData(self, editor: QWidget, model, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: ANN001
        editor.interpretText()  # type: ignore[attr-defined]
        model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)  # type: ignore[attr-defined]


class ReviewView(QWidget):
    write_requested = Signal()
    refresh_requested = Signal()

    def __init__(self, model: ReviewModel | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model or ReviewModel(self)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter: artist, title, genre, vibe… (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter tracks")
        self.filter_edit.addAction(icons.icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.show_combo = QComboBox()
        self.show_combo.setAccessibleName("Show")
        for text in ("All tracks", "Edited", "Locked", "Without proposal", "Needs a look"):
            self.show_combo.addItem(text)
        self.count_label = QLabel()
        self.count_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(180)  # type-ahead: filter once the user pauses
        self._filter_timer.timeout.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(lambda _text: self._filter_timer.start())
        self.show_combo.currentIndexChanged.connect(self._apply_show)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Review tracks")
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.SelectedClicked)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = self.table.verticalHeader()
        vertical.hide()
        # Fixed, uniform row heights: the view never measures rows (50,000 stay smooth).
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(max(24, self.fontMetrics().height() + 8))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        widths = {COL_LOCK: 44, COL_ARTIST: 150, COL_TITLE: 190, COL_GENRE: 130, COL_COMMENTS: 170, 5: 80, 6: 80,
                  COL_PRIMARY: 120, COL_SUBS: 170, COL_ENERGY: 60, COL_VIBES: 150, COL_SITUATIONS: 150,
                  COL_COMPONENTS: 150, COL_ERA: 70, COL_CONFIDENCE: 110, COL_SOURCE: 190}
        # Shares of the view's width: the table fits its window (1600 px and less) with no
        # horizontal scrolling, whatever columns the model has.
        self.column_fitter = ColumnFitter(self.table, widths)

        self.write_button = QPushButton(icons.icon("write", "#ffffff"), "Write Reviewed Result")
        self.write_button.setObjectName("primaryButton")
        theme.style_primary(self.write_button)
        self.write_button.setToolTip("Tag the library with your edits; locked tracks stay as they are")
        self.write_button.clicked.connect(self.write_requested)
        self.lock_button = QPushButton(icons.icon("lock"), "Lock Selected")
        self.lock_button.setToolTip("Keep the selected tracks unchanged (Ctrl+L)")
        self.lock_button.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_button.clicked.connect(self.toggle_lock_selected)
        self.reset_button = QPushButton("Discard Edits")
        self.reset_button.clicked.connect(self._reset_edits)
        self.status_label = QLabel()
        self.status_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.status_label.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.show_combo)
        top.addWidget(self.count_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.lock_button)
        bottom.addWidget(self.reset_button)
        bottom.addWidget(self.write_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        for signal in (self.model.modelReset, self.model.dataChanged, self.model.layoutChanged):
            signal.connect(self._update_counts)
        self.model.proposals_changed.connect(self._open_on_needs_a_look)
        self._update_counts()

    # -- public ------------------------------------------------------------------------
    def set_vocabulary(self, vocab: Any) -> None:
        """Install vocabulary editors (``vocabulary.load_vocabulary()``'s result)."""
        genre_map = getattr(vocab, "genres", None)
        all_genres = sorted(getattr(genre_map, "names", ()) or vocab.primary_genres)

        def sub_genres_for(index: QModelIndex) -> list[str]:
            primary = index.siblingAtColumn(COL_PRIMARY).data(Qt.ItemDataRole.EditRole)
            if genre_map is not None and primary:
                try:
                    related = [g for g in all_genres if g != primary and genre_map.descends_from(g, primary)]
                except (KeyError, AttributeError):
                    related = []
                if related:
                    return related
            return all_genres

        delegates = {
            COL_PRIMARY: ChoiceDelegate(vocab.primary_genres, parent=self.table),
            COL_SUBS: MultiChoiceDelegate(values_for=sub_genres_for, parent=self.table),
            COL_ENERGY: EnergyDelegate(self.table),
            COL_VIBES: MultiChoiceDelegate(vocab.vibes, parent=self.table),
            COL_SITUATIONS: MultiChoiceDelegate(vocab.situations, parent=self.table),
            COL_COMPONENTS: MultiChoiceDelegate(vocab.components, parent=self.table),
            COL_ERA: ChoiceDelegate(vocab.eras, allow_empty=True, parent=self.table),
        }
        self._delegates = delegates  # the view does not own delegates: keep them alive
        for column, delegate in delegates.items():
            self.table.setItemDelegateForColumn(column, delegate)

    def set_status(self, text: str) -> None:
        self.status_label.setText(text)

    def selected_track_ids(self) -> list[str]:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return [self.model.track_id_at(row) for row in sorted(rows)]

    def toggle_lock_selected(self) -> None:
        ids = self.selected_track_ids()
        if not ids:
            return
        lock = not all(self.model.is_locked(tid) for tid in ids)
        for tid in ids:
            self.model.set_locked(tid, lock)

    def focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    # -- internals ---------------------------------------------------------------------
    def _apply_filter(self) -> None:
        self.model.set_filter(text=self.filter_edit.text())
        self._update_counts()

    def _apply_show(self, index: int) -> None:
        self.model.set_filter(show=index)
        self._update_counts()

    def _reset_edits(self) -> None:
        self.model.reset_edits()

    def _open_on_needs_a_look(self) -> None:
        """New proposals: the least trustworthy first, unless the DJ chose another order."""
        header = self.table.horizontalHeader()
        if header.sortIndicatorSection() in (-1, COL_CONFIDENCE):
            self.table.sortByColumn(COL_CONFIDENCE, Qt.SortOrder.AscendingOrder)

    def _update_counts(self, *_args: object) -> None:
        total = self.model.track_count()
        shown = self.model.rowCount()
        edited = len(self.model.edited_ids())
        locked = len(self.model.locked_ids())
        text = f"{shown:,} of {total:,} tracks" if shown != total else f"{total:,} tracks"
        self.count_label.setText(text)
        self.write_button.setEnabled(total > 0)
        self.reset_button.setEnabled(edited > 0)
        extra = []
        if edited:
            extra.append(f"{edited:,} edited")
        if locked:
            extra.append(f"{locked:,} locked")
        self.write_button.setToolTip(
            "Tag the library with your edits; locked tracks stay as they are"
            + (f" ({', '.join(extra)})" if extra else "")
        )

