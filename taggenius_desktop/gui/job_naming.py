"""What a tag job is called and where its output goes, in words that say what was
written: the tagger, the level and whether the review's edits were used (Qt-free).

``Tag lib.xml · Offline · Recommended · reviewed`` -> ``lib_tagged-offline-recommended-reviewed.xml``.
An existing output is never overwritten; a second one gets the time it was made rather
than an anonymous ``-2``.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from ..tagging.choice import Provider


def tagger_label(provider: str, model: str = "") -> str:
    """``Offline``, or the model when there is one (``gpt-4o-mini``), else the provider."""
    known = Provider.named(provider)
    if known is Provider.OFFLINE:
        return known.label
    return model or (known.label if known is not None else provider)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-") or "tagger"


def tag_job_name(source: Path, provider: str, model: str, level: str, reviewed: bool) -> str:
    parts = [f"Tag {source.name}", tagger_label(provider, model), level.capitalize()]
    if reviewed:
        parts.append("reviewed")
    return " · ".join(parts)


def tag_output_suffix(provider: str, model: str, level: str, reviewed: bool) -> str:
    suffix = f"tagged-{_slug(tagger_label(provider, model))}-{_slug(level)}"
    return suffix + ("-reviewed" if reviewed else "")


def output_path(folder: Path, source: Path, suffix: str, now: float | None = None) -> Path:
    """``folder/<stem>_<suffix>.xml``; when that exists, the same name with the date and
    time, so every file in the folder says what it is and when it was made."""
    path = folder / f"{source.stem}_{suffix}.xml"
    if not path.exists():
        return path
    stamp = time.strftime("%Y-%m-%d_%H%M%S", time.localtime(now))
    stamped = folder / f"{source.stem}_{suffix}_{stamp}.xml"
    number = 2
    while stamped.exists():
        stamped = folder / f"{source.stem}_{suffix}_{stamp}-{number}.xml"
        number += 1
    return stamped
