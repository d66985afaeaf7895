"""Decoding: every supported format, and every kind of file that cannot be measured
(each with its reason, never an exception)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest
import soundfile

from taggenius_desktop.audio import analyse, decode
from taggenius_desktop.audio.measures import AudioFeatures
from taggenius_desktop.audio.reasons import Reason
from tests.support import audio_synth


def _features(path: Path) -> AudioFeatures:
    status, data = analyse.analyse_file(str(path))
    assert status == analyse.OK, data
    return AudioFeatures.from_dict(data)


@pytest.mark.parametrize("ext", sorted(audio_synth.FORMATS))
def test_every_supported_format_decodes(tmp_path: Path, ext: str) -> None:
    path = audio_synth.write(tmp_path / f"t{ext}", audio_synth.track(4, 6.0))
    features = _features(path)
    assert features.channels == 2 and features.sample_rate == audio_synth.RATE
    assert 5.0 <= features.seconds <= 7.0
    assert -16.0 < features.loudness_lufs < -8.0  # the level-4 track is made at -12 LUFS


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("gone.mp3", None, Reason.MISSING),
        ("empty.flac", b"", Reason.EMPTY),
        ("corrupt.mp3", bytes(range(256)) * 64, Reason.UNREADABLE),
        ("notes.txt", b"hello", Reason.UNSUPPORTED),
        ("track.wma", b"\x30\x26\xb2\x75" * 100, Reason.UNSUPPORTED),
    ],
)
def test_files_that_cannot_be_measured_give_their_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: bytes | None, reason: Reason
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert analyse.analyse_file(str(path))[0] == reason.value


def test_a_truncated_file_is_unreadable_or_short_never_an_error(tmp_path: Path) -> None:
    whole = audio_synth.write(tmp_path / "whole.flac", audio_synth.track(3, 6.0))
    cut = tmp_path / "cut.flac"
    cut.write_bytes(whole.read_bytes()[:2000])
    assert analyse.analyse_file(str(cut))[0] in (Reason.UNREADABLE.value, Reason.TOO_SHORT.value)


def test_m4a_without_an_os_converter_is_unsupported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    path = tmp_path / "song.m4a"
    path.write_bytes(b"\x00\x00\x00\x20ftypM4A " + bytes(2000))
    assert analyse.analyse_file(str(path)) == (Reason.UNSUPPORTED.value, ".m4a: format not supported")


@pytest.mark.skipif(os.name == "nt", reason="the stand-in converter is a shell script")
def test_m4a_goes_through_the_os_converter_when_there_is_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A stand-in for macOS afconvert with its argument order (-f WAVE -d LEI16 IN OUT):
    # the ".m4a" here holds WAV data, so "converting" is a copy.
    tools = tmp_path / "bin"
    tools.mkdir()
    script = tools / "afconvert"
    script.write_text('#!/bin/sh\n[ "$1" = "-f" ] && [ "$3" = "-d" ] || exit 3\ncp "$5" "$6"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    path = tmp_path / "song.m4a"
    soundfile.write(str(path), audio_synth.track(5, 5.0), audio_synth.RATE, format="WAV")
    assert _features(path).onset_rate > 1.0


def test_mono_24_bit_96_khz_files_measure_like_the_stereo_16_bit_original(tmp_path: Path) -> None:
    from scipy.signal import resample_poly

    stereo = audio_synth.track(5, 12.0)
    reference = _features(audio_synth.write(tmp_path / "ref.wav", stereo))
    mono = _features(audio_synth.write(tmp_path / "mono.flac", stereo[:, :1], subtype="PCM_24"))
    hires = resample_poly(stereo, 96000 // 300, audio_synth.RATE // 300, axis=0)
    high = _features(audio_synth.write(tmp_path / "hires.wav", np.clip(hires, -1, 1), rate=96000, subtype="PCM_24"))
    assert mono.channels == 1 and high.sample_rate == 96000
    for other in (mono, high):
        assert other.loudness_lufs == pytest.approx(reference.loudness_lufs, abs=0.6)
        assert other.onset_rate == pytest.approx(reference.onset_rate, rel=0.25)
        assert other.spectral_flux == pytest.approx(reference.spectral_flux, rel=0.25)


def test_a_two_hour_mix_reads_only_three_windows(tmp_path: Path) -> None:
    rate = 8000
    path = tmp_path / "mix.flac"
    block = audio_synth.track(6, 20.0, rate=rate)
    with soundfile.SoundFile(str(path), "w", rate, 2, format="FLAC", subtype="PCM_16") as handle:
        for _ in range(2 * 3600 // 20):
            handle.write(block)
    excerpt = decode.read_excerpt(str(path))
    assert excerpt.duration_s == pytest.approx(7200.0, abs=1.0)
    assert len(excerpt.windows) == 3
    assert excerpt.seconds == pytest.approx(3 * decode.WINDOW_S, abs=0.1)
    assert _features(path).onset_rate > 1.0


def test_loudness_matches_pyloudnorm(tmp_path: Path) -> None:
    pyloudnorm = pytest.importorskip("pyloudnorm")
    from taggenius_desktop.audio import features, loudness

    wide = np.stack([audio_synth.track(2, 20.0)[:, 0], audio_synth.track(6, 20.0)[:, 1]], axis=1)
    cases = {"pad": audio_synth.track(0, 20.0), "drums": audio_synth.track(3, 20.0),
             "distorted": audio_synth.track(7, 20.0), "wide stereo": wide}
    for name, audio in cases.items():
        theirs = pyloudnorm.Meter(audio_synth.RATE).integrated_loudness(audio)
        samples = audio.astype(np.float32)
        reference, _ = loudness.measure([samples], audio_synth.RATE)  # time-domain K filter
        spectral = features.compute(decode.Excerpt((samples,), audio_synth.RATE, 2, 20.0)).loudness_lufs
        assert reference == pytest.approx(theirs, abs=0.1), name
        assert spectral == pytest.approx(theirs, abs=0.25), name
