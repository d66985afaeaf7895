"""Loudness after ITU-R BS.1770-4 (integrated, gated) and a loudness range after EBU
Tech 3342, on the excerpt windows of a file.

Written out here (about sixty lines of numpy/scipy) rather than imported: the only extra
work over ``pyloudnorm`` is the filter design, and the block sums below reuse one
cumulative sum for both measures. ``tests/test_audio_features.py`` checks it against
pyloudnorm.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import numpy.typing as npt
from scipy import signal

ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
LRA_RELATIVE_GATE_LU = -20.0
BLOCK_S, BLOCK_STEP_S = 0.4, 0.1
SHORT_TERM_S, SHORT_TERM_STEP_S = 3.0, 1.0
#: Floor reported for silence (no block passes the absolute gate).
SILENCE_LUFS = -70.0

FloatArray = npt.NDArray[np.float64]


def k_weighting(rate: int) -> FloatArray:
    """The two K-weighting biquads (high shelf, then high pass) for ``rate``, as SOS."""
    # Coefficients from the BS.1770 filter specification, redesigned for any sample rate
    # (the standard lists them for 48 kHz only).
    gain_db, q_shelf, f_shelf = 3.999843853973347, 0.7071752369554196, 1681.974450955533
    q_hp, f_hp = 0.5003270373238773, 38.13547087602444
    a = 10.0 ** (gain_db / 40.0)
    w0 = 2.0 * math.pi * f_shelf / rate
    alpha = math.sin(w0) / (2.0 * q_shelf)
    cos0, root = math.cos(w0), 2.0 * math.sqrt(a) * alpha
    shelf_b = [a * ((a + 1) + (a - 1) * cos0 + root), -2 * a * ((a - 1) + (a + 1) * cos0), a * ((a + 1) + (a - 1) * cos0 - root)]
    shelf_a = [(a + 1) - (a - 1) * cos0 + root, 2 * ((a - 1) - (a + 1) * cos0), (a + 1) - (a - 1) * cos0 - root]
    w0 = 2.0 * math.pi * f_hp / rate
    alpha = math.sin(w0) / (2.0 * q_hp)
    cos0 = math.cos(w0)
    hp_b = [(1 + cos0) / 2, -(1 + cos0), (1 + cos0) / 2]
    hp_a = [1 + alpha, -2 * cos0, 1 - alpha]
    sos = np.array([[*(b / shelf_a[0] for b in shelf_b), *(x / shelf_a[0] for x in shelf_a)],
                    [*(b / hp_a[0] for b in hp_b), *(x / hp_a[0] for x in hp_a)]])
    return sos


def _window_powers(cumulative: FloatArray, rate: float, length_s: float, step_s: float) -> FloatArray:
    """Mean square of each window, from the cumulative sum of the channel-summed power."""
    length, step = int(round(length_s * rate)), int(round(step_s * rate))
    frames = len(cumulative) - 1
    if frames < length:
        return np.zeros(0)
    starts = np.arange(0, frames - length + 1, step)
    result: FloatArray = (cumulative[starts + length] - cumulative[starts]) / length
    return result


def _to_lufs(power: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore"):
        result: FloatArray = -0.691 + 10.0 * np.log10(np.maximum(power, 1e-20))
    return result


def measure(windows: Sequence[npt.NDArray[np.float32]], rate: int) -> tuple[float, float]:
    """(integrated loudness in LUFS, loudness range in LU) over all windows' blocks.

    A mono file counts as two identical channels: played on a DJ's two speakers it sounds
    as loud as the same mix in stereo, and energy must not drop because a file is mono.
    """
    sos = k_weighting(rate)
    blocks: list[FloatArray] = []
    short_terms: list[FloatArray] = []
    for window in windows:
        weighted = signal.sosfilt(sos, window, axis=0)
        power = np.einsum("ij,ij->i", weighted, weighted) if weighted.shape[1] > 1 else 2.0 * weighted[:, 0] ** 2
        cumulative = np.concatenate(([0.0], np.cumsum(power, dtype=np.float64)))
        blocks.append(_window_powers(cumulative, rate, BLOCK_S, BLOCK_STEP_S))
        short_terms.append(_window_powers(cumulative, rate, SHORT_TERM_S, SHORT_TERM_STEP_S))
    return _integrated(np.concatenate(blocks) if blocks else np.zeros(0)), _range(
        np.concatenate(short_terms) if short_terms else np.zeros(0)
    )


def measure_frames(frame_powers: Sequence[FloatArray], frames_per_s: float) -> tuple[float, float]:
    """The same two measures from K-weighted, channel-summed mean squares per analysis
    hop (what :mod:`.features` gets for free from its spectrogram, by Parseval), so the
    signal is not filtered a second time. Blocks are whole hops (23 ms at 44.1 kHz), a
    negligible difference for gating."""
    blocks: list[FloatArray] = []
    short_terms: list[FloatArray] = []
    for powers in frame_powers:
        cumulative = np.concatenate(([0.0], np.cumsum(powers, dtype=np.float64)))
        blocks.append(_window_powers(cumulative, frames_per_s, BLOCK_S, BLOCK_STEP_S))
        short_terms.append(_window_powers(cumulative, frames_per_s, SHORT_TERM_S, SHORT_TERM_STEP_S))
    return _integrated(np.concatenate(blocks) if blocks else np.zeros(0)), _range(
        np.concatenate(short_terms) if short_terms else np.zeros(0)
    )


def _integrated(powers: FloatArray) -> float:
    loud = _to_lufs(powers)
    kept = powers[loud > ABSOLUTE_GATE_LUFS]
    if not len(kept):
        return SILENCE_LUFS
    relative = float(_to_lufs(np.array([kept.mean()]))[0]) + RELATIVE_GATE_LU
    kept = powers[(loud > ABSOLUTE_GATE_LUFS) & (loud > relative)]
    return max(SILENCE_LUFS, float(_to_lufs(np.array([kept.mean()]))[0]))


def _range(powers: FloatArray) -> float:
    loud = _to_lufs(powers)
    kept = powers[loud > ABSOLUTE_GATE_LUFS]
    if len(kept) < 2:
        return 0.0
    relative = float(_to_lufs(np.array([kept.mean()]))[0]) + LRA_RELATIVE_GATE_LU
    gated = loud[(loud > ABSOLUTE_GATE_LUFS) & (loud > relative)]
    if len(gated) < 2:
        return 0.0
    low, high = np.percentile(gated, [10.0, 95.0])
    return float(high - low)
