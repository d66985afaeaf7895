"""Honest time left (Qt-free): tracks per second measured on earlier jobs of the same
provider, model and batch size, remembered in the data folder, and the job's own rate
once it has one. Until there is either, the answer is "estimating"."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from .. import paths

log = logging.getLogger(__name__)

FILE = "measured_rates.json"
#: The job's own rate is trusted once this many tracks and seconds are behind it: the first
#: batches of an LLM job come back together and say nothing about the rest.
MIN_TRACKS, MIN_SECONDS = 20, 10.0
#: How much a new measurement moves the remembered rate.
WEIGHT = 0.5


def rate_key(provider: str, model: str | None, batch_size: int | None) -> str:
    return f"{provider}|{model or ''}|{batch_size or 0}"


def _path() -> Path:
    return paths.data_dir() / FILE


def load_rates() -> dict[str, float]:
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
        return {str(k): float(v) for k, v in data.items() if float(v) > 0}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        log.warning("measured rates unreadable: %s", exc)
        return {}


def remember_rate(key: str, tracks: int, seconds: float) -> float | None:
    """Fold a finished job's rate into the remembered one; returns the new rate."""
    if tracks < MIN_TRACKS or seconds <= 0:
        return None
    rates = load_rates()
    measured = tracks / seconds
    rate = rates[key] * (1 - WEIGHT) + measured * WEIGHT if key in rates else measured
    rates[key] = rate
    path = _path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".rates-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(rates, out)
        os.replace(temp, path)
    except OSError as exc:
        log.warning("could not remember the measured rate: %s", exc)
    return rate


def seconds_left(done: int, total: int, elapsed: float, remembered: float | None) -> float | None:
    """Remaining seconds, or None for "estimating". The job's own rate wins once it has
    enough behind it; before that, the remembered rate of this provider and batch size."""
    remaining = max(0, total - done)
    if total <= 0:
        return None
    if done >= MIN_TRACKS and elapsed >= MIN_SECONDS:
        own = done / elapsed
        if remembered:
            # Blend while the job is young: its own rate is noisy, the remembered one may be stale.
            trust = min(1.0, done / max(1, total) * 4)
            own = own * trust + remembered * (1 - trust)
        return remaining / own if own > 0 else None
    if remembered:
        return remaining / remembered
    return None
