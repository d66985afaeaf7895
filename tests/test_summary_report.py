"""The library-wide preview counts what a real run writes; the per-track report has one
row per track with before, after, sources, confidence and a note."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from taggenius_desktop.cli.main import run_cli
from taggenius_desktop.jobs import JobManager, SpecError, build_tag_job
from taggenius_desktop.jobs.preview import preview_tag_job
from taggenius_desktop.jobs.progress import Reporter
from taggenius_desktop.jobs.report import REPORT_COLUMNS, rows_for_profiles, write_report
from taggenius_desktop.jobs.summary import SKIP_LOCKED, summary_lines
from taggenius_desktop.jobs.tagging import run_tag_job
from taggenius_desktop.library import read_library
from taggenius_desktop.tagging.offline import SKIP_TOO_SHORT, profile_for
from taggenius_desktop.vocabulary.profile import TrackInfo
from taggenius_desktop.writeback import MANAGED_FIELDS, WriteOptions
from taggenius_desktop.writeback.block import NOTE_COMMENTS_FULL
from taggenius_desktop.writeback.plan import NOTE_RED, NOTE_UNSURE
from tests.support.libraries import track_xml, write_library

FULL_COMMENT = "my own notes " * 19 + "x" * 8  # 255 characters: rekordbox's limit


def mixed_library(path: Path) -> Path:
    """Every case the preview counts: tagged, unsure, not music, Red, full Comments, a
    DJ label, and an accented title."""
    tracks = [
        track_xml(1, "Techno", "130.00"),
        track_xml(2, "Deep House", "122.00"),
        track_xml(3, "", "126.00"),  # tempo only: unsure
        track_xml(4, "Other", "128.00"),  # junk: unsure
        track_xml(5, "House", "124.00").replace('TotalTime="300"', 'TotalTime="5"'),  # not music
        track_xml(6, "Techno", "132.00", colour="0xFF0000"),  # Red: left alone
        track_xml(7, "Drum & Bass", "174.00", comments=FULL_COMMENT),  # no room for the block
        track_xml(8, "Dance Floor Filth", "124.00", name="Café Señor"),  # the DJ's own label
        track_xml(9, "Riddim", "140.00", rating="204"),  # hand rating kept
    ]
    return write_library(path, tracks=tracks)


def field_diffs(before: Path, after: Path) -> Counter[str]:
    old = {t.track_id: t.attrs for t in read_library(before).tracks}
    counts: Counter[str] = Counter()
    for t in read_library(after).tracks:
        for name in MANAGED_FIELDS:
            if t.attrs.get(name) != old[t.track_id].get(name):
                counts[name] += 1
    return counts


def test_preview_counts_match_the_written_output(tmp_path):
    library = mixed_library(tmp_path / "lib.xml")
    spec = build_tag_job(library, tmp_path / "out.xml")
    preview = preview_tag_job(spec)
    assert not (tmp_path / "out.xml").exists(), "a preview writes nothing"
    result = run_tag_job(spec, Reporter())
    assert result["summary"] == preview

    diffs = field_diffs(library, tmp_path / "out.xml")
    assert preview["changes_per_field"] == {name: diffs.get(name, 0) for name in MANAGED_FIELDS}
    assert preview["tracks"] == 9
    assert preview["tracks_changed"] == result["tracks_changed"] == 5  # 1, 2, 7, 8, 9
    assert preview["unsure"] == 2
    assert preview["skipped"] == 1 and preview["skipped_reasons"] == {"not music": 1}
    assert preview["red_left_alone"] == 1
    assert preview["comments_full"] == 1
    assert preview["labels_kept"] == 1 and preview["labels_replaced"] == 0
    assert preview["top_labels"] == {"Dance Floor Filth": 1}
    assert preview["families_before"][("(no genre)")] == 1
    assert preview["families_before"]["(not a genre)"] == 1  # "Other"
    assert preview["families_before"]["Dance"] == 1  # "Dance Floor Filth": only a vague bucket
    after = read_library(tmp_path / "out.xml")
    families_after = Counter(preview["families_after"])
    assert sum(families_after.values()) == 9
    assert families_after["Techno"] == sum(1 for t in after.tracks if t.attrs.get("Genre", "").startswith("Techno"))
    # the energy histogram covers the tracks whose tags are written (not unsure, skipped or Red)
    assert sum(preview["energy_histogram"].values()) == 5
    assert sum(preview["colours_after"].values()) == 9
    assert preview["colours_after"]["Red"] == 1


def test_replacing_labels_is_counted_before_anything_is_written(tmp_path):
    library = mixed_library(tmp_path / "lib.xml")
    spec = build_tag_job(library, tmp_path / "out.xml", write_options={"keep_genre_labels": False})
    preview = preview_tag_job(spec)
    assert preview["labels_replaced"] == 1 and preview["labels_kept"] == 0
    assert any("replaced" in line for line in summary_lines(preview))


def test_fill_unknown_genres_writes_the_unsure_tracks(tmp_path):
    library = mixed_library(tmp_path / "lib.xml")
    preview = preview_tag_job(build_tag_job(library, tmp_path / "out.xml",
                                            write_options={"fill_unknown_genres": True}))
    assert preview["unsure"] == 0
    assert preview["tracks_changed"] == 7


def test_report_has_one_row_per_track_with_before_after_and_notes(tmp_path):
    library = mixed_library(tmp_path / "lib.xml")
    report = tmp_path / "report.csv"
    spec = build_tag_job(library, tmp_path / "out.xml", report_path=report, locked=["2"])
    result = run_tag_job(spec, Reporter())
    assert result["report_file_path"] == str(report)
    raw = report.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    with open(report, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == REPORT_COLUMNS
    by_id = {row[0]: dict(zip(REPORT_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert sorted(by_id) == [str(i) for i in range(1, 10)]

    out = {t.track_id: t.attrs for t in read_library(tmp_path / "out.xml").tracks}
    first = by_id["1"]
    assert (first["Genre before"], first["Genre after"]) == ("Techno", out["1"]["Genre"])
    assert first["Comments after"] == out["1"]["Comments"]
    assert first["Colour before"] == "" and first["Colour after"] in ("Yellow", "Orange", "Pink", "Green", "Aqua")
    assert first["Rating (stars) before"] == "0" and first["Rating (stars) after"] in "12345"
    assert first["Energy"].isdigit() and first["Energy source"] and first["Energy confidence"] == "medium"
    assert first["Genre confidence"] == "high" and "primary_genre: genre-tag" in first["Sources"]
    assert first["Note"] == ""

    assert by_id["2"]["Note"] == SKIP_LOCKED and by_id["2"]["Genre after"] == "Deep House"
    assert by_id["3"]["Note"] == NOTE_UNSURE and by_id["3"]["Genre confidence"] == "guess"
    assert by_id["3"]["Genre after"] == "" and by_id["3"]["Colour after"] == ""
    assert by_id["5"]["Note"] == SKIP_TOO_SHORT and by_id["5"]["Energy"] == ""
    assert by_id["6"]["Note"] == NOTE_RED and by_id["6"]["Colour after"] == "Red"
    assert by_id["7"]["Note"] == NOTE_COMMENTS_FULL and by_id["7"]["Comments after"] == FULL_COMMENT
    assert by_id["8"]["Title"] == "Café Señor"
    assert by_id["8"]["Genre after"].endswith(", Dance Floor Filth")
    assert by_id["9"]["Rating (stars) before"] == by_id["9"]["Rating (stars) after"] == "4"


def test_report_from_review_proposals(tmp_path):
    library_path = mixed_library(tmp_path / "lib.xml")
    library = read_library(library_path)
    profiles = {t.track_id: profile_for(TrackInfo.from_attributes(t.attrs)) for t in library.tracks}
    profiles["5"] = None
    rows = rows_for_profiles(library, profiles, WriteOptions(), {"5": SKIP_TOO_SHORT})
    target = write_report(tmp_path / "r.csv", rows)
    text = target.read_bytes().decode("utf-8-sig")
    assert text.count("\r\n") == 10  # header + 9 tracks
    assert SKIP_TOO_SHORT in text and NOTE_UNSURE in text
    assert not list(tmp_path.glob(".r.csv.*")), "no temp file left behind"


def test_report_cannot_overwrite_the_input_or_the_output(tmp_path):
    library = mixed_library(tmp_path / "lib.xml")
    with pytest.raises(SpecError):
        build_tag_job(library, tmp_path / "out.xml", report_path=library)
    with pytest.raises(SpecError):
        build_tag_job(library, tmp_path / "out.xml", report_path=tmp_path / "out.xml")


def test_cli_report_and_summary_in_json(tmp_path, capsys):
    library = mixed_library(tmp_path / "lib.xml")
    report = tmp_path / "report.csv"
    code = run_cli(["tag", str(library), "--json", "--report", str(report)])
    out, err = capsys.readouterr()
    assert code == 0, err
    summary = json.loads(out)
    assert summary["report"] == str(report) and report.exists()
    assert summary["summary"]["unsure"] == 2 and summary["summary"]["comments_full"] == 1
    assert summary["summary"]["skipped_reasons"] == {"not music": 1}


def test_cli_prints_the_summary_and_fills_on_request(tmp_path, capsys):
    library = mixed_library(tmp_path / "lib.xml")
    code = run_cli(["tag", str(library), "--fill-unknown-genres"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "with full Comments" in err and "skipped" in err and "unsure" not in err
    tagged = {t.track_id: t.attrs for t in read_library(tmp_path / "lib_tagged.xml").tracks}
    assert tagged["3"]["Genre"] and tagged["4"]["Genre"]


def test_cli_report_to_a_missing_folder_is_bad_input(tmp_path, capsys):
    library = mixed_library(tmp_path / "lib.xml")
    code = run_cli(["tag", str(library), "--report", str(tmp_path / "nope" / "r.csv")])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1


def test_the_job_pool_stores_the_summary(tmp_path):
    library = mixed_library(tmp_path / "lib.xml")
    with JobManager(workers=1) as manager:
        record = manager.wait(manager.submit(build_tag_job(library)), timeout=60)
    assert json.loads(record.result_data)["summary"]["tracks"] == 9
    assert record.skipped == 1


def test_report_rows_follow_the_collection_and_failures_are_not_skips(tmp_path):
    library = mixed_library(tmp_path / "lib.xml")
    report = tmp_path / "r.csv"
    run_tag_job(build_tag_job(library, tmp_path / "out.xml", report_path=report, locked=["9", "4"]), Reporter())
    with open(report, encoding="utf-8-sig", newline="") as handle:
        ids = [row[0] for row in list(csv.reader(handle))[1:]]
    assert ids == [str(i) for i in range(1, 10)]
    builder_summary = preview_tag_job(build_tag_job(library, tmp_path / "out.xml", locked=["9"]))
    assert builder_summary["failed"] == 0 and builder_summary["skipped_reasons"]["locked in the review"] == 1


def test_a_failed_track_is_counted_and_reported_as_failed(tmp_path, fake_openai):
    library = write_library(tmp_path / "lib.xml", tracks=[track_xml(1, "Techno"), track_xml(2, "House")])
    report = tmp_path / "r.csv"
    server = fake_openai(api_key="sk-test", models=("m",), title_faults={"Track 2": "drop"})
    spec = build_tag_job(library, tmp_path / "out.xml", provider="openai-compatible", model="m",
                         base_url=server.base_url, api_key="sk-test", report_path=report)
    result = run_tag_job(spec, Reporter())
    assert result["summary"]["failed"] == 1 and result["summary"]["skipped"] == 0
    with open(report, encoding="utf-8-sig", newline="") as handle:
        notes = {row[0]: row[-1] for row in list(csv.reader(handle))[1:]}
    assert notes["2"].startswith("tagging failed: ") and notes["1"] == ""
