"""Screenshots of the library-wide preview and of the review table sorted by confidence,
in light and dark.

    python scripts/make_trust_screenshots.py [--out docs/screenshots]

The real window, offscreen (no display needed), in a throw-away data folder: its
Preview tab and its Review tab sorted by confidence. The library is the bundled sample with a few tracks made
into the cases the preview counts: the DJ's own Genre labels, junk genres, a test tone,
full Comments. Writes library-preview-{light,dark}.png and review-confidence-{light,dark}.png.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(ROOT / "scripts"))

from make_screenshots import _wait  # noqa: E402 - the other screenshot script's wait

# TrackID -> attributes that turn a sample track into a case worth showing
CASES = {
    0: {"Genre": "Dance Floor Filth"},
    1: {"Genre": "Other"},
    2: {"Genre": "SharingDB.me"},
    3: {"Genre": "", "Name": "SINEWAVE", "TotalTime": "5", "AverageBpm": "0.00"},
    4: {"Comments": "Played at the warehouse party, crowd loved the drop; keep for the closing set. " * 4},
    5: {"Genre": "trap banger"},
    6: {"Genre": "pop house"},
}


def demo_library(folder: Path) -> Path:
    from taggenius_desktop.library import read_library, write_library

    library = read_library(ROOT / "resources" / "sample_library.xml")
    for index, changes in CASES.items():
        track = library.tracks[index]
        library.set_track_attributes(track.track_id, {k: v[:255] for k, v in changes.items()})
    target = folder / "demo.xml"
    write_library(library, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    os.environ["TAGGENIUS_HOME"] = tempfile.mkdtemp(prefix="taggenius-shots-")  # a throw-away data folder

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from taggenius_desktop.gui.main_window import TAB_PREVIEW, TAB_REVIEW, MainWindow
    from taggenius_desktop.gui.review_model import (
        COL_COMMENTS,
        COL_COMPONENTS,
        COL_CONFIDENCE,
        COL_ERA,
        COL_RATING,
        COL_SITUATIONS,
    )
    from taggenius_desktop.gui.theme import ThemeController
    from taggenius_desktop.settings import Settings

    app = QApplication.instance() or QApplication([])
    controller = ThemeController(app, "light")  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory() as temp:
        path = demo_library(Path(temp))
        window = MainWindow(Settings(notify_when_done=False))
        window.resize(1280, 860)
        window.show()
        shown: list[bool] = []
        window.library_preview_updated.connect(lambda: shown.append(True))
        window.open_library(path)
        _wait(app, lambda: bool(shown))
        for theme in ("light", "dark"):
            controller.apply(theme)
            window.tabs.setCurrentIndex(TAB_PREVIEW)
            app.processEvents()
            window.grab().save(str(out / f"library-preview-{theme}.png"))

            window.tabs.setCurrentIndex(TAB_REVIEW)
            table = window.review.table
            table.sortByColumn(COL_CONFIDENCE, Qt.SortOrder.AscendingOrder)
            # the trust columns in view: hide the current values the other screenshots show
            for column in (*range(COL_COMMENTS, COL_RATING + 1), COL_SITUATIONS, COL_COMPONENTS, COL_ERA):
                table.hideColumn(column)
            table.resizeColumnsToContents()
            app.processEvents()
            window.grab().save(str(out / f"review-confidence-{theme}.png"))
        window.shutdown()
        window.deleteLater()
        app.processEvents()
    print(f"wrote library-preview-*.png and review-confidence-*.png to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
