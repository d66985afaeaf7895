"""Loading a library for the window: the work that runs in a pool thread (no Qt objects)
and the one-line message for a library that cannot be opened."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .operations import Ticket
from .review_model import ReviewRows, build_rows

log = logging.getLogger(__name__)

RED = "0xFF0000"


@dataclass
class LoadedLibrary:
    """What the background load hands back to the GUI thread."""

    path: Path
    library: Any
    rows: ReviewRows
    playlist_count: int
    sample_attrs: dict[str, str] | None
    sample_profile: Any


def _count_playlists(root: Any) -> int:
    if root is None:
        return 0
    try:
        return sum(1 for _ in root.iter_playlists())
    except AttributeError:
        return 0


def _pick_sample(library: Any) -> Any | None:
    """A track worth previewing: one with a genre and a title, not red, else the first."""
    tracks = library.tracks
    for track in tracks[:500]:
        if track.attrs.get("Genre") and track.attrs.get("Name") and track.attrs.get("Colour", "") != RED:
            return track
    return tracks[0] if tracks else None


def load_library_work(path: Path, ticket: Ticket) -> LoadedLibrary:
    """Runs in a pool thread: read and index the library."""
    from ..library import read_library

    library = read_library(path)
    ticket.checkpoint()
    rows = build_rows(library.tracks)
    ticket.checkpoint()
    sample = _pick_sample(library)
    sample_profile = None
    if sample is not None:
        try:
            from ..tagging.offline import profile_for
            from ..vocabulary.profile import TrackInfo

            sample_profile = profile_for(TrackInfo.from_attributes(sample.attrs))
        except Exception as exc:  # noqa: BLE001 - the preview is a nicety, the load is not
            log.warning("no preview profile: %s", exc)
    return LoadedLibrary(path, library, rows, _count_playlists(library.playlists),
                         dict(sample.attrs) if sample is not None else None, sample_profile)


def library_error_text(path: Path, exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"“{path.name}” cannot be found; it may have been moved or deleted."
    if isinstance(exc, PermissionError):
        return f"“{path.name}” cannot be read (permission denied)."
    message = str(exc) or type(exc).__name__
    return f"“{path.name}” could not be opened: {message}"
