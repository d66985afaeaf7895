"""The raw features of one excerpt: what the energy model reads, what is cached and shown.

Every feature except loudness (and crest factor, which clipping changes) is independent
of playback gain, so the arrangement still separates tracks mastered to one loudness.
Everything comes from one short-time Fourier transform of the mid (mono) signal at about
22 kHz, plus one of the side signal for loudness: a sine window at 50% overlap makes the
frame powers add up to the signal's energy (Parseval), so BS.1770 loudness is the
K-filter's response applied to the spectra, with no second pass over the samples. The
spectra are pooled into 64 log-spaced bands for onsets and the harmonic / percussive
split, whose median filters then cost milliseconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import ndimage, signal

from . import loudness
from .measures import AudioFeatures as AudioFeatures  # computed here, defined without numpy
from .decode import Excerpt

FRAME_S = 0.046  # about 1024 samples at 22 kHz
BANDS = 64
LOW_BAND_HZ = (20.0, 150.0)
HIGH_BAND_HZ = 4000.0
HPSS_TIME_S = 0.4  # harmonic: steady over this long
HPSS_BANDS = 9  # percussive: spread over this many bands
HPSS_POOL = 4  # frames summed before the split
ONSET_WAIT_S = 0.05  # two onsets closer than this are one
ONSET_CONTEXT_S = 0.5
#: A flux peak below this (mean rise of compressed log band energy) is not an attack:
#: the slow beating of a held chord reaches about 0.07.
ONSET_FLOOR = 0.1
#: Spectral flux of log band energies is measured on this compressed scale.
LOG_COMPRESSION = 100.0
#: Flatness is a median over frames: every fourth frame estimates it as well.
FLATNESS_STRIDE = 4

FloatArray = npt.NDArray[Any]  # float32 or float64: the spectra stay float32 for speed


@dataclass(frozen=True)
class _Grid:
    """The analysis grid shared by every window of one file."""

    factor: int  # decimation factor to the working rate
    rate: int  # working rate
    n_fft: int
    hop: int
    freqs: FloatArray
    edges: npt.NDArray[np.intp]
    window: npt.NDArray[np.float32]
    k_weight: FloatArray  # |K filter|^2 over the bins, Parseval factors included
    k_high: float  # |K filter|^2 above the working band (the shelf is flat there)

    @classmethod
    def for_rate(cls, rate: int) -> "_Grid":
        # Nothing but loudness needs more than ~11 kHz: the spectra are taken at about
        # 22 kHz (group averages), and the energy the averages drop (the residual, all
        # above the working band but for a sliver) is added to loudness with the
        # K-filter's high-frequency gain.
        factor = max(1, rate // 22050)
        work = rate // factor
        n_fft = 1 << max(8, int(round(math.log2(FRAME_S * work))))
        hop = n_fft // 2
        freqs = np.fft.rfftfreq(n_fft, 1.0 / work)
        edges = _band_edges(freqs, work)
        window = np.sin(np.pi * (np.arange(n_fft) + 0.5) / n_fft).astype(np.float32)
        sos = loudness.k_weighting(rate)
        _, response = signal.sosfreqz(sos, worN=freqs, fs=rate)
        _, high = signal.sosfreqz(sos, worN=[0.75 * rate / 2], fs=rate)
        parseval = np.full(len(freqs), 2.0)
        parseval[0] = parseval[-1] = 1.0
        # sum(|X|^2 * k_weight) over a frame is the K-weighted mean square of one hop of
        # samples: the sine window's squares at 50% overlap sum to one.
        k_weight = (np.abs(response) ** 2 * parseval / (n_fft * hop)).astype(np.float32)
        return cls(factor, work, n_fft, hop, freqs, edges, window, k_weight, float(np.abs(high[0]) ** 2))


def compute(excerpt: Excerpt) -> AudioFeatures:
    grid = _Grid.for_rate(excerpt.sample_rate)
    peak, square_sum, samples = 0.0, 0.0, 0
    spectra: list[FloatArray] = []
    bands: list[FloatArray] = []
    flat: list[FloatArray] = []
    loudness_frames: list[FloatArray] = []
    for block in excerpt.windows:
        mid = _mid(block)
        peak = max(peak, float(np.max(np.abs(mid))))
        square_sum += float(np.dot(mid, mid))
        samples += len(mid)
        low, residual = _split(mid, grid.factor)
        power = _power_spectrogram(low, grid)
        if not len(power):
            continue
        # Channel-summed power is 2 (|M|^2 + |S|^2) with M, S = (L +- R) / 2; a mono
        # file counts as two identical channels (as it plays on a DJ's two speakers).
        weighted = _weigh(power, grid.k_weight) + grid.k_high * _hop_means(residual, grid, len(power))
        if block.shape[1] >= 2:
            side_low, side_residual = _split((block[:, 0] - block[:, 1]) * np.float32(0.5), grid.factor)
            # The side only feeds loudness: frames without overlap (half the transforms)
            # are as good for 400 ms blocks; each counts for the two hops it spans.
            side = _weigh(_power_spectrogram(side_low, grid, hop=grid.n_fft), grid.k_weight)
            side_hops = np.repeat(side, 2)[: len(power)]
            if len(side_hops) < len(power):
                side_hops = np.concatenate((side_hops, np.full(len(power) - len(side_hops), side_hops[-1] if len(side_hops) else 0.0)))
            weighted = weighted + side_hops + grid.k_high * _hop_means(side_residual, grid, len(power))
        loudness_frames.append(2.0 * weighted)
        spectra.append(power.sum(axis=0))
        bands.append(np.add.reduceat(power, grid.edges[:-1], axis=1))
        flat.append(_flatness(power[::FLATNESS_STRIDE]))
    crest = 20.0 * math.log10(peak / math.sqrt(square_sum / samples)) if square_sum > 1e-20 and peak > 0 else 0.0
    frames_per_s = grid.rate / grid.hop
    integrated, lra = loudness.measure_frames(loudness_frames, frames_per_s)
    seconds = excerpt.seconds
    if not bands:
        return AudioFeatures(round(integrated, 3), round(lra, 3), round(crest, 3), 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                             round(seconds, 3), round(excerpt.duration_s, 3), excerpt.sample_rate, excerpt.channels)
    freqs = grid.freqs
    spectrum = np.sum(spectra, axis=0)
    total = float(spectrum[freqs >= LOW_BAND_HZ[0]].sum()) or 1e-20
    low_share = float(spectrum[(freqs >= LOW_BAND_HZ[0]) & (freqs < LOW_BAND_HZ[1])].sum()) / total
    high_share = float(spectrum[freqs >= HIGH_BAND_HZ].sum()) / total
    centroid = float((spectrum * freqs).sum() / (spectrum.sum() or 1e-20))

    reference = float(sum(float(b.sum()) for b in bands) / sum(b.size for b in bands)) or 1e-20
    flux_total, onsets, frames = 0.0, 0, 0
    perc_energy, all_energy = 0.0, 0.0
    for band in bands:
        compressed = np.log1p(np.float32(LOG_COMPRESSION / reference) * band)
        flux = np.maximum(np.float32(0.0), np.diff(compressed, axis=0)).sum(axis=1) / compressed.shape[1]
        flux_total += float(flux.sum())
        frames += len(flux)
        onsets += _count_onsets(flux, frames_per_s)
        p, e = _percussive_energy(band, frames_per_s)
        perc_energy += p
        all_energy += e
    return AudioFeatures(
        loudness_lufs=round(integrated, 3),
        loudness_range_lu=round(lra, 3),
        crest_db=round(crest, 3),
        onset_rate=round(onsets / seconds, 4) if seconds else 0.0,
        spectral_flux=round(flux_total / frames, 5) if frames else 0.0,
        low_share=round(low_share, 5),
        high_share=round(high_share, 5),
        percussive_share=round(perc_energy / all_energy, 5) if all_energy > 0 else 0.0,
        flatness=round(float(np.median(np.concatenate(flat))), 5),
        centroid_hz=round(centroid, 1),
        seconds=round(seconds, 3),
        duration_s=round(excerpt.duration_s, 3),
        sample_rate=excerpt.sample_rate,
        channels=excerpt.channels,
    )


def _split(signal_: npt.NDArray[np.float32], factor: int) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Group averages (the working-rate signal) and, per group, the energy they drop:
    sum(x^2) - factor * mean^2, so that both together hold all of the signal's energy."""
    if factor == 1:
        return signal_, np.zeros(len(signal_), dtype=np.float32)
    usable = len(signal_) - len(signal_) % factor
    if factor == 2:
        first, second = signal_[0:usable:2], signal_[1:usable:2]
        difference = first - second
        return (first + second) * np.float32(0.5), difference * difference * np.float32(0.5)
    groups = signal_[:usable].reshape(-1, factor)
    means: npt.NDArray[np.float32] = groups.mean(axis=1, dtype=np.float32)
    residual: npt.NDArray[np.float32] = np.einsum("ij,ij->i", groups, groups) - factor * means * means
    return means, np.maximum(residual, np.float32(0.0))


