"""Scope: tag the whole collection, or only tracks in the playlists ticked in a tree.

The tree mirrors the library's playlist folders; ticking a folder ticks everything in it
(Qt's auto-tristate). :meth:`ScopeTree.chosen_playlists` returns "Folder/Sub/Name" paths,
the form ``build_tag_job(playlists=...)`` takes.
"""

from __future__ import annotations

from typing import Any, Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QButtonGroup, QRadioButton, QTreeView, QVBoxLayout, QWidget

PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class ScopeTree(QWidget):
    scope_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.whole = QRadioButton("Whole collection")
        self.chosen = QRadioButton("Only tracks in these playlists:")
        self.whole.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.whole)
        group.addButton(self.chosen)
        self.model = QStandardItemModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Playlists to tag")
        self.tree.setUniformRowHeights(True)
        self.tree.setMinimumHeight(90)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.whole)
        layout.addWidget(self.chosen)
        layout.addWidget(self.tree, 1)

        self.chosen.toggled.connect(self._mode_toggled)
        self.model.itemChanged.connect(self._item_changed)

    def set_playlists(self, root: Any | None) -> None:
        """``root`` is the library's PlaylistNode tree (or None for a library without one)."""
        # No blockSignals here: the view must hear about the rows and the column, or it
        # keeps a zero-width column. Scope signals are quiet while "Whole collection" is on.
        self.whole.setChecked(True)
        self.model.clear()
        if root is not None:
            self._add_children(self.model.invisibleRootItem(), getattr(root, "children", ()) or (), [])
        self.tree.expandToDepth(0)
        self.chosen.setEnabled(self.model.rowCount() > 0)

    def _add_children(self, parent: QStandardItem, children: Iterable[Any], folders: list[str]) -> None:
        for node in children:
            item = QStandardItem(node.name)
            item.setEditable(False)
            item.setCheckable(True)
            if node.is_folder:
                item.setAutoTristate(True)
                self._add_children(item, node.children or (), [*folders, node.name])
            else:
                item.setData("/".join([*folders, node.name]), PATH_ROLE)
            parent.appendRow(item)

    def chosen_playlists(self) -> list[str]:
        """Ticked playlist paths; empty when the whole collection is chosen."""
        if self.whole.isChecked():
            return []
        found: list[str] = []

        def walk(item: QStandardItem) -> None:
            for row in range(item.rowCount()):
                child = item.child(row)
                path = child.data(PATH_ROLE)
                if path and child.checkState() == Qt.CheckState.Checked:
                    found.append(path)
                walk(child)

        walk(self.model.invisibleRootItem())
        return found

    def set_chosen(self, paths: Iterable[str]) -> None:
        wanted = set(paths)

        def walk(item: QStandardItem) -> None:
            for row in range(item.rowCount()):
                child = item.child(row)
                if child.data(PATH_ROLE) in wanted:
                    child.setCheckState(Qt.CheckState.Checked)
                walk(child)

        walk(self.model.invisibleRootItem())
        self.chosen.setChecked(bool(wanted))

    def _mode_toggled(self, _chosen: bool) -> None:
        self.scope_changed.emit()

    def _item_changed(self, item: QStandardItem) -> None:
        # Ticking a playlist means "only these": no need to find the radio button first.
        if item.checkState() != Qt.CheckState.Unchecked and not self.chosen.isChecked():
            self.chosen.setChecked(True)  # emits scope_changed through _mode_toggled
        elif self.chosen.isChecked():
            self.scope_changed.emit()
