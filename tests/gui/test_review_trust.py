"""The review table shows how sure each proposal is and where it came from, sorts and
filters by it, and opens with the tracks that need a look first."""

from __future__ import annotations

from PySide6.QtCore import Qt

from taggenius_desktop.gui.review_model import (
    COL_CONFIDENCE,
    COL_PRIMARY,
    COL_SOURCE,
    SHOW_NEEDS_A_LOOK,
    ReviewModel,
    build_rows,
)
from taggenius_desktop.gui.review_view import ReviewView
from taggenius_desktop.vocabulary.profile import TagProfile


class _Track:
    def __init__(self, track_id: str, **attrs: str) -> None:
        self.track_id = track_id
        self.attrs = {"TrackID": track_id, **attrs}


def _profile(primary: str, genre_level: str, energy_level: str, genre_source: str = "genre-tag") -> TagProfile:
    return TagProfile(primary, energy=6, sources={"primary_genre": genre_source, "energy": "tempo"},
                      confidence={"primary_genre": genre_level, "energy": energy_level})


def _rows():
    return build_rows([
        _Track("sure", Artist="A", Name="Sure", Genre="Techno"),
        _Track("guess", Artist="B", Name="Guess", Genre=""),
        _Track("clash", Artist="C", Name="Clash", Genre="Deep House"),
        _Track("skipped", Artist="D", Name="Tone", Genre=""),
        _Track("low", Artist="E", Name="Low", Genre="Electronic"),
    ])


PROPOSALS = {
    "sure": _profile("Techno", "high", "medium"),
    "guess": _profile("House", "guess", "guess", "tempo"),
    "clash": _profile("Techno", "high", "medium"),  # the DJ wrote Deep House
    "low": _profile("House", "low", "low", "tempo"),
}


def _cells(model: ReviewModel, column: int) -> dict[str, str]:
    return {model.track_id_at(r): model.index(r, column).data() for r in range(model.rowCount())}


def test_confidence_and_source_columns(qapp) -> None:
    model = ReviewModel()
    model.set_rows(_rows())
    model.set_proposals(PROPOSALS)
    confidence = _cells(model, COL_CONFIDENCE)
    assert confidence["sure"] == "medium"  # the least sure of its values
    assert confidence["guess"] == "guess"
    assert confidence["clash"] == "medium · disagrees with your genre"
    assert confidence["skipped"] == ""
    assert _cells(model, COL_SOURCE)["guess"] == "genre: tempo · energy: tempo"
    tip = model.index(model.row_of("guess"), COL_PRIMARY).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "from tempo (guess confidence)"


def test_sorting_by_confidence_puts_what_needs_a_look_first(qapp) -> None:
    model = ReviewModel()
    model.set_rows(_rows())
    model.set_proposals(PROPOSALS)
    model.sort(COL_CONFIDENCE, Qt.SortOrder.AscendingOrder)
    order = [model.track_id_at(r) for r in range(model.rowCount())]
    assert order == ["skipped", "guess", "low", "clash", "sure"]
    model.sort(COL_CONFIDENCE, Qt.SortOrder.DescendingOrder)
    assert [model.track_id_at(r) for r in range(model.rowCount())][0] == "sure"


def test_needs_a_look_filter_and_text_filter_on_confidence(qapp) -> None:
    model = ReviewModel()
    model.set_rows(_rows())
    model.set_proposals(PROPOSALS)
    assert model.needs_a_look_count() == 4
    model.set_filter(show=SHOW_NEEDS_A_LOOK)
    assert sorted(model.track_id_at(r) for r in range(model.rowCount())) == ["clash", "guess", "low", "skipped"]
    model.set_filter(text="guess", show=0)
    assert [model.track_id_at(r) for r in range(model.rowCount())] == ["guess"]


def test_an_edit_means_the_dj_has_looked(qapp) -> None:
    model = ReviewModel()
    model.set_rows(_rows())
    model.set_proposals(PROPOSALS)
    assert model.setData(model.index(model.row_of("guess"), COL_PRIMARY), "Techno", Qt.ItemDataRole.EditRole)
    assert model.needs_a_look_count() == 3


def test_the_review_opens_on_needs_a_look_unless_the_dj_sorted(qtbot) -> None:
    view = ReviewView()
    qtbot.addWidget(view)
    view.model.set_rows(_rows())
    view.model.set_proposals(PROPOSALS)
    assert view.model.track_id_at(0) == "skipped"
    assert view.table.horizontalHeader().sortIndicatorSection() == COL_CONFIDENCE
    view.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # the DJ sorts by artist
    view.model.set_proposals(PROPOSALS)
    assert view.model.track_id_at(0) == "sure"  # artist "A": the DJ's order is kept
