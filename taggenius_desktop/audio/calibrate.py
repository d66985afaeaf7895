"""Calibration to the DJ's own energy references (Mixed In Key "8A - Energy 6").

Where enough measured tracks already carry a reference, a monotone (isotonic) mapping
from our audio score to their 1-10 scale replaces the fixed anchors: the order of our
score is kept, only the scale is theirs. Agreement is reported on references the fit did
not see (every fourth, chosen by a hash of the TrackID so a re-run picks the same ones);
the mapping then applied is fitted on all references.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
from scipy.optimize import isotonic_regression

from ..vocabulary.profile import ENERGY_MAX, ENERGY_MIN

#: Fewer references than this are too few to fit a scale: the fixed anchors stay.
MIN_REFERENCES = 12
HOLDOUT_EVERY = 4


def reference_energy(attrs: Mapping[str, str]) -> int | None:
    """The Mixed In Key energy written in a track's Comments or Grouping, if any."""
    # The pattern belongs to the offline tagger, which reads the same comment.
    from ..tagging.offline import _MIK_ENERGY_RE

    pattern: re.Pattern[str] = _MIK_ENERGY_RE
    for field in ("Comments", "Grouping"):
        text = attrs.get(field) or ""
        if "nergy" in text or "NERGY" in text:
            match = pattern.search(text)
            if match:
                return int(match.group(1))
    return None


@dataclass(frozen=True)
class Calibration:
    scores: tuple[float, ...]  # sorted audio scores of the references
    energies: tuple[float, ...]  # the fitted, non-decreasing energies at those scores
    references: int
    held_out: int
    exact: float | None  # share of held-out references matched exactly
    within_one: float | None  # ... within one level

    def apply(self, score: float) -> float:
        value = float(np.interp(score, self.scores, self.energies))
        return max(float(ENERGY_MIN), min(float(ENERGY_MAX), value))

    def summary(self) -> dict[str, object]:
        return {
            "fitted": True,
            "references": self.references,
            "held_out": self.held_out,
            "exact": None if self.exact is None else round(self.exact, 3),
            "within_one": None if self.within_one is None else round(self.within_one, 3),
        }


def _held_out(track_id: str) -> bool:
    digest = hashlib.sha1(track_id.encode("utf-8")).digest()
    return digest[0] % HOLDOUT_EVERY == 0


def _fit(pairs: Sequence[tuple[float, int]]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    ordered = sorted(pairs)
    xs = np.array([x for x, _ in ordered], dtype=np.float64)
    ys = np.array([y for _, y in ordered], dtype=np.float64)
    fitted = isotonic_regression(ys, increasing=True).x
    return tuple(float(x) for x in xs), tuple(float(y) for y in fitted)


def fit(references: Sequence[tuple[str, float, int]]) -> Calibration | None:
    """Fit from ``(track_id, audio score, reference energy)``; None when there are too few."""
    if len(references) < MIN_REFERENCES:
        return None
    train = [(s, e) for tid, s, e in references if not _held_out(tid)]
    test = [(s, e) for tid, s, e in references if _held_out(tid)]
    exact = within = None
    if train and test:
        xs, ys = _fit(train)
        predicted = [int(float(np.interp(s, xs, ys)) + 0.5) for s, _ in test]
        exact = sum(p == e for p, (_, e) in zip(predicted, test, strict=True)) / len(test)
        within = sum(abs(p - e) <= 1 for p, (_, e) in zip(predicted, test, strict=True)) / len(test)
    xs, ys = _fit([(s, e) for _, s, e in references])
    return Calibration(xs, ys, len(references), len(test), exact, within)
