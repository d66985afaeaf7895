"""From raw features to energy 1-10, and the combination with the tagger's energy.

The audio score is one absolute scale across genres: each feature is standardised
against a fixed reference (a typical value and a typical spread for commercially
mastered dance music), clipped to +-2.5, and weighted; the weighted sum maps linearly to
1-10 with fixed anchors (score -1.5 -> 1, score +1.5 -> 10, 0 -> 5.5). Nothing depends on
the rest of the library, so a track's energy does not change when others are added.

Weights (sum 1): loudness 0.30 and dynamics 0.10 (how loud and how squashed), spectral
flux 0.20 and onset rate 0.15 (how much happens), high-band share 0.10 and noisiness
0.05 (brightness, distortion), percussive share 0.10 (drums against pads).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from ..vocabulary.profile import ENERGY_MAX, ENERGY_MIN
from .measures import AudioFeatures

#: feature -> (reference value, spread, weight); a negative weight means "less is more".
REFERENCE: Mapping[str, tuple[float, float, float]] = {
    "loudness_lufs": (-12.0, 5.0, 0.30),
    "crest_db": (12.0, 4.0, -0.05),
    "loudness_range_lu": (5.0, 3.0, -0.05),
    "spectral_flux": (0.18, 0.10, 0.20),
    "onset_rate": (4.0, 2.0, 0.15),
    "high_share": (0.06, 0.05, 0.10),
    "flatness": (0.02, 0.03, 0.05),
    "percussive_share": (0.50, 0.25, 0.10),
}
Z_LIMIT = 2.5
#: Fixed anchors of the 1-10 scale: score SCORE_AT_MIN -> 1, SCORE_AT_MAX -> 10.
SCORE_AT_MIN, SCORE_AT_MAX = -1.5, 1.5
#: Levels of disagreement between audio and the tagger that flag a track for review.
DISAGREEMENT_LEVELS = 3
#: Share of the combined energy given to the audio where it was measured.
AUDIO_WEIGHT = 0.8


def score(features: AudioFeatures) -> float:
    """The weighted, standardised score (about -1.5 calm .. +1.5 intense)."""
    total = 0.0
    for name, (centre, spread, weight) in REFERENCE.items():
        z = (float(getattr(features, name)) - centre) / spread
        total += weight * max(-Z_LIMIT, min(Z_LIMIT, z))
    return total


def score_to_energy(value: float) -> float:
    """The continuous energy (1.0-10.0) of a score on the fixed anchors."""
    span = ENERGY_MAX - ENERGY_MIN
    energy = ENERGY_MIN + (value - SCORE_AT_MIN) / (SCORE_AT_MAX - SCORE_AT_MIN) * span
    return max(float(ENERGY_MIN), min(float(ENERGY_MAX), energy))


def audio_energy(features: AudioFeatures) -> float:
    return score_to_energy(score(features))


@dataclass(frozen=True)
class Combined:
    energy: int
    disagreement: int  # |rounded audio energy - tagger energy|
    flagged: bool


def combine(audio: float, prior: int | None) -> Combined:
    """The written energy from the (continuous) audio energy and the tagger's energy.

    The audio dominates; the tagger's energy (genre base, tempo, words, or an LLM) moves
    it by a fifth of the difference, which breaks ties between tracks that measure the
    same and never drags two clearly different tracks of one genre onto one value.
    """
    if prior is None:
        value = audio
    else:
        value = AUDIO_WEIGHT * audio + (1.0 - AUDIO_WEIGHT) * prior
    energy = max(ENERGY_MIN, min(ENERGY_MAX, int(value + 0.5)))
    gap = abs(int(audio + 0.5) - prior) if prior is not None else 0
    return Combined(energy, gap, gap >= DISAGREEMENT_LEVELS)
