"""``taggenius tag --audio`` and ``--music-root``: counts in --json, found files first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taggenius_desktop.cli.main import run_cli
from tests.support import audio_synth


def _library(tmp_path: Path) -> tuple[Path, Path]:
    old_root = tmp_path / "Old Computer" / "Music"
    here = tmp_path / "here"
    here.mkdir()
    for level in (0, 7):
        audio_synth.write(here / f"level {level}.wav", audio_synth.track(level, 10.0))
    locations = [audio_synth.location(old_root / f"level {level}.wav") for level in (0, 7)]
    return audio_synth.library_for(tmp_path / "lib.xml", locations), old_root


def test_music_root_remap_and_audio_counts_in_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    library, old_root = _library(tmp_path)
    code = run_cli(["tag", str(library), "-o", str(tmp_path / "a.xml"), "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0
    assert summary["audio"]["enabled"] is False and summary["audio"]["missing"] == 2  # auto: nothing here

    code = run_cli(["tag", str(library), "-o", str(tmp_path / "b.xml"), "--json",
                    "--music-root", f"{old_root}={tmp_path / 'here'}"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0
    audio = summary["audio"]
    assert audio["enabled"] is True
    assert (audio["found"], audio["analysed"], audio["missing"], audio["failed"]) == (2, 2, 0, 0)


def test_found_count_is_printed_before_the_job(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    library, old_root = _library(tmp_path)
    assert run_cli(["tag", str(library), "-o", str(tmp_path / "a.xml"), "--audio", "on"]) == 0
    err = capsys.readouterr().err
    assert "audio: 0 of 2 files found; missing ones were in " + str(old_root) in err
    assert "audio: 0 analysed, 0 cached, 2 missing, 0 unsupported, 0 failed" in err


@pytest.mark.parametrize("args, message", [
    (["--music-root", "no-equals-sign"], "expected OLD=NEW"),
    (["--audio", "sometimes"], "invalid choice"),
])
def test_bad_audio_options_are_one_line_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     args: list[str], message: str) -> None:
    library, _ = _library(tmp_path)
    assert run_cli(["tag", str(library), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "lib_tagged.xml").exists()


def test_the_terminal_shows_the_analysis_before_tagging_starts() -> None:
    """While files are measured no track is tagged yet: the line says what is happening."""
    import dataclasses

    from taggenius_desktop.cli.progress import progress_line
    from taggenius_desktop.store.jobs_log import JobRecord

    values = {f.name: None for f in dataclasses.fields(JobRecord)}
    values.update(id=1, tracks_done=0, tracks_total=120, cached=0, failed=0, input_tokens=0, output_tokens=0,
                  cost_usd=0.0, status="In Progress", current_track="analysing audio 3 / 120, about 0:41 left")
    record = JobRecord(**values)
    assert progress_line(record) == "Analysing audio 3 / 120, about 0:41 left"
    tagging = dataclasses.replace(record, current_track="Artist - Title", tracks_done=60)
    assert progress_line(tagging).startswith("[############------------] 60/120 tracks")
