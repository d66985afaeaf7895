"""Synthetic tracks for the audio tests and the benchmark: one tempo, one key, a ladder
of arrangements from a quiet pad with no drums up to dense, loud, distorted drums.

``intensity`` 0..7 is the constructed ground truth: each step adds a layer a listener
hears as more intense (drums, then hats, bass, claps, 16ths, noise, distortion), so a
measured energy must rank the tracks in this order even when loudness is equalised.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import numpy.typing as npt

RATE = 44100
BPM = 126.0
LEVELS = 8
#: Output formats, by extension, with the soundfile format and subtype used to write them.
FORMATS: dict[str, tuple[str, str | None]] = {
    ".wav": ("WAV", "PCM_16"),
    ".aiff": ("AIFF", "PCM_16"),
    ".flac": ("FLAC", "PCM_16"),
    ".mp3": ("MP3", "MPEG_LAYER_III"),
    ".ogg": ("OGG", "VORBIS"),
}

Array = npt.NDArray[np.float64]


def _env(n: int, attack: float, decay: float, rate: int) -> Array:
    t = np.arange(n) / rate
    return np.minimum(1.0, t / max(attack, 1e-4)) * np.exp(-t / decay)


def _place(out: Array, sound: Array, starts: Array) -> None:
    for start in starts.astype(int):
        end = min(len(out), start + len(sound))
        if start < len(out):
            out[start:end] += sound[: end - start]


@functools.lru_cache(maxsize=32)
def track(intensity: int, seconds: float = 40.0, rate: int = RATE, seed: int = 0) -> Array:
    """A stereo track (frames x 2, float) at ``intensity`` 0..LEVELS-1 (cached: treat
    the array as read-only)."""
    rng = np.random.default_rng(seed * 101 + intensity)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    beat = 60.0 / BPM
    beats = np.arange(0.0, seconds, beat) * rate
    # A pad: a slow-moving minor chord, present in every track (quieter as drums come in).
    pad = sum(np.sin(2 * np.pi * f * t + p) for f, p in ((220.0, 0.0), (261.6, 1.0), (329.6, 2.0)))
    pad *= 0.5 + 0.5 * np.sin(2 * np.pi * 0.05 * t) ** 2
    mix = pad * (0.05 if intensity == 0 else 0.04)
    drums = np.zeros(n)
    if intensity >= 1:
        kn = int(0.35 * rate)
        kt = np.arange(kn) / rate
        kick = np.sin(2 * np.pi * (50.0 * kt + 60.0 * (1 - np.exp(-kt * 30)) / 30)) * _env(kn, 0.002, 0.12, rate)
        _place(drums, kick * (0.3 if intensity == 1 else 0.8), beats)
    if intensity >= 2:
        hn = int(0.05 * rate)
        hat = rng.standard_normal(hn) * _env(hn, 0.001, 0.012, rate)
        hat = np.diff(hat, prepend=0.0)  # brighter: a first difference is a high pass
        _place(drums, hat * 0.25, beats + beat * rate / 2)
    if intensity >= 3:
        bass_notes = np.where((np.arange(len(beats)) % 4) < 2, 55.0, 65.4)
        bn = int(beat * rate / 2)
        for start, f in zip(beats + beat * rate / 2, bass_notes, strict=True):
            bt = np.arange(bn) / rate
            note = np.sign(np.sin(2 * np.pi * f * bt)) * _env(bn, 0.005, 0.15, rate)
            _place(drums, note * 0.2, np.array([start]))
    if intensity >= 4:
        cn = int(0.2 * rate)
        clap = rng.standard_normal(cn) * _env(cn, 0.002, 0.05, rate)
        _place(drums, clap * 0.4, beats[1::2])
    if intensity >= 5:
        hn = int(0.04 * rate)
        hat16 = np.diff(rng.standard_normal(hn) * _env(hn, 0.001, 0.01, rate), prepend=0.0)
        _place(drums, hat16 * 0.2, np.arange(0.0, seconds, beat / 4) * rate)
    if intensity >= 6:
        drums += rng.standard_normal(n) * 0.04 * (0.5 + 0.5 * np.sin(2 * np.pi * t / (beat * 16)) ** 2)
        _place(drums, np.diff(rng.standard_normal(int(0.03 * rate)), prepend=0.0) * 0.15,
               np.arange(beat / 8, seconds, beat / 4) * rate)
    mix = mix + drums
    if intensity >= 7:
        mix = np.tanh(mix * 4.0) * 0.9 + rng.standard_normal(n) * 0.05
    # Louder with every layer, as arrangements are mastered: a pad sits far below a
    # peak-time track. Then limited to full scale like a master.
    target = (-26.0, -21.0, -17.0, -14.0, -12.0, -10.0, -8.5, -7.0)[min(intensity, LEVELS - 1)]
    mono = _to_lufs(mix, rate, target)
    left = mono
    right = np.roll(mono, 17)  # slightly decorrelated, like a real stereo mix
    return np.stack([left, right], axis=1)


def _to_lufs(mono: Array, rate: int, target: float) -> Array:
    from taggenius_desktop.audio import loudness

    stereo = np.stack([mono, mono], axis=1).astype(np.float32)
    measured, _ = loudness.measure([stereo], rate)
    return np.clip(mono * 10.0 ** ((target - measured) / 20.0), -1.0, 1.0)


def normalise_loudness(audio: Array, rate: int, target_lufs: float = -16.0) -> Array:
    """``audio`` scaled to ``target_lufs`` (then limited to full scale, as a master would)."""
    from taggenius_desktop.audio import loudness

    measured, _ = loudness.measure([audio.astype(np.float32)], rate)
    scaled = audio * 10.0 ** ((target_lufs - measured) / 20.0)
    return np.clip(scaled, -1.0, 1.0)


def write(path: Path, audio: Array, rate: int = RATE, subtype: str | None = None) -> Path:
    import soundfile

    fmt, default_subtype = FORMATS[path.suffix.lower()]
    channels = 1 if audio.ndim == 1 else audio.shape[1]
    # In one-second blocks: libsndfile 1.2.2's Vorbis encoder crashes (SIGSEGV) when
    # handed about a minute of audio in one call.
    with soundfile.SoundFile(str(path), "w", rate, channels, format=fmt, subtype=subtype or default_subtype) as handle:
        for start in range(0, len(audio), rate):
            handle.write(audio[start : start + rate])
    return path


def ladder(folder: Path, ext: str = ".wav", seconds: float = 40.0, normalised: bool = False) -> list[Path]:
    """Write one track per intensity into ``folder``; returns the paths in intensity order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for level in range(LEVELS):
        audio = track(level, seconds)
        if normalised:
            audio = normalise_loudness(audio, RATE)
        paths.append(write(folder / f"level{level}{'_norm' if normalised else ''}{ext}", audio))
    return paths


