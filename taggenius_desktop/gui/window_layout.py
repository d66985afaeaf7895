"""How the main window's parts are arranged: the drop zone or the library's tabs (Tag,
Preview, Review) above the jobs panel, with the banners on top.

Only placement lives here; the window creates the parts and connects their signals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from . import icons

if TYPE_CHECKING:
    from .main_window import MainWindow

PAGE_EMPTY, PAGE_LIBRARY = 0, 1
TAB_TAG, TAB_PREVIEW, TAB_REVIEW = 0, 1, 2
#: tab -> (icon name, title)
TABS = {TAB_TAG: ("start", "Tag"), TAB_PREVIEW: ("chart", "Preview"), TAB_REVIEW: ("review", "Review")}


def arrange(window: "MainWindow") -> None:
    """Place the window's parts (created by the window) and set its central widget."""
    window.job_settings.add_option_box(window.audio.view)
    tag_page = QWidget()
    tag_layout = QHBoxLayout(tag_page)
    # Widths come from the stretch factors only, never from the text shown: a changing
    # estimate must not move the Tagger box under the pointer.
    for widget, stretch in ((window.summary, 1), (window.job_settings, 3)):
        widget.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        tag_layout.addWidget(widget, stretch)
    window.summary.setMinimumWidth(240)
    window.job_settings.setMinimumWidth(480)
    window.tabs = QTabWidget()
    for index, page in ((TAB_TAG, tag_page), (TAB_PREVIEW, window.whole_library.view), (TAB_REVIEW, window.review)):
        name, title = TABS[index]
        window.tabs.insertTab(index, page, icons.icon(name), title)
    window.tabs.setDocumentMode(True)

    empty_page = QWidget()
    empty_layout = QVBoxLayout(empty_page)
    empty_layout.setContentsMargins(40, 30, 40, 30)
    empty_layout.addWidget(window.drop_zone)
    window.stack = QStackedWidget()
    window.stack.addWidget(empty_page)
    window.stack.addWidget(window.tabs)

    window.splitter = QSplitter(Qt.Orientation.Vertical)
    window.splitter.addWidget(window.stack)
    window.splitter.addWidget(window.jobs_panel)
    window.splitter.setStretchFactor(0, 5)
    window.splitter.setStretchFactor(1, 1)
    window.splitter.setChildrenCollapsible(False)
    window.splitter.setSizes([640, 150])

    central = QWidget()
    layout = QVBoxLayout(central)
    layout.setContentsMargins(10, 8, 10, 6)
    layout.addWidget(window.banner)
    layout.addWidget(window.notice)
    layout.addWidget(window.splitter, 1)
    window.setCentralWidget(central)
    window.status_label = QLabel()
    window.statusBar().addWidget(window.status_label, 1)


def refresh_tab_icons(window: "MainWindow") -> None:
    for index, (name, _) in TABS.items():
        window.tabs.setTabIcon(index, icons.icon(name))
