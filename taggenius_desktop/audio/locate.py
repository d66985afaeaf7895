"""Where a track's audio file is: rekordbox ``Location`` values to paths, prefix remaps.

rekordbox writes ``file://localhost/`` followed by the percent-encoded UTF-8 path; on
Windows the path starts with a drive letter (``file://localhost/C:/Music/a.mp3``). A
library exported on another computer, or one naming an unmounted drive, points at files
that are not here: :func:`count_found` says how many are before a job starts, and a
:class:`Remap` points an old music folder at the one on this machine.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Callable, Iterable, Sequence
from urllib.parse import unquote

_DRIVE_RE = re.compile(r"^/?([A-Za-z]):[/\\]")
_PREFIXES = ("file://localhost", "file://")


class RemapError(ValueError):
    """A ``--music-root`` value that is not ``OLD=NEW``."""


def location_to_path(location: str) -> str | None:
    """The file path a rekordbox ``Location`` names, as a string in the form the file's
    own system writes it (``C:/Music/a.mp3`` or ``/Users/dj/a.mp3``); None when empty
    or not a file URL (rekordbox uses other schemes for streaming tracks)."""
    if not location:
        return None
    for prefix in _PREFIXES:
        if location.startswith(prefix):
            rest = location[len(prefix):]
            break
    else:
        return None
    if not rest.startswith("/"):
        return None  # file://server/share: a host other than localhost, not supported
    path = unquote(rest, encoding="utf-8", errors="strict")
    drive = _DRIVE_RE.match(path)
    if drive:
        # "/C:/Music" -> "C:/Music": the leading slash is URL syntax, not part of the path.
        path = path[1:] if path.startswith("/") else path
    return path


def _is_windows_path(path: str) -> bool:
    return bool(_DRIVE_RE.match(path)) or path.startswith("\\\\")


def _normalise(path: str) -> str:
    """A comparable form: forward slashes, no trailing slash, drive letters compared
    without case (Windows paths are case-insensitive there)."""
    text = path.replace("\\", "/").rstrip("/")
    if _is_windows_path(text):
        text = text[0].upper() + text[1:]
    return text


@dataclass(frozen=True)
class Remap:
    """Replace a leading folder ``old`` by ``new`` (whole path components only)."""

    old: str
    new: str

    @classmethod
    def parse(cls, text: str) -> "Remap":
        """``OLD=NEW`` as given on the command line."""
        old, sep, new = text.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise RemapError(f"--music-root {text!r}: expected OLD=NEW, e.g. /Users/dj/Music=/media/usb/Music")
        return cls(old.strip(), new.strip())

    def apply(self, path: str) -> str | None:
        """The remapped path, or None when ``path`` is not under ``old``."""
        old = _normalise(self.old)
        norm = _normalise(path)
        windows = _is_windows_path(old)
        head, tail = (norm[: len(old)], norm[len(old):])
        same = head.lower() == old.lower() if windows else head == old
        if not same or (tail and not tail.startswith("/")):
            return None
        new = self.new.rstrip("/\\")
        return new + tail if tail else new


def resolve(location: str, remaps: Sequence[Remap] = ()) -> str | None:
    """The local path for a ``Location`` after the first matching remap (or as written)."""
    path = location_to_path(location)
    if path is None:
        return None
    for remap in remaps:
        mapped = remap.apply(path)
        if mapped is not None:
            return local_path(mapped)
    return local_path(path)


def local_path(path: str) -> str:
    """``path`` in this system's form (a Windows path read on Windows keeps its drive)."""
    if os.name == "nt":
        return str(PureWindowsPath(path))
    return str(PurePosixPath(path))


@dataclass(frozen=True)
class FoundCount:
    """How many of a library's tracks have a file here, before any analysis."""

    total: int
    found: int
    not_a_file: int  # no Location, or not a file:// URL
    #: the most common parent folders of the missing files (to suggest a remap)
    missing_folders: tuple[tuple[str, int], ...] = ()

    @property
    def missing(self) -> int:
        return self.total - self.found - self.not_a_file


#: locations looked at between two calls of a ``pause`` callback
PAUSE_EVERY = 500


def count_found(locations: Iterable[str], remaps: Sequence[Remap] = (), top: int = 3,
                pause: Callable[[], None] | None = None) -> FoundCount:
    """Count the files that exist (Qt-free; the GUI runs it off the main thread and passes
    a ``pause`` that gives its own thread a turn every :data:`PAUSE_EVERY` files)."""
    total = found = not_a_file = 0
    folders: dict[str, int] = {}
    for location in locations:
        if pause is not None and total % PAUSE_EVERY == 0:
            pause()
        total += 1
        path = resolve(location, remaps)
        if path is None:
            not_a_file += 1
        elif os.path.isfile(path):
            found += 1
        else:
            parent = str(Path(path).parent)
            folders[parent] = folders.get(parent, 0) + 1
    common = tuple(sorted(folders.items(), key=lambda item: (-item[1], item[0]))[:top])
    return FoundCount(total, found, not_a_file, common)


def suggest_remap(locations: Iterable[str], new_root: str, sample: int = 50) -> Remap | None:
    """The remap that makes the most missing files exist under ``new_root`` (the folder
    the DJ pointed at): for each missing file, the longest leading folder whose
    replacement by ``new_root`` names an existing file. None when none matches."""
    votes: dict[str, int] = {}
    tried = 0
    for location in locations:
        path = location_to_path(location)
        if path is None or os.path.isfile(local_path(path)):
            continue
        tried += 1
        parts = _normalise(path).split("/")
        for keep in range(1, len(parts)):
            candidate = os.path.join(new_root, *parts[-keep:])
            if os.path.isfile(candidate):
                old = "/".join(parts[:-keep])
                votes[old] = votes.get(old, 0) + 1
                break
        if tried >= sample:
            break
    if not votes:
        return None
    best = max(votes.items(), key=lambda item: (item[1], -len(item[0])))[0]
    return Remap(best, new_root)
