"""Review-table text for measured audio, the source labels, estimates and remap hints."""

from __future__ import annotations

from pathlib import Path

from taggenius_desktop.audio.describe import describe_features, energy_source_label
from taggenius_desktop.audio.estimate import analysis_seconds, describe_estimate
from taggenius_desktop.audio.measures import AudioFeatures
from taggenius_desktop.audio.locate import suggest_remap
from tests.support import audio_synth

FEATURES = AudioFeatures(
    loudness_lufs=-7.04, loudness_range_lu=1.13, crest_db=6.77, onset_rate=7.85, spectral_flux=0.378,
    low_share=0.74, high_share=0.18, percussive_share=0.58, flatness=0.04, centroid_hz=2747.0,
    seconds=90.0, duration_s=312.4, sample_rate=44100, channels=2,
)


def test_describe_features_names_every_measure_and_the_energy_source() -> None:
    text = describe_features(FEATURES.to_dict(), energy=9, source="audio+llm", confidence="high")
    assert text.splitlines() == [
        "Energy 9 from audio + LLM (high confidence)",
        "Loudness -7.0 LUFS · range 1.1 LU · crest 6.8 dB",
        "Onsets 7.8/s · spectral flux 0.38 · percussive 58%",
        "Bass 74% · highs 18% · noisiness 0.04 · brightness 2,747 Hz",
        "Measured 90 s of 5:12 (44.1 kHz, stereo)",
    ]
    assert describe_features(FEATURES).startswith("Loudness")


def test_energy_source_labels() -> None:
    assert [energy_source_label(s) for s in ("audio", "audio+llm", "mixed-in-key", "llm:gpt-4o-mini", "tempo", None)] == [
        "audio", "audio + LLM", "Mixed In Key", "LLM", "metadata", "metadata",
    ]


def test_estimate_scales_with_files_and_cores() -> None:
    assert analysis_seconds(1000, workers=2) == analysis_seconds(500, workers=1)
    assert describe_estimate(0) == "nothing to analyse"
    assert describe_estimate(10_000, workers=2) == "about 25 min for 10,000 files"


def test_suggest_remap_finds_the_old_root_from_the_folder_the_dj_chose(tmp_path: Path) -> None:
    new = tmp_path / "Music"
    for sub in ("House/a.mp3", "Techno/Deep/b.wav"):
        (new / sub).parent.mkdir(parents=True, exist_ok=True)
        (new / sub).write_bytes(b"x")
    locations = [audio_synth.location("/Volumes/Old Drive/Music/House/a.mp3"),
                 "file://localhost/C:/Music/Techno/Deep/b.wav", audio_synth.location("/Volumes/Old Drive/Music/c.mp3")]
    remap = suggest_remap(locations, str(new))
    assert remap is not None and remap.new == str(new)
    assert remap.old in ("/Volumes/Old Drive/Music", "C:/Music")
    assert suggest_remap(locations[:1], str(new)).old == "/Volumes/Old Drive/Music"  # type: ignore[union-attr]
    assert suggest_remap(locations[:1], str(tmp_path / "empty")) is None


def test_job_counts_in_plain_words() -> None:
    from taggenius_desktop.audio.describe import describe_counts

    assert describe_counts({"enabled": False, "analysed": 3}) is None
    assert describe_counts({"enabled": True, "analysed": 10, "cached": 2, "missing": 1, "failed": 0}) == \
        "audio: 10 analysed, 2 cached, 1 missing"
    assert describe_counts({"enabled": True}) == "audio: no file measured"


def test_the_window_reads_features_without_the_analysis_stack() -> None:
    """The review's tooltip and the jobs panel describe measures without numpy or scipy
    (loading them takes most of a second)."""
    import subprocess
    import sys

    code = ("import sys, taggenius_desktop.audio.describe, taggenius_desktop.gui.jobs_model;"
            "print(sorted(m for m in ('numpy', 'scipy', 'soundfile') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