def location(path: Path | str) -> str:
    """``path`` as rekordbox writes it in ``Location``."""
    from urllib.parse import quote

    return "file://localhost" + quote(Path(path).as_posix())


def library_for(xml_path: Path, locations: list[str], genre: str = "Techno", bpm: str = "126.00",
                comments: list[str] | None = None) -> Path:
    """A rekordbox library whose tracks (TrackID 1..N) point at ``locations``: one genre
    and one tempo, so only the audio can tell the tracks apart."""
    from tests.support.libraries import track_xml, write_library

    items = []
    for number, where in enumerate(locations, start=1):
        text = track_xml(number, genre, bpm, comments=(comments or [""] * len(locations))[number - 1])
        items.append(text.replace(f"file://localhost/Music/track%20{number}.mp3", where))
    return write_library(xml_path, tracks=items)


#: the music folder of the other computer :func:`music_moved` exports from
OLD_MUSIC = "/Users/dj/Old Music"


def music_moved(tmp_path: Path) -> tuple[list[str], Path]:
    """A library exported on another computer: three ``Location`` values under
    :data:`OLD_MUSIC`/House, two of whose files are here, in the returned folder (the
    music folder on this computer); the third is missing."""
    here = tmp_path / "USB" / "Music"
    (here / "House").mkdir(parents=True)
    for name in ("a.mp3", "b.flac"):
        (here / "House" / name).write_bytes(b"x")
    return [location(f"{OLD_MUSIC}/House/{name}") for name in ("a.mp3", "b.flac", "gone.mp3")], here
