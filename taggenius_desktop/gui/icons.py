"""UI icons: SVGs from ``resources/icons/ui`` tinted to the palette, crisp at any DPI.

The SVGs draw with ``currentColor``; each icon is rendered in the palette's text colour
(so it follows light and dark mode) at several sizes and device-pixel ratios, and QIcon
picks the closest one. A missing file gives an empty icon, never an exception.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from .. import paths

log = logging.getLogger(__name__)

_SIZES = (16, 20, 24, 32, 48, 64)
_RATIOS = (1.0, 2.0)


def _text_colour() -> str:
    app = QGuiApplication.instance()
    colour = QGuiApplication.palette().color(QPalette.ColorRole.WindowText) if app else QColor("#222222")
    return colour.name()


@lru_cache(maxsize=8)
def _svg_source(name: str) -> str | None:
    path = paths.resource_path("icons", "ui", f"{name}.svg")
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        log.warning("UI icon %s is missing", path)
        return None


@lru_cache(maxsize=256)
def _render(name: str, colour: str) -> QIcon:
    source = _svg_source(name)
    if source is None:
        return QIcon()
    renderer = QSvgRenderer(QByteArray(source.replace("currentColor", colour).encode("utf-8")))
    if not renderer.isValid():
        return QIcon()
    icon = QIcon()
    for size in _SIZES:
        for ratio in _RATIOS:
            pixels = int(size * ratio)
            image = QImage(pixels, pixels, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            renderer.render(painter, QRectF(0, 0, pixels, pixels))
            painter.end()
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(ratio)
            icon.addPixmap(pixmap)
    return icon


def icon(name: str, colour: str | None = None) -> QIcon:
    """The UI icon ``name`` (file stem in resources/icons/ui) in ``colour`` or the text colour."""
    return _render(name, colour or _text_colour())


def pixmap(name: str, size: int, colour: str | None = None, ratio: float = 1.0) -> QPixmap:
    return icon(name, colour).pixmap(QSize(size, size), ratio)


def clear_cache() -> None:
    """After a palette change (light <-> dark): icons are re-rendered in the new colour."""
    _render.cache_clear()


def app_icon() -> QIcon:
    """The application icon from resources/icons (SVG preferred, PNG sizes as well)."""
    result = QIcon()
    svg = paths.resource_path("icons", "taggenius.svg")
    if svg.is_file():
        result.addFile(str(svg))
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        png = paths.resource_path("icons", f"taggenius-{size}.png")
        if png.is_file():
            result.addFile(str(png), QSize(size, size))
    if result.isNull():
        fallback = paths.resource_path("icons", "taggenius.png")
        if fallback.is_file():
            result.addFile(str(fallback))
    return result
