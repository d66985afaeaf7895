"""The raw features of one excerpt: what the energy model reads, what is cached and shown.

Every feature except loudness (and crest factor, which clipping changes) is independent
of playback gain, so the arrangement still separates tracks mastered to one loudness.
All spectral measures come from one short-time Fourier transform of the mono mix, pooled
into log-spaced bands (a 64-band spectrogram is enough for onsets and the harmonic /
percussive split, and the median filters on it cost milliseconds).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any, Mapping

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from . import loudness
from .decode import Excerpt

FRAME_S = 0.046  # about 2048 samples at 44.1 kHz
BANDS = 64
LOW_BAND_HZ = (20.0, 150.0)
HIGH_BAND_HZ = 4000.0
HPSS_TIME_S = 0.4  # harmonic: steady over this long
HPSS_BANDS = 9  # percussive: spread over this many bands
ONSET_WAIT_S = 0.05  # two onsets closer than this are one
ONSET_CONTEXT_S = 0.5
#: Spectral flux of log band energies is measured on this compressed scale.
LOG_COMPRESSION = 100.0

FloatArray = npt.NDArray[Any]  # float32 or float64: the spectra stay float32 for speed


@dataclass(frozen=True)
class AudioFeatures:
    loudness_lufs: float  # integrated, BS.1770 gated
    loudness_range_lu: float  # EBU Tech 3342 style, on the excerpt
    crest_db: float  # peak over RMS of the mono mix
    onset_rate: float  # onsets per second (spectral-flux peaks)
    spectral_flux: float  # mean positive change of compressed log band energies
    low_share: float  # 20-150 Hz energy over total
    high_share: float  # > 4 kHz energy over total
    percussive_share: float  # energy in the percussive part of a median-filter split
    flatness: float  # median spectral flatness (1 = noise, 0 = pure tones)
    centroid_hz: float
    seconds: float  # audio measured
    duration_s: float  # whole file
    sample_rate: int
    channels: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "AudioFeatures":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def compute(excerpt: Excerpt) -> AudioFeatures:
    rate = excerpt.sample_rate
    integrated, lra = loudness.measure(excerpt.windows, rate)
    mono_windows = [_mono(w) for w in excerpt.windows]
    peak = max(float(np.max(np.abs(w))) for w in mono_windows)
    mean_square = sum(float(np.dot(w, w)) for w in mono_windows) / max(1, sum(len(w) for w in mono_windows))
    crest = 20.0 * math.log10(peak / math.sqrt(mean_square)) if mean_square > 1e-20 and peak > 0 else 0.0

    # The spectral features need nothing above ~11 kHz: halve the rate (pair averages are
    # a crude but sufficient low pass) so the transform costs half as much.
    factor = max(1, rate // 22050)
    rate_s = rate // factor
    n_fft = 1 << max(8, int(round(math.log2(FRAME_S * rate_s))))
    hop = n_fft // 2
    freqs = np.fft.rfftfreq(n_fft, 1.0 / rate_s)
    edges = _band_edges(freqs, rate_s)
    spectra: list[FloatArray] = []
    bands: list[FloatArray] = []
    flat: list[FloatArray] = []
    for mono in mono_windows:
        power = _power_spectrogram(_decimate(mono, factor), n_fft, hop)
        if not len(power):
            continue
        spectra.append(power.sum(axis=0))
        bands.append(np.add.reduceat(power, edges[:-1], axis=1))
        flat.append(_flatness(power))
    if not bands:
        return AudioFeatures(integrated, lra, crest, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                             excerpt.seconds, excerpt.duration_s, rate, excerpt.channels)
    spectrum = np.sum(spectra, axis=0)
    total = float(spectrum[freqs >= LOW_BAND_HZ[0]].sum()) or 1e-20
    low = float(spectrum[(freqs >= LOW_BAND_HZ[0]) & (freqs < LOW_BAND_HZ[1])].sum()) / total
    high = float(spectrum[freqs >= HIGH_BAND_HZ].sum()) / total
    centroid = float((spectrum * freqs).sum() / (spectrum.sum() or 1e-20))

    frames_per_s = rate_s / hop
    reference = float(np.mean([b.mean() for b in bands])) or 1e-20
    flux_total, onsets, frames = 0.0, 0, 0
    perc_energy, all_energy = 0.0, 0.0
    for band in bands:
        compressed = np.log1p(LOG_COMPRESSION * band / reference)
        flux = np.maximum(0.0, np.diff(compressed, axis=0)).mean(axis=1)
        flux_total += float(flux.sum())
        frames += len(flux)
        onsets += _count_onsets(flux, frames_per_s)
        p, e = _percussive_energy(band, frames_per_s)
        perc_energy += p
        all_energy += e
    seconds = excerpt.seconds
    return AudioFeatures(
        loudness_lufs=round(integrated, 3),
        loudness_range_lu=round(lra, 3),
        crest_db=round(crest, 3),
        onset_rate=round(onsets / seconds, 4) if seconds else 0.0,
        spectral_flux=round(flux_total / frames, 5) if frames else 0.0,
        low_share=round(low, 5),
        high_share=round(high, 5),
        percussive_share=round(perc_energy / all_energy, 5) if all_energy > 0 else 0.0,
        flatness=round(float(np.median(np.concatenate(flat))), 5),
        centroid_hz=round(centroid, 1),
        seconds=round(seconds, 3),
        duration_s=round(excerpt.duration_s, 3),
        sample_rate=rate,
        channels=excerpt.channels,
    )


def _mono(window: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    if window.shape[1] == 1:
        return np.ascontiguousarray(window[:, 0])
    if window.shape[1] == 2:
        result: npt.NDArray[np.float32] = (window[:, 0] + window[:, 1]) * np.float32(0.5)
        return result
    mixed: npt.NDArray[np.float32] = window.mean(axis=1, dtype=np.float32)
    return mixed


def _decimate(mono: npt.NDArray[np.float32], factor: int) -> npt.NDArray[np.float32]:
    if factor == 1:
        return mono
    usable = len(mono) - len(mono) % factor
    result: npt.NDArray[np.float32] = mono[:usable].reshape(-1, factor).mean(axis=1, dtype=np.float32)
    return result


def _band_edges(freqs: FloatArray, rate: int) -> npt.NDArray[np.intp]:
    """Bin indices where each log-spaced band starts (30 Hz to 16 kHz or Nyquist)."""
    top = min(16000.0, rate / 2.0)
    targets = np.geomspace(30.0, top, BANDS + 1)
    edges = np.unique(np.searchsorted(freqs, targets))
    edges = edges[edges < len(freqs)]
    return edges.astype(np.intp)


def _power_spectrogram(mono: FloatArray, n_fft: int, hop: int) -> FloatArray:
    if len(mono) < n_fft:
        return np.zeros((0, n_fft // 2 + 1))
    count = 1 + (len(mono) - n_fft) // hop
    frames = np.lib.stride_tricks.as_strided(
        mono, shape=(count, n_fft), strides=(mono.strides[0] * hop, mono.strides[0]), writeable=False
    )
    window = np.hanning(n_fft).astype(np.float32)
    spectrum = np.fft.rfft(frames.astype(np.float32) * window, axis=1)
    power: FloatArray = spectrum.real**2 + spectrum.imag**2
    return power


def _flatness(power: FloatArray) -> FloatArray:
    floor = 1e-12
    logs = np.log(power + floor)
    result: FloatArray = np.exp(logs.mean(axis=1)) / (power.mean(axis=1) + floor)
    return result


def _count_onsets(flux: FloatArray, frames_per_s: float) -> int:
    """Peaks of the flux curve above its local mean by a margin and above a floor."""
    if len(flux) < 3:
        return 0
    context = max(3, int(ONSET_CONTEXT_S * frames_per_s) | 1)
    local = ndimage.uniform_filter1d(flux, context, mode="nearest")
    spread = float(np.std(flux))
    # The floor keeps the tiny fluctuations of sustained sound from counting: a change
    # smaller than this in compressed log energy is not heard as an attack.
    threshold = np.maximum(local + 0.5 * spread, 0.05)
    wait = max(1, int(ONSET_WAIT_S * frames_per_s))
    peaks = (flux >= ndimage.maximum_filter1d(flux, 2 * wait + 1, mode="nearest")) & (flux > threshold)
    return int(np.count_nonzero(peaks))


def _percussive_energy(band: FloatArray, frames_per_s: float) -> tuple[float, float]:
    time_size = max(3, int(HPSS_TIME_S * frames_per_s) | 1)
    harmonic = ndimage.median_filter(band, size=(time_size, 1), mode="nearest")
    percussive = ndimage.median_filter(band, size=(1, HPSS_BANDS), mode="nearest")
    mask = percussive**2 / (harmonic**2 + percussive**2 + 1e-30)
    return float((mask * band).sum()), float(band.sum())
