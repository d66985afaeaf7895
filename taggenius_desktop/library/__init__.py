"""Lossless Rekordbox XML: read a library, change TRACK attributes and playlists, write it.

    from taggenius_desktop.library import read_library, write_library
    lib = read_library("rekordbox.xml")
    for track in lib.tracks:
        info = track.attrs                      # fresh dict, document order
    lib.set_track_attributes(track.track_id, {"Genre": "Techno", "Colour": "0xFF0000"})
    lib.add_playlist(["Tag Genius", "Genres"], "Techno", ["123", "456"])
    write_library(lib, "rekordbox-tagged.xml")  # atomic; never over the input

An untouched library is written back byte for byte; a tagged one differs from its input
only inside the TRACK start tags whose attributes changed (plus counts that were wrong,
and the playlist tree if it changed). Files other tools rewrote are read and written
without losing data. Bad files raise :class:`LibraryError` with a one-line message.

Speed and memory (100,000 tracks, ~90 MB): ``read_library`` keeps the file's bytes and
byte offsets per track, no parsed attributes; ``Track.attrs`` parses one start tag on
access (a few microseconds). This *is* the fast path for jobs and benchmarks: iterate
``lib.tracks`` once, read ``track.attrs`` (or ``track.get(name)``), call
``set_track_attributes``, then ``write_library``. Avoid reading ``track.attrs`` repeatedly
for the same track in a loop, and avoid ``tempos`` / ``marks`` / ``children`` in bulk: those
parse the element with lxml on every access. See ``bench/bench_library_io.py``.
"""

from .errors import LibraryError
from .model import Library, PlaylistNode, Track, location_to_path
from .reader import read_library
from .writer import render_library, write_library

__all__ = [
    "Library",
    "LibraryError",
    "PlaylistNode",
    "Track",
    "location_to_path",
    "read_library",
    "render_library",
    "write_library",
]
