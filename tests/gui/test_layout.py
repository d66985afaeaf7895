"""Layout and looks: nothing moves while the estimate runs, Before/After rows line up,
indicators are visible in dark mode, the empty Jobs panel stays small, Review fits
1600 px without horizontal scrolling."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QCheckBox, QRadioButton

from taggenius_desktop.gui import theme
from taggenius_desktop.gui.indicator_style import IndicatorStyle
from taggenius_desktop.gui.main_window import TAB_REVIEW
from taggenius_desktop.settings import Settings
from tests.support.libraries import track_xml, write_library


def _open(window, qtbot, path: Path) -> None:  # noqa: ANN001
    with qtbot.waitSignal(window.library_loaded, timeout=15_000):
        window.open_library(path)


def test_the_tagger_box_does_not_move_while_estimating(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window(Settings(notify_when_done=False), show=True)
    window.resize(1180, 800)
    with qtbot.waitSignal(window.audio_counted, timeout=15_000):  # the audio box has its final text
        _open(window, qtbot, write_library(tmp_path / "lib.xml", n=20))
    qtbot.waitUntil(lambda: "Estimating" not in window.summary.estimate_note.text(), timeout=15_000)
    QApplication.processEvents()
    settled = (window.summary.geometry(), window.job_settings.geometry())
    window.summary.set_estimate(None, "Estimating… " + "a long note that wraps over several lines " * 6)
    QApplication.processEvents()
    assert (window.summary.geometry(), window.job_settings.geometry()) == settled


def test_before_and_after_comment_rows_line_up(make_window, qtbot, tmp_path: Path) -> None:
    long_comment = "My own note about this record, long enough to wrap over two lines or more " * 2
    library = write_library(tmp_path / "lib.xml", tracks=[track_xml(1, comments=long_comment)])
    window = make_window(Settings(notify_when_done=False), show=True)
    _open(window, qtbot, library)
    QApplication.processEvents()
    panel = window.job_settings
    for before, after in ((panel.genre_before, panel.genre_after), (panel.comments_before, panel.comments_after)):
        assert before.geometry().top() == after.geometry().top()
        assert before.alignment() & after.alignment() & theme.Qt.AlignmentFlag.AlignTop


def _luminance(colour: QColor) -> float:
    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green()) + 0.0722 * channel(colour.blue())


def _indicator_contrast(widget, window_colour: QColor) -> float:  # noqa: ANN001
    widget.resize(widget.sizeHint())
    image = widget.grab().toImage()
    background = _luminance(window_colour)
    best = 1.0
    for x in range(min(20, image.width())):
        for y in range(image.height()):
            low, high = sorted((_luminance(QColor(image.pixel(x, y))), background))
            best = max(best, (high + 0.05) / (low + 0.05))
    return best


def test_unchecked_markers_have_3_to_1_contrast_in_dark_and_light(qtbot) -> None:  # noqa: ANN001
    style = IndicatorStyle()
    for palette in (theme.dark_palette(), theme.light_palette()):
        for cls in (QCheckBox, QRadioButton):
            widget = cls("Option")
            qtbot.addWidget(widget)
            widget.setStyle(style)
            widget.setPalette(palette)
            assert _indicator_contrast(widget, palette.color(QPalette.ColorRole.Window)) >= 3.0, cls.__name__


def test_the_empty_jobs_panel_stays_small(make_window, qtbot) -> None:  # noqa: ANN001
    window = make_window(Settings(notify_when_done=False), show=True)
    window.resize(1180, 800)
    QApplication.processEvents()
    assert window.jobs_panel.model.rowCount() == 0
    assert window.jobs_panel.height() <= 0.22 * window.height()


def test_review_fits_1600_px_without_horizontal_scrolling(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window(Settings(notify_when_done=False), show=True)
    window.resize(1600, 900)
    _open(window, qtbot, write_library(tmp_path / "lib.xml", n=30))
    window.tabs.setCurrentIndex(TAB_REVIEW)
    QApplication.processEvents()
    table = window.review.table
    assert table.horizontalScrollBar().maximum() == 0
    assert min(table.columnWidth(c) for c in range(table.model().columnCount())) >= 40
