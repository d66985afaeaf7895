"""The "Energy from audio" options widget, on its own."""

from __future__ import annotations

from pathlib import Path

from taggenius_desktop.audio.locate import Remap, count_found
from taggenius_desktop.gui.audio_options import AudioOptions
from tests.support import audio_synth


def test_switch_found_count_estimate_and_music_folder(qtbot, tmp_path: Path) -> None:
    locations, here = audio_synth.music_moved(tmp_path)
    old = audio_synth.OLD_MUSIC

    widget = AudioOptions()
    qtbot.addWidget(widget)
    assert widget.mode() == "auto" and widget.music_roots() == []
    widget.set_locations(locations)
    assert widget.found_label.text() == "counting…"
    widget.set_found(count_found(locations))
    assert widget.found_label.text() == f"0 of 3\nmissing ones were in {old}/House"
    assert widget.estimate_label.text() == "nothing to analyse"

    with qtbot.waitSignal(widget.changed):
        assert widget.use_music_folder(str(here))
    assert widget.music_roots() == [(old, str(here))]
    widget.set_found(count_found(locations, [Remap(o, n) for o, n in widget.music_roots()]))
    assert widget.found_label.text().startswith("2 of 3")
    assert widget.estimate_label.text().startswith("about 1 s for 2 files")

    with qtbot.waitSignal(widget.changed):
        widget.set_mode("off")
    assert widget.mode() == "off" and not widget.folder_button.isEnabled()
    assert widget.estimate_label.text() == "off: energy from metadata only"


def test_a_folder_without_the_missing_files_changes_nothing(qtbot, tmp_path: Path) -> None:
    widget = AudioOptions()
    qtbot.addWidget(widget)
    widget.set_locations([audio_synth.location("/Volumes/X/Music/a.mp3")])
    with qtbot.assertNotEmitted(widget.changed):
        assert not widget.use_music_folder(str(tmp_path))
    assert widget.music_roots() == []
    assert "No missing file was found" in widget.remap_label.text()
