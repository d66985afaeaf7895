"""The self-test's audio check: encode a calm and an intense track as MP3 and FLAC,
decode and analyse them in an analysis process (as a job does), and check that the
intense one measures higher. In the frozen app this proves libsndfile (with its MP3
codecs), numpy and scipy were bundled and that analysis processes start."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

RATE = 44100
SECONDS = 8.0


def _track(intense: bool) -> npt.NDArray[np.float64]:
    rng = np.random.default_rng(13)
    t = np.arange(int(SECONDS * RATE)) / RATE
    pad = 0.03 * np.sin(2 * np.pi * 220.0 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.2 * t))
    if not intense:
        return np.stack([pad, pad], axis=1)
    beat = (t * 2.1) % 1.0  # a kick and a noise burst about twice a second
    hits = np.exp(-beat * 25.0)
    kick = np.sin(2 * np.pi * 55.0 * t) * hits
    noise = rng.standard_normal(len(t)) * np.exp(-((t * 8.4) % 1.0) * 40.0)
    mix = np.tanh(3.0 * (kick + 0.5 * noise + pad)) * 0.9
    return np.stack([mix, mix], axis=1)


def check_audio() -> str:
    import soundfile

    from .analyse import OK
    from .energy import audio_energy
    from .measures import AudioFeatures
    from .pool import analyse_many

    with tempfile.TemporaryDirectory(prefix="taggenius-audio-check-") as folder:
        paths: list[str] = []
        for name, fmt, subtype in (("mp3", "MP3", "MPEG_LAYER_III"), ("flac", "FLAC", "PCM_16")):
            for intense in (False, True):
                path = Path(folder) / f"{'intense' if intense else 'calm'}.{name}"
                audio = _track(intense)
                # In blocks: libsndfile's Vorbis encoder is known to crash on long single
                # writes; the other encoders do not care.
                with soundfile.SoundFile(str(path), "w", RATE, 2, format=fmt, subtype=subtype) as handle:
                    for start in range(0, len(audio), RATE):
                        handle.write(audio[start : start + RATE])
                paths.append(str(path))
        outcomes: dict[int, tuple[str, object]] = {}
        analyse_many(paths, lambda index, outcome: outcomes.__setitem__(index, outcome), workers=1)
    energies = []
    for index, name in enumerate(paths):
        status, data = outcomes.get(index, ("missing", "no answer"))
        if status != OK or not isinstance(data, dict):
            raise RuntimeError(f"{Path(name).name}: {status}: {data}")
        energies.append(audio_energy(AudioFeatures.from_dict(data)))
    calm_mp3, intense_mp3, calm_flac, intense_flac = energies
    if not (intense_mp3 > calm_mp3 + 2 and intense_flac > calm_flac + 2):
        raise RuntimeError(f"energy does not separate calm from intense: {[round(e, 1) for e in energies]}")
    return (
        f"MP3 and FLAC decoded in an analysis process (libsndfile {soundfile.__libsndfile_version__}); "
        f"energy calm {calm_mp3:.1f}/{calm_flac:.1f}, intense {intense_mp3:.1f}/{intense_flac:.1f}"
    )
