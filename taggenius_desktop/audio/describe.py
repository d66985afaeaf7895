"""Plain text about a track's measured audio, for the review table (column + tooltip).

Qt-free so the review model, the CLI and tests share one wording.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..vocabulary.profile import SOURCE_AUDIO, SOURCE_AUDIO_LLM, SOURCE_LLM, SOURCE_MIXED_IN_KEY
from .measures import AudioFeatures

#: The review column's label for each kind of energy source.
ENERGY_SOURCE_LABELS = {
    SOURCE_AUDIO: "audio",
    SOURCE_AUDIO_LLM: "audio + LLM",
    SOURCE_MIXED_IN_KEY: "Mixed In Key",
    SOURCE_LLM: "LLM",
}
METADATA_LABEL = "metadata"


def energy_source_label(source: str | None) -> str:
    """"audio", "audio + LLM", "Mixed In Key", "LLM" or "metadata" (genre, tempo, words)."""
    if not source:
        return METADATA_LABEL
    if source.startswith(SOURCE_LLM + ":"):
        return ENERGY_SOURCE_LABELS[SOURCE_LLM]
    return ENERGY_SOURCE_LABELS.get(source, METADATA_LABEL)


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def describe_features(features: Mapping[str, Any] | AudioFeatures, energy: int | None = None,
                      source: str | None = None, confidence: str | None = None) -> str:
    """Several lines: the energy and where it came from, then the raw measures."""
    f = features if isinstance(features, AudioFeatures) else AudioFeatures.from_dict(features)
    lines = []
    if energy is not None:
        head = f"Energy {energy} from {energy_source_label(source)}"
        if confidence:
            head += f" ({confidence} confidence)"
        lines.append(head)
    channels = {1: "mono", 2: "stereo"}.get(f.channels, f"{f.channels} channels")
    lines += [
        f"Loudness {f.loudness_lufs:.1f} LUFS · range {f.loudness_range_lu:.1f} LU · crest {f.crest_db:.1f} dB",
        f"Onsets {f.onset_rate:.1f}/s · spectral flux {f.spectral_flux:.2f} · percussive {f.percussive_share:.0%}",
        f"Bass {f.low_share:.0%} · highs {f.high_share:.0%} · noisiness {f.flatness:.2f} · brightness {f.centroid_hz:,.0f} Hz",
        f"Measured {f.seconds:.0f} s of {_clock(f.duration_s)} ({f.sample_rate / 1000:g} kHz, {channels})",
    ]
    return "\n".join(lines)


#: the per-reason counts of a job's audio stage, in the order they are told
AUDIO_COUNTS = ("analysed", "cached", "missing", "unsupported", "failed")


def describe_counts(audio: Mapping[str, Any]) -> str | None:
    """"audio: 10 analysed, 2 cached, 1 missing" for a job summary's ``audio`` part (only
    the counts that are not zero; None when the job measured nothing)."""
    if not audio.get("enabled"):
        return None
    counts = [f"{int(audio.get(name) or 0):,} {name}" for name in AUDIO_COUNTS if audio.get(name)]
    return "audio: " + (", ".join(counts) if counts else "no file measured")
