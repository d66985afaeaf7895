"""The library-wide preview widget shows the summary a dry run computes, and exports the
per-track report."""

from __future__ import annotations


from taggenius_desktop.gui.library_preview import LibraryPreview
from taggenius_desktop.jobs import build_tag_job
from taggenius_desktop.jobs.preview import preview_tag_job
from taggenius_desktop.writeback import WriteOptions
from tests.support.libraries import track_xml, write_library


def _library(tmp_path):
    tracks = [track_xml(1, "Techno", "130.00"), track_xml(2, "", "126.00"), track_xml(3, "Dance Floor Filth", "124.00"),
              track_xml(4, "House", "124.00").replace('TotalTime="300"', 'TotalTime="4"'),
              track_xml(5, "Deep House", "121.00", comments="x" * 255)]
    return write_library(tmp_path / "lib.xml", tracks=tracks)


def test_the_preview_shows_the_dry_run_summary(qtbot, tmp_path):
    summary = preview_tag_job(build_tag_job(_library(tmp_path)))
    widget = LibraryPreview()
    qtbot.addWidget(widget)
    assert not widget.export_button.isEnabled()
    widget.set_summary(summary)
    assert widget.headline.text() == f"{summary['tracks_changed']} of 5 tracks change (Genre 2, Comments 2, Rating 3, Colour 3)"
    assert widget.field_labels["Genre"].text() == "2" and widget.field_labels["Grouping"].text() == "0"
    text = widget.warnings.text()
    assert "1 unsure" in text and "1 skipped (1 not music)" in text and "1 with full Comments" in text
    assert "1 of your own Genre labels kept" in text
    families = {widget.families.item(r, 0).text(): (widget.families.item(r, 1).text(), widget.families.item(r, 2).text())
                for r in range(widget.families.rowCount())}
    assert families["Techno"] == ("1", "1") and families["(no genre)"] == ("1", "1")
    assert sum(count for _, count in widget.energy_chart.bars()) == 3  # tracks 1, 3 and 5 get energy written
    assert dict(widget.colour_chart.bars()).get("(none)") == 2  # the unsure track and the tone
    assert widget.labels_table.item(0, 0).text() == "Dance Floor Filth"
    assert widget.export_button.isEnabled()
    widget.set_summary(None)
    assert widget.families.rowCount() == 0 and not widget.export_button.isEnabled()


def test_export_button_emits_the_chosen_path(qtbot, tmp_path, monkeypatch):
    from taggenius_desktop.gui import library_preview

    widget = LibraryPreview()
    qtbot.addWidget(widget)
    widget.set_summary(preview_tag_job(build_tag_job(_library(tmp_path))))
    monkeypatch.setattr(library_preview.QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "out"), "")))
    with qtbot.waitSignal(widget.export_report_requested) as signal:
        widget.export_button.click()
    assert signal.args == [str(tmp_path / "out.csv")]


def test_job_settings_offer_fill_unknown_genres_off_by_default(qtbot):
    from taggenius_desktop.gui.job_settings import JobSettingsPanel
    from taggenius_desktop.settings import Settings

    panel = JobSettingsPanel(Settings())
    qtbot.addWidget(panel)
    assert panel.write_options()["fill_unknown_genres"] is False
    panel.fill_unknown.setChecked(True)
    assert WriteOptions.from_dict(panel.write_options()).fill_unknown_genres is True
