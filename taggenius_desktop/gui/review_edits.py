"""Review edits and locks kept per library in the app's data folder, so quitting (or a
crash) never loses them (Qt-free). One small JSON file per library path, written
atomically; a file that cannot be read counts as no saved edits."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import paths

log = logging.getLogger(__name__)

FOLDER = "review_edits"


@dataclass
class SavedReview:
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)  # TrackID -> TagProfile dict
    locked: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.overrides and not self.locked


def _file_for(library: Path) -> Path:
    key = hashlib.sha256(str(Path(library).expanduser().absolute()).encode("utf-8")).hexdigest()[:24]
    return paths.data_dir() / FOLDER / f"{key}.json"


def load(library: Path) -> SavedReview:
    path = _file_for(library)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        overrides = {str(k): dict(v) for k, v in dict(data.get("overrides") or {}).items()}
        return SavedReview(overrides, [str(t) for t in data.get("locked") or []])
    except FileNotFoundError:
        return SavedReview()
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        log.warning("saved review edits unreadable (%s): %s", path, exc)
        return SavedReview()


def save(library: Path, review: SavedReview) -> None:
    """Write (or, for no edits and no locks, remove) the library's saved review."""
    path = _file_for(library)
    if review.empty:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"library": str(Path(library).absolute()), "overrides": review.overrides,
                       "locked": review.locked}, ensure_ascii=False)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".review-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(body)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
