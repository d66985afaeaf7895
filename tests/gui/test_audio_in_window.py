"""The window's "Energy from audio" options: the files found here are counted when a
library opens, the switch and a chosen music folder are saved and go into the job spec."""

from __future__ import annotations

from pathlib import Path

from taggenius_desktop.settings import Settings, load_settings
from tests.support import audio_synth


def _library(tmp_path: Path) -> tuple[Path, Path, str]:
    """Three tracks exported from another computer; two of their files are in ``here``."""
    locations, here = audio_synth.music_moved(tmp_path)
    old = audio_synth.OLD_MUSIC
    return audio_synth.library_for(tmp_path / "lib.xml", locations), here, old


def test_files_found_are_counted_when_a_library_opens(make_window, qtbot, tmp_path: Path) -> None:
    path, here, old = _library(tmp_path)
    window = make_window(Settings(notify_when_done=False, music_roots={old: str(here)}))
    with qtbot.waitSignal(window.audio_counted, timeout=15_000) as counted:
        window.open_library(path)
    assert counted.args == [2]  # the saved music folder applies at once
    view = window.audio.view
    assert view.found_label.text().startswith("2 of 3")
    assert view.mode() == "auto"
    spec = window.build_tag_spec()
    assert spec.audio == "auto" and spec.music_roots == ((old, str(here)),)


def test_the_switch_and_a_music_folder_are_saved_and_used(make_window, qtbot, tmp_path: Path) -> None:
    path, here, old = _library(tmp_path)
    window = make_window(Settings(notify_when_done=False))
    with qtbot.waitSignal(window.audio_counted, timeout=15_000) as counted:
        window.open_library(path)
    assert counted.args == [0]
    view = window.audio.view
    assert view.found_label.text() == f"0 of 3\nmissing ones were in {old}/House"

    with qtbot.waitSignal(window.audio_counted, timeout=15_000) as counted:
        assert view.use_music_folder(str(here))
    assert counted.args == [2]
    assert window.settings.music_roots == {old: str(here)}
    assert window.build_tag_spec().music_roots == ((old, str(here)),)

    view.set_mode("off")
    assert window.settings.audio_energy == "off" and window.build_tag_spec().audio == "off"
    assert view.estimate_label.text() == "off: energy from metadata only"
    saved = load_settings()
    assert saved.audio_energy == "off" and saved.music_roots == {old: str(here)}


def test_the_review_shows_the_measured_energy_and_its_features(make_window, qtbot, tmp_path: Path) -> None:
    """After a job measured the files, the review proposes the energy the job wrote (from
    the feature cache, nothing decoded again) and its tooltip shows the raw features."""
    from PySide6.QtCore import Qt

    from taggenius_desktop.gui.review_model import COL_ENERGY, TRACK_ID_ROLE
    from taggenius_desktop.jobs import build_tag_job
    from taggenius_desktop.jobs.progress import Reporter
    from taggenius_desktop.jobs.tagging import run_tag_job
    from taggenius_desktop.library import read_library
    from taggenius_desktop.store.db import connect

    calm = audio_synth.write(tmp_path / "calm.wav", audio_synth.track(0, 20.0))
    intense = audio_synth.write(tmp_path / "intense.wav", audio_synth.track(7, 20.0))
    path = audio_synth.library_for(tmp_path / "lib.xml", [audio_synth.location(calm), audio_synth.location(intense)])
    output = tmp_path / "out.xml"
    conn = connect()
    try:
        job = run_tag_job(build_tag_job(path, output, audio="on", audio_workers=0), Reporter(), conn)
    finally:
        conn.close()
    written = {tid: int(read_library(output).track_by_id(tid).attrs["Comments"].split("E: ")[1][:2])
               for tid in ("1", "2")}
    assert written["1"] < written["2"]

    window = make_window(Settings(notify_when_done=False))
    with qtbot.waitSignal(window.library_preview_updated, timeout=20_000):
        window.open_library(path)
    # The Preview tab counts the energies the job wrote.
    assert window.whole_library.view.summary()["energy_histogram"] == job["summary"]["energy_histogram"]
    model = window.review.model
    assert {tid: model.profile_for(tid).energy for tid in ("1", "2")} == written
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data(TRACK_ID_ROLE) == "2")
    tip = model.index(row, COL_ENERGY).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith(f"Energy {written['2']} from audio") and "LUFS" in tip