def _weigh(power: FloatArray, weights: FloatArray) -> FloatArray:
    # einsum, not a BLAS matrix product: BLAS threads would compete with the other
    # analysis processes for the same cores.
    result: FloatArray = np.einsum("ij,j->i", power, weights)
    return result


def _hop_means(residual: npt.NDArray[np.float32], grid: _Grid, frames: int) -> FloatArray:
    """The residual energy per original sample over each frame's central hop."""
    cumulative = np.concatenate(([0.0], np.cumsum(residual, dtype=np.float64)))
    starts = np.minimum(np.arange(frames) * grid.hop + grid.hop // 2, len(residual))
    ends = np.minimum(starts + grid.hop, len(residual))
    result: FloatArray = (cumulative[ends] - cumulative[starts]) / (grid.hop * grid.factor)
    return result


def _mid(window: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    if window.shape[1] == 1:
        return np.ascontiguousarray(window[:, 0])
    if window.shape[1] == 2:
        result: npt.NDArray[np.float32] = (window[:, 0] + window[:, 1]) * np.float32(0.5)
        return result
    mixed: npt.NDArray[np.float32] = window.mean(axis=1, dtype=np.float32)
    return mixed


def _band_edges(freqs: FloatArray, rate: int) -> npt.NDArray[np.intp]:
    """Bin indices where each log-spaced band starts (30 Hz to 16 kHz or Nyquist)."""
    top = min(16000.0, rate / 2.0)
    targets = np.geomspace(30.0, top, BANDS + 1)
    edges = np.unique(np.searchsorted(freqs, targets))
    edges = edges[edges < len(freqs)]
    return edges.astype(np.intp)


def _power_spectrogram(mono: npt.NDArray[np.float32], grid: _Grid, hop: int | None = None) -> FloatArray:
    n_fft, hop = grid.n_fft, hop or grid.hop
    if len(mono) < n_fft:
        return np.zeros((0, n_fft // 2 + 1), dtype=np.float32)
    count = 1 + (len(mono) - n_fft) // hop
    frames = np.lib.stride_tricks.as_strided(
        mono, shape=(count, n_fft), strides=(mono.strides[0] * hop, mono.strides[0]), writeable=False
    )
    spectrum = np.fft.rfft(frames * grid.window, axis=1)
    power: FloatArray = np.square(spectrum.real) + np.square(spectrum.imag)
    return power


def _flatness(power: FloatArray) -> FloatArray:
    floor = np.float32(1e-12)
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
    threshold = np.maximum(local + 0.5 * spread, ONSET_FLOOR)
    wait = max(1, int(ONSET_WAIT_S * frames_per_s))
    peaks = (flux >= ndimage.maximum_filter1d(flux, 2 * wait + 1, mode="nearest")) & (flux > threshold)
    return int(np.count_nonzero(peaks))


def _percussive_energy(band: FloatArray, frames_per_s: float) -> tuple[float, float]:
    # On groups of four frames (about 90 ms): a drum hit still stands out against a pad
    # held for 0.4 s, and the median filters cost a sixteenth.
    usable = len(band) // HPSS_POOL * HPSS_POOL
    pairs = band[:usable].reshape(-1, HPSS_POOL, band.shape[1]).sum(axis=1)
    if not len(pairs):
        return 0.0, float(band.sum())
    time_size = max(3, int(HPSS_TIME_S * frames_per_s / HPSS_POOL) | 1)
    harmonic = ndimage.median_filter(pairs, size=(time_size, 1), mode="nearest")
    percussive = ndimage.median_filter(pairs, size=(1, HPSS_BANDS), mode="nearest")
    mask = percussive**2 / (harmonic**2 + percussive**2 + 1e-30)
    return float((mask * pairs).sum()), float(pairs.sum())
