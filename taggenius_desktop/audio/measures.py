"""The raw audio measures of one track, as stored in the cache and shown in the review.

Plain values with no numpy: the GUI reads them (the energy tooltip) without loading the
analysis stack, which takes most of a second to import.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Mapping

#: Bump when a feature or the excerpt changes: cached features of older versions are
#: then ignored (the cache key includes it).
ANALYSER_VERSION = 1


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
