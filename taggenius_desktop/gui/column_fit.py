"""Table columns that share the view's width by weight, so a wide table fits its window
without horizontal scrolling; once the user drags a column, their widths win."""

from __future__ import annotations

from typing import Mapping

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTableView

MIN_WIDTH = 40
#: Weight of a column the map does not name (columns added later by other views).
DEFAULT_WEIGHT = 80


class ColumnFitter(QObject):
    def __init__(self, table: QTableView, weights: Mapping[int, int]) -> None:
        super().__init__(table)
        self._table = table
        self._weights = dict(weights)
        self._user_sized = False
        self._fitting = False
        table.viewport().installEventFilter(self)
        table.horizontalHeader().sectionResized.connect(self._section_resized)
        table.horizontalHeader().setStretchLastSection(False)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and not self._user_sized:
            self.fit()
        return False

    def fit(self) -> None:
        model = self._table.model()
        columns = model.columnCount() if model is not None else 0
        available = self._table.viewport().width()
        if columns == 0 or available <= 0:
            return
        weights = [self._weights.get(c, DEFAULT_WEIGHT) for c in range(columns)]
        total = sum(weights)
        self._fitting = True
        try:
            used = 0
            for column, weight in enumerate(weights):
                width = max(MIN_WIDTH, available * weight // total)
                if column == columns - 1:
                    width = max(MIN_WIDTH, available - used)  # the rounding remainder
                self._table.setColumnWidth(column, width)
                used += width
        finally:
            self._fitting = False

    def _section_resized(self, _column: int, _old: int, _new: int) -> None:
        if not self._fitting:
            self._user_sized = True  # the user dragged a column: keep their layout from now on
