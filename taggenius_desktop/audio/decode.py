"""Reading a bounded excerpt of an audio file.

Why excerpts: a DJ library holds thousands of 5-10 minute tracks (and some 2-hour mixes);
three 30-second windows around 25/50/75% of the track tell its intensity without decoding
the rest, and seeking keeps the cost the same for a 2-hour file as for a 4-minute one.

Decoding is libsndfile through ``soundfile`` (WAV, AIFF, FLAC, MP3, OGG/Vorbis, Opus).
AAC/ALAC ``.m4a`` is not readable by libsndfile; where the operating system ships a
converter (``afconvert`` on macOS) it is converted to a temporary WAV first, otherwise
the track counts as "format not supported" (see docs/audio.md for the choice).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .reasons import AudioError, Reason

#: Extensions libsndfile reads (lower case, with the dot).
SOUNDFILE_EXTENSIONS = frozenset({".wav", ".wave", ".aif", ".aiff", ".aifc", ".flac", ".mp3", ".ogg", ".oga", ".opus"})
#: Extensions only an operating-system converter reads.
CONVERTER_EXTENSIONS = frozenset({".m4a", ".mp4", ".aac", ".alac"})

WINDOW_S = 30.0
WINDOW_CENTRES = (0.25, 0.50, 0.75)
#: Tracks shorter than this are read whole (the three windows would overlap).
READ_WHOLE_BELOW_S = len(WINDOW_CENTRES) * WINDOW_S + 10.0
#: Less audio than this says nothing about a track's intensity.
MIN_SECONDS = 2.0
CONVERT_TIMEOUT_S = 300.0

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Excerpt:
    """The decoded windows of one file: each ``(frames, channels)`` float32 in [-1, 1]."""

    windows: tuple[FloatArray, ...]
    sample_rate: int
    channels: int
    duration_s: float

    @property
    def seconds(self) -> float:
        return sum(len(w) for w in self.windows) / float(self.sample_rate)


def converter() -> str | None:
    """The OS converter for ``.m4a`` (macOS ``afconvert``), or None where there is none."""
    return shutil.which("afconvert")


def can_decode(path: str) -> bool:
    suffix = Path(path).suffix.lower()
    return suffix in SOUNDFILE_EXTENSIONS or (suffix in CONVERTER_EXTENSIONS and converter() is not None)


def read_excerpt(path: str) -> Excerpt:
    """Decode the excerpt windows of ``path``; raises :class:`AudioError` with the reason."""
    suffix = Path(path).suffix.lower()
    if not os.path.isfile(path):
        raise AudioError(Reason.MISSING, "file not found")
    if os.path.getsize(path) == 0:
        raise AudioError(Reason.EMPTY, "the file is empty")
    if suffix in SOUNDFILE_EXTENSIONS:
        return _read_soundfile(path)
    if suffix in CONVERTER_EXTENSIONS:
        tool = converter()
        if tool is not None:
            return _read_converted(tool, path)
    raise AudioError(Reason.UNSUPPORTED, f"{suffix or 'no extension'}: format not supported")


def _read_soundfile(path: str) -> Excerpt:
    import soundfile

    try:
        with soundfile.SoundFile(path) as handle:
            rate = int(handle.samplerate)
            channels = int(handle.channels)
            frames = int(handle.frames)
            if frames <= 0 or rate <= 0:
                raise AudioError(Reason.EMPTY, "no audio frames")
            duration = frames / rate
            window = int(WINDOW_S * rate)
            if duration < READ_WHOLE_BELOW_S:
                windows = [handle.read(frames, dtype="float32", always_2d=True)]
            else:
                windows = []
                for centre in WINDOW_CENTRES:
                    start = max(0, min(frames - window, int(centre * frames) - window // 2))
                    handle.seek(start)
                    windows.append(handle.read(window, dtype="float32", always_2d=True))
    except AudioError:
        raise
    except (RuntimeError, OSError, ValueError) as error:  # LibsndfileError is a RuntimeError
        raise AudioError(Reason.UNREADABLE, _first_line(error)) from None
    windows = [w for w in windows if len(w)]
    excerpt = Excerpt(tuple(windows), rate, channels, duration)
    if excerpt.seconds < MIN_SECONDS:
        raise AudioError(Reason.TOO_SHORT, f"only {excerpt.seconds:.1f} s of audio")
    for block in windows:
        if not np.isfinite(block).all():
            raise AudioError(Reason.UNREADABLE, "the decoder returned invalid samples")
    return excerpt


def _read_converted(tool: str, path: str) -> Excerpt:
    with tempfile.TemporaryDirectory(prefix="taggenius-audio-") as folder:
        target = os.path.join(folder, "converted.wav")
        try:
            done = subprocess.run(
                [tool, "-f", "WAVE", "-d", "LEI16", path, target],
                capture_output=True,
                timeout=CONVERT_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise AudioError(Reason.UNREADABLE, f"conversion failed: {_first_line(error)}") from None
        if done.returncode != 0 or not os.path.isfile(target):
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise AudioError(Reason.UNREADABLE, f"conversion failed: {message[0] if message else done.returncode}")
        return _read_soundfile(target)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
