"""Drag and drop through the real event path: the events are posted to the window's
QWindow, so Qt's own dispatch (event loop, hit-testing the widget under the pointer,
enter -> move -> drop acceptance) delivers them, as for a drag from a file manager."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from tests.gui.conftest import file_mime
from tests.support.libraries import write_library


def _post_drag(window, target, mime) -> None:  # noqa: ANN001
    """Post enter, move and drop at ``target``'s centre to the top-level QWindow. The
    events point at ``mime`` without owning it: the caller keeps it alive."""
    handle = window.windowHandle()
    assert handle is not None
    at = target.mapTo(window, QPoint(target.width() // 2, target.height() // 2))
    point = QPointF(at)  # enter and move events take an integer point, the drop a QPointF
    button, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction | Qt.DropAction.LinkAction
    QApplication.postEvent(handle, QDragEnterEvent(at, actions, mime, button, mods))
    QApplication.postEvent(handle, QDragMoveEvent(at, actions, mime, button, mods))
    QApplication.postEvent(handle, QDropEvent(point, actions, mime, button, mods))


def test_a_file_dropped_through_the_event_loop_opens(make_window, qtbot, tmp_path: Path) -> None:
    library = write_library(tmp_path / "Dropped.xml", n=5)
    window = make_window(show=True)
    qtbot.waitExposed(window)
    mime = file_mime(library)
    with qtbot.waitSignal(window.library_loaded, timeout=15_000) as loaded:
        _post_drag(window, window.drop_zone, mime)
    assert loaded.args == [str(library)]
    assert window.review.model.rowCount() == 5


def test_a_folder_dropped_through_the_event_loop_is_refused(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window(show=True)
    qtbot.waitExposed(window)
    refused = []
    window.drop_zone.drop_refused.connect(refused.append)
    mime = file_mime(tmp_path)  # kept alive until the posted events are delivered
    with qtbot.assertNotEmitted(window.library_loaded, wait=300):
        _post_drag(window, window.drop_zone, mime)
        qtbot.waitUntil(lambda: bool(refused), timeout=5000)
    assert window.library is None
