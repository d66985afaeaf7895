"""Render the app icon from resources/icons/taggenius.svg into every size the builds need.

Writes into resources/icons/:

* ``taggenius-<N>.png`` for N in 16..1024 (Qt window icon, Linux desktop files, docs);
* ``taggenius.ico`` for Windows (PyInstaller's exe icon and the Inno Setup installer);
* ``taggenius.icns`` for macOS (the BUNDLE icon).

Build-time tool only; the app never runs it. Run it after editing the SVG and commit the
results: ``python scripts/make_icons.py``. Qt's SVG renderer does the drawing (PySide6 is
already a dependency). ICO and ICNS are written here rather than through Qt's image
plugins because those write a single image per file, and both containers are a short
header plus a table of PNG or bitmap payloads; this spares a Pillow build dependency.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"
SOURCE_SVG = ICONS_DIR / "taggenius.svg"

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
#: ICNS element types holding PNG data, by pixel size (several types share a size: the
#: "@2x" slots of the smaller point size).
ICNS_TYPES: tuple[tuple[bytes, int], ...] = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"ic11", 32),  # 16 pt @2x
    (b"icp6", 64),
    (b"ic12", 64),  # 32 pt @2x
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic13", 256),  # 128 pt @2x
    (b"ic09", 512),
    (b"ic14", 512),  # 256 pt @2x
    (b"ic10", 1024),  # 512 pt @2x
)
#: The SVG follows Apple's grid (artwork inset 100 px of 1024). Windows icons are drawn
#: nearly edge to edge, so the ICO renders a tighter crop of the same drawing.
FULL_VIEWBOX = QRectF(0, 0, 1024, 1024)
WINDOWS_VIEWBOX = QRectF(84, 84, 856, 856)
#: Large ICO entries as PNG keep the file small; small ones as bitmaps for old readers.
PNG_IN_ICO_FROM = 128


def render(renderer: QSvgRenderer, size: int, view_box: QRectF = FULL_VIEWBOX) -> QImage:
    renderer.setViewBox(view_box)
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("Qt could not encode a PNG")
    buffer.close()
    return bytes(data.data())


def bmp_icon_bytes(image: QImage) -> bytes:
    """An ICO bitmap payload: BITMAPINFOHEADER, 32-bit BGRA rows bottom-up, then the
    1-bit AND mask (all zero: the alpha channel carries transparency)."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)  # BGRA in memory on LE
    width, height = image.width(), image.height()
    header = struct.pack("<IiiHHIIiiII", 40, width, height * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    row_bytes = width * 4
    raw = bytes(image.constBits())
    stride = image.bytesPerLine()
    pixels = b"".join(raw[y * stride : y * stride + row_bytes] for y in reversed(range(height)))
    mask_row = ((width + 31) // 32) * 4
    return header + pixels + bytes(mask_row * height)


def ico_bytes(images: list[QImage]) -> bytes:
    """A Windows .ico: PNG from 128 px up (read by Windows Vista and later), bitmaps below, which
    every consumer (Explorer, rc tools, Inno Setup) reads."""
    payloads = [png_bytes(img) if img.width() >= PNG_IN_ICO_FROM else bmp_icon_bytes(img) for img in images]
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for img, payload in zip(images, payloads, strict=True):
        side = img.width() if img.width() < 256 else 0  # 0 means 256 in an ICONDIRENTRY
        out += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(payload), offset)
        offset += len(payload)
    return out + b"".join(payloads)


def icns_bytes(png_by_size: dict[int, bytes]) -> bytes:
    """A macOS .icns: ``icns`` + total length, then (type, length incl. 8-byte header, PNG)."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(png_by_size[size])) + png_by_size[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def make_icons(source: Path = SOURCE_SVG, out_dir: Path = ICONS_DIR) -> list[Path]:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - keeps Qt's GUI state alive
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"cannot render {source}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    png_by_size: dict[int, bytes] = {}
    for size in sorted(set(PNG_SIZES) | {size for _, size in ICNS_TYPES}):
        png_by_size[size] = png_bytes(render(renderer, size))
    for size in PNG_SIZES:
        path = out_dir / f"taggenius-{size}.png"
        path.write_bytes(png_by_size[size])
        written.append(path)

    ico_path = out_dir / "taggenius.ico"
    ico_path.write_bytes(ico_bytes([render(renderer, size, WINDOWS_VIEWBOX) for size in ICO_SIZES]))
    written.append(ico_path)

    icns_path = out_dir / "taggenius.icns"
    icns_path.write_bytes(icns_bytes(png_by_size))
    written.append(icns_path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE_SVG)
    parser.add_argument("--out", type=Path, default=ICONS_DIR)
    args = parser.parse_args(argv)
    for path in make_icons(args.source, args.out):
        print(f"{path.stat().st_size:>8}  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
