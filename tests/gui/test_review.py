"""The review table: model correctness, editing, locking, filter and sort, and edits that
reach the written XML."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from taggenius_desktop.gui.jobs_model import JobsModel
from taggenius_desktop.gui.review_model import (
    COL_ARTIST,
    COL_ENERGY,
    COL_LOCK,
    COL_PRIMARY,
    COL_TITLE,
    COL_VIBES,
    SHOW_MISSING,
    ReviewModel,
    build_rows,
)
from taggenius_desktop.settings import Settings
from taggenius_desktop.store import connect, jobs_log
from taggenius_desktop.store.jobs_log import Status
from taggenius_desktop.vocabulary.profile import TagProfile
from tests.support.libraries import write_library


class _Track:
    def __init__(self, track_id: str, **attrs: str) -> None:
        self.track_id = track_id
        self.attrs = {"TrackID": track_id, **attrs}


def _model() -> ReviewModel:
    tracks = [
        _Track("1", Artist="Zed", Name="Night Drive", Genre="Techno", Colour="0xFF007F", Rating="204"),
        _Track("2", Artist="Amy", Name="Sunrise", Genre="Deep House", Comments="8A - Energy 5"),
        _Track("3", Artist="Bob", Name="Warehouse", Genre=""),
    ]
    model = ReviewModel()
    model.set_rows(build_rows(tracks))
    model.set_proposals({
        "1": TagProfile("Techno", ("Peak Time Techno",), 8, ("Dark", "Driving")),
        "2": TagProfile("House", ("Deep House",), 4, ("Warm",)),
    })
    return model


def test_review_model_passes_the_model_tester(qtmodeltester) -> None:
    model = _model()
    qtmodeltester.check(model)
    model.set_filter(text="house")  # "Deep House" now, and "Warehouse"
    qtmodeltester.check(model)
    assert [model.track_id_at(r) for r in range(model.rowCount())] == ["2", "3"]


def test_jobs_model_passes_the_model_tester(qtmodeltester) -> None:
    conn = connect()
    for name in ("Tag a.xml", "Split a.xml"):
        jobs_log.insert_job(conn, {"job_display_name": name, "original_filename": "a.xml", "input_file_path": "/a.xml",
                                   "job_type": "tag", "spec": "{}", "tracks_total": 10, "tracks_done": 4})
    records = jobs_log.list_jobs(conn)
    conn.close()
    model = JobsModel()
    model.set_records(records)
    qtmodeltester.check(model)
    assert model.rowCount() == 2


def test_jobs_model_updates_changed_rows_only(qtbot) -> None:
    conn = connect()
    first = jobs_log.insert_job(conn, {"job_display_name": "one", "original_filename": "a", "input_file_path": "/a",
                                       "job_type": "tag", "spec": "{}", "tracks_total": 10})
    second = jobs_log.insert_job(conn, {"job_display_name": "two", "original_filename": "a", "input_file_path": "/a",
                                        "job_type": "tag", "spec": "{}", "tracks_total": 10})
    model = JobsModel()
    model.set_records(jobs_log.list_jobs(conn))
    jobs_log.update_job(conn, first, tracks_done=5, status=Status.IN_PROGRESS)
    changed = []
    model.dataChanged.connect(lambda top, bottom, roles=None: changed.append((top.row(), bottom.row())))
    with qtbot.assertNotEmitted(model.modelReset):
        model.set_records(jobs_log.list_jobs(conn))
    assert changed == [(model.row_of(first), model.row_of(first))]
    third = jobs_log.insert_job(conn, {"job_display_name": "three", "original_filename": "a", "input_file_path": "/a",
                                       "job_type": "tag", "spec": "{}"})
    with qtbot.waitSignal(model.rowsInserted), qtbot.assertNotEmitted(model.modelReset):
        model.set_records(jobs_log.list_jobs(conn))
    conn.close()
    assert [model.record_at(r).id for r in range(3)] == [third, second, first]


def test_editing_and_locking(qtbot) -> None:
    model = _model()
    primary = model.index(0, COL_PRIMARY)
    assert primary.data() == "Techno"
    assert model.setData(primary, "House")
    assert model.setData(model.index(0, COL_ENERGY), 6)
    assert not model.setData(model.index(0, COL_ENERGY), 11)  # out of range is refused
    assert model.setData(model.index(0, COL_VIBES), ["Warm", "Uplifting", "Warm"])
    edited = model.profile_for("1")
    assert (edited.primary_genre, edited.energy, edited.vibes) == ("House", 6, ("Warm", "Uplifting"))
    assert edited.sub_genres == ("Peak Time Techno",)  # untouched values are kept
    assert edited.sources["primary_genre"] == "user"
    assert model.index(0, COL_PRIMARY).data(Qt.ItemDataRole.FontRole).bold()
    # a track with no proposal: only the primary genre can start a profile
    assert not model.setData(model.index(2, COL_VIBES), ["Warm"])
    assert model.setData(model.index(2, COL_PRIMARY), "Ambient")
    assert model.profile_for("3").primary_genre == "Ambient"
    # lock: the checkbox column; locked tracks are not editable and leave the overrides
    assert model.setData(model.index(0, COL_LOCK), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.index(0, COL_LOCK).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert not model.flags(model.index(0, COL_PRIMARY)) & Qt.ItemFlag.ItemIsEditable
    assert model.locked_ids() == ["1"]
    assert set(model.overrides()) == {"3"}
    assert model.overrides()["3"]["primary_genre"] == "Ambient"


def test_sort_and_filter(qtbot) -> None:
    model = _model()
    model.sort(COL_ARTIST, Qt.SortOrder.AscendingOrder)
    assert [model.index(r, COL_ARTIST).data() for r in range(3)] == ["Amy", "Bob", "Zed"]
    model.sort(COL_ENERGY, Qt.SortOrder.DescendingOrder)
    assert [model.index(r, COL_ENERGY).data() for r in range(3)] == ["8", "4", ""]  # no proposal: last
    model.sort(COL_ENERGY, Qt.SortOrder.AscendingOrder)
    assert [model.index(r, COL_ENERGY).data() for r in range(3)] == ["4", "8", ""]
    model.set_filter(text="dark")  # matches a proposed vibe, not a visible current value
    assert model.rowCount() == 1 and model.index(0, COL_TITLE).data() == "Night Drive"
    model.set_filter(text="sunrise AMY")  # every word must match, in any case
    assert model.rowCount() == 1 and model.track_id_at(0) == "2"
    assert model.row_of("1") is None and model.row_of("2") == 0
    model.sort(COL_ARTIST, Qt.SortOrder.DescendingOrder)  # sorting keeps the filter
    assert model.rowCount() == 1
    model.set_filter(text="")
    assert [model.index(r, COL_ARTIST).data() for r in range(3)] == ["Zed", "Bob", "Amy"]
    model.set_filter(show=SHOW_MISSING)
    assert model.rowCount() == 1 and model.index(0, COL_TITLE).data() == "Warehouse"
    # an edit is searchable at once
    model.set_filter(text="ambient", show=0)
    assert model.rowCount() == 0
    model.set_filter(text="")
    model.setData(model.index(model.row_of("3"), COL_PRIMARY), "Ambient")
    model.set_filter(text="ambient")
    assert model.rowCount() == 1 and model.track_id_at(0) == "3"


def test_the_filter_box_and_lock_button(qtbot) -> None:
    from taggenius_desktop.gui.review_view import ReviewView

    view = ReviewView(_model())
    qtbot.addWidget(view)
    view.filter_edit.setText("techno")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=2000)  # applied after a short pause
    assert view.count_label.text() == "1 of 3 tracks"
    view.table.selectRow(0)
    view.lock_button.click()
    assert view.model.locked_ids() == ["1"]
    view.lock_button.click()  # all selected were locked: unlock
    assert view.model.locked_ids() == []


def test_review_edits_reach_the_written_xml(make_window, qtbot, tmp_path: Path) -> None:
    from taggenius_desktop.library import read_library

    source = write_library(tmp_path / "lib.xml", n=10)
    original = {t.track_id: dict(t.attrs) for t in read_library(source).tracks}
    window = make_window(Settings(notify_when_done=False))
    with qtbot.waitSignal(window.proposals_updated, timeout=20_000):
        window.open_library(source)
    model = window.review.model
    assert model.proposal_count() == 10

    edited_row, locked_row = model.row_of("1"), model.row_of("2")
    from taggenius_desktop.vocabulary import load_vocabulary

    proposed = model.profile_for("1").primary_genre
    new_genre = next(g for g in load_vocabulary().primary_genres if g != proposed)
    assert model.setData(model.index(edited_row, COL_PRIMARY), new_genre)
    assert model.setData(model.index(edited_row, COL_ENERGY), 3)
    assert model.setData(model.index(locked_row, COL_LOCK), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)

    job_id = window.write_reviewed()
    assert job_id is not None

    def finished() -> None:
        record = window.bridge.record(job_id)
        assert record is not None and record.status in Status.FINISHED

    qtbot.waitUntil(finished, timeout=60_000)
    record = window.bridge.record(job_id)
    assert record.status == Status.COMPLETED, record.error
    written = {t.track_id: t.attrs for t in read_library(record.output_file_path).tracks}
    assert written["1"]["Genre"].split(", ")[0] == new_genre
    assert written["2"] == original["2"]  # locked: nothing changed
    assert written["3"] != original["3"]  # an ordinary track was tagged


def test_vocabulary_editors_write_through_to_the_model(qtbot) -> None:
    from PySide6.QtWidgets import QComboBox, QSpinBox, QStyleOptionViewItem

    from taggenius_desktop.gui.review_view import MultiChoiceEditor, ReviewView
    from taggenius_desktop.vocabulary import load_vocabulary

    vocab = load_vocabulary()
    view = ReviewView(_model())
    qtbot.addWidget(view)
    view.set_vocabulary(vocab)
    model, option = view.model, QStyleOptionViewItem()

    def edit(column: int, change) -> None:  # noqa: ANN001
        index = model.index(0, column)
        delegate = view.table.itemDelegateForColumn(column)
        editor = delegate.createEditor(view.table.viewport(), option, index)
        delegate.setEditorData(editor, index)
        change(editor)
        delegate.setModelData(editor, model, index)
        editor.deleteLater()

    genre = next(g for g in vocab.primary_genres if g != "Techno")

    def pick_genre(combo: QComboBox) -> None:
        assert combo.currentText() == "Techno"  # the editor opens on the current value
        combo.setCurrentIndex(combo.findData(genre))

    edit(COL_PRIMARY, pick_genre)

    def pick_vibes(editor: MultiChoiceEditor) -> None:
        assert editor.values() == ["Dark", "Driving"]
        editor.combos[0].setCurrentIndex(editor.combos[0].findData(vocab.vibes[0]))
        editor.combos[1].setCurrentIndex(0)  # "—": removes the second value

    edit(COL_VIBES, pick_vibes)
    edit(COL_ENERGY, lambda spin: spin.setValue(2) if isinstance(spin, QSpinBox) else None)
    profile = model.profile_for("1")
    assert (profile.primary_genre, profile.vibes, profile.energy) == (genre, (vocab.vibes[0],), 2)
