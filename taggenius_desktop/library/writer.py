"""Writing a library: splice into the input's bytes when possible, lay out in full otherwise.

*Splice* (a library read by the fast reader, track list untouched): every byte of the
input is copied through except the TRACK start tags whose attributes changed, the
COLLECTION start tag when its Entries is wrong, and the PLAYLISTS content when the
playlist tree changed or one of its counts is wrong. An untouched export comes back byte
for byte; a tagged one differs only inside the changed start tags.

*Full layout* (subsets, files read as a tree, a PLAYLISTS element to create): the whole
document in rekordbox's layout. Tracks that still have their input bytes are copied from
them where the indentation matches, so even this path re-encodes nothing it need not.

Either way the output goes to a temporary file in the target folder, is fsynced and then
renamed over the target: a crash leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
from contextlib import suppress
from pathlib import Path
from typing import Callable

from .bulk import gc_paused
from .elements import Element, write_element
from .errors import LibraryError
from .model import Library, PlaylistNode, Track
from .rbformat import INDENT_STEP, XML_DECLARATION, escape_attribute, format_start_tag
from .scan import line_prefix
from .tags import rewrite_tag

Write = Callable[[bytes | memoryview], object]

#: Disk-full errors: what a DJ reads as "disk full", whatever the platform calls it.
_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


class OutputWriteError(LibraryError):
    """Writing the output failed part way (disk full, I/O error): the job ran, the input
    was fine, so this is not bad input. Nothing is left behind: no output, no temp file."""


def _write_problem(exc: OSError) -> str:
    if exc.errno in _DISK_FULL:
        return "could not write the output: disk full"
    return f"could not write the output ({exc.strerror or exc})"


def temp_name_pattern(out: Path) -> re.Pattern[str]:
    """The names our temp files for ``out`` have (see ``_create_temp``: eight hex digits
    between our prefix and suffix), and nothing else's."""
    return re.compile(rf"\.{re.escape(out.name)}\.[0-9a-f]{{8}}\.tmp")


def remove_stale_temps(out_path: str | Path, older_than: float) -> list[Path]:
    """Delete temp files of ours for ``out_path`` last written before ``older_than`` (a
    time): what a kill -9 during an earlier write left behind. A younger one may belong
    to a write in progress and is kept. Returns what was removed."""
    out = Path(out_path)
    pattern = temp_name_pattern(out)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(out.parent))
    except OSError:
        return removed
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        with suppress(OSError):
            if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < older_than:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed

_BUFFER_SIZE = 1 << 20


def write_library(lib: Library, out_path: str | Path) -> None:
    """Write ``lib`` to ``out_path`` atomically. Never writes over the input file."""
    out = Path(out_path)
    _check_output_path(lib, out)
    with gc_paused():
        _atomic_write(out, lambda write: _produce(lib, write, reuse_input=True))


def render_library(lib: Library, *, reuse_input: bool = True) -> bytes:
    """The bytes :func:`write_library` writes, in memory.

    With ``reuse_input=False`` every byte is laid out from the model by the rekordbox
    serializer, nothing is copied from the input: tests use it to prove the serializer
    reproduces real exports.
    """
    out = bytearray()
    _produce(lib, out.extend, reuse_input)
    return bytes(out)


def _produce(lib: Library, write: Write, reuse_input: bool) -> None:
    source = lib._source
    if (
        reuse_input
        and lib._spliceable()
        and source is not None
        and (source.playlists is not None or not _needs_playlists(lib))
    ):
        _splice(lib, write)
    else:
        _full_layout(lib, write, reuse_input)


def _check_output_path(lib: Library, out: Path) -> None:
    parent = out.parent
    if not parent.is_dir():
        raise LibraryError(out, f"output folder {str(parent)!r} does not exist")
    if out.is_dir():
        raise LibraryError(out, "is a folder; choose a file name for the output library")
    same = out.resolve() == lib.path.resolve()
    if not same and out.exists() and lib.path.exists():
        with suppress(OSError):
            same = os.path.samefile(out, lib.path)
    if same:
        raise LibraryError(out, "is the input library; Tag Genius never writes over its input, choose another file")


def _create_temp(out: Path) -> tuple[int, str]:
    """A new, exclusive temp file next to ``out``, created with mode 0666 so the OS applies
    the umask in force, exactly as for any file the user saves (tempfile.mkstemp would make
    it 0600, and reading the umask means setting it, process-wide)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        name = str(out.parent / f".{out.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(name, flags, 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name next to {out.name}")


def _atomic_write(out: Path, produce: Callable[[Write], None]) -> None:
    try:
        handle, temp_name = _create_temp(out)
    except OSError as exc:
        if exc.errno in _DISK_FULL:
            raise OutputWriteError(out, _write_problem(exc)) from None
        raise LibraryError(out, f"cannot be written ({exc.strerror or exc})") from None
    try:
        with os.fdopen(handle, "wb", buffering=_BUFFER_SIZE) as stream:
            produce(stream.write)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, out)
    except BaseException as exc:
        with suppress(OSError):
            os.unlink(temp_name)
        if isinstance(exc, OSError):
            raise OutputWriteError(out, _write_problem(exc)) from None
        raise
    _fsync_folder(out.parent)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles for this)."""
    if os.name != "posix":
        return
    with suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _needs_playlists(lib: Library) -> bool:
    """True when the playlist tree has something to write (a file without PLAYLISTS gets
    one only once a playlist was added)."""
    return len(lib._top_nodes) > 1 or bool(lib.playlists.children) or lib.playlists._original is not None


# -- splice ----------------------------------------------------------------------------------


def _splice(lib: Library, write: Write) -> None:
    source = lib._source
    assert source is not None
    data, newline = source.data, source.newline
    view = memoryview(data)
    replacements: list[tuple[int, int, bytes]] = []

    collection = source.collection
    if collection is not None:
        tag = data[collection.start : collection.tag_end]
        entries = str(len(lib.tracks))
        new_tag = rewrite_tag(tag, {"Entries": entries}, line_prefix(data, collection.start), newline)
        if new_tag is not None:
            replacements.append((collection.start, collection.tag_end, new_tag))
    for track in lib.tracks:
        if track._changes:
            start, tag_end, _ = track._span
            new_tag = rewrite_tag(data[start:tag_end], track._changes, line_prefix(data, start), newline)
            if new_tag is not None:
                replacements.append((start, tag_end, new_tag))

    playlists = source.playlists
    if playlists is not None and any(node._is_modified() for node in lib._top_nodes):
        prefix = line_prefix(data, playlists.start)
        content = bytearray()
        _write_playlist_content(content.extend, lib._top_nodes, prefix, newline)
        if playlists.self_closing:
            open_tag = data[playlists.start : playlists.tag_end - 2].rstrip() + b">"
            content[:0] = open_tag
            content.extend(b"</PLAYLISTS>")
            replacements.append((playlists.start, playlists.end, bytes(content)))
        else:
            replacements.append((playlists.tag_end, playlists.content_end, bytes(content)))

    replacements.sort(key=lambda item: item[0])
    position = 0
    for start, end, replacement in replacements:
        write(view[position:start])
        write(replacement)
        position = end
    write(view[position:])


# -- full layout -----------------------------------------------------------------------------


def _full_layout(lib: Library, write: Write, reuse_input: bool) -> None:
    newline = lib.newline
    skeleton = lib._skeleton
    write(XML_DECLARATION + newline + newline)
    write(format_start_tag(skeleton.tag, skeleton.attrs, b"", newline, self_closing=False))
    indent = b" " * INDENT_STEP
    wrote_playlists = False
    for child in skeleton.children:
        write(newline + indent)
        if child.tag == "COLLECTION":
            _write_collection(lib, child, write, indent, newline, reuse_input)
        elif child.tag == "PLAYLISTS":
            _write_playlists(lib, child, write, indent, newline)
            wrote_playlists = True
        else:
            write_element(write, child, indent, newline)
    if not wrote_playlists and _needs_playlists(lib):
        write(newline + indent)
        _write_playlists(lib, Element("PLAYLISTS"), write, indent, newline)
    write(newline + b"</" + skeleton.tag.encode() + b">" + newline)


def _write_collection(
    lib: Library, element: Element, write: Write, prefix: bytes, newline: bytes, reuse_input: bool
) -> None:
    attrs = dict(element.attrs)
    attrs["Entries"] = str(len(lib.tracks))
    if not lib.tracks:
        write(format_start_tag("COLLECTION", attrs, prefix, newline, self_closing=True))
        return
    write(format_start_tag("COLLECTION", attrs, prefix, newline, self_closing=False))
    inner = prefix + b" " * INDENT_STEP
    for track in lib.tracks:
        write(newline + inner)
        _write_track(track, write, inner, newline, reuse_input)
    write(newline + prefix + b"</COLLECTION>")


def _write_track(track: Track, write: Write, prefix: bytes, newline: bytes, reuse_input: bool) -> None:
    source = track._source
    if reuse_input and source is not None and source.newline == newline:
        data = source.data
        start, tag_end, end = track._span
        tag = data[start:tag_end]
        same_column = line_prefix(data, start) == prefix
        if same_column:
            new_tag = rewrite_tag(tag, track._changes, prefix, newline) if track._changes else None
            write(new_tag if new_tag is not None else tag)
            write(data[tag_end:end])
            return
    # Laid out from the model: a tree-read track, or one that sat at another indentation.
    children = track.children
    write(format_start_tag("TRACK", track.attrs, prefix, newline, self_closing=not children))
    if not children:
        return
    inner = prefix + b" " * INDENT_STEP
    for child in children:
        write(newline + inner)
        write_element(write, child, inner, newline)
    write(newline + prefix + b"</TRACK>")


def _write_playlists(lib: Library, element: Element, write: Write, prefix: bytes, newline: bytes) -> None:
    if not _needs_playlists(lib):
        write(format_start_tag("PLAYLISTS", element.attrs, prefix, newline, self_closing=True))
        return
    write(format_start_tag("PLAYLISTS", element.attrs, prefix, newline, self_closing=False))
    _write_playlist_content(write, lib._top_nodes, prefix, newline)
    write(b"</PLAYLISTS>")


def _write_playlist_content(write: Write, nodes: list[PlaylistNode], prefix: bytes, newline: bytes) -> None:
    """Everything between ``<PLAYLISTS>`` and ``</PLAYLISTS>``, which sits at ``prefix``."""
    inner = prefix + b" " * INDENT_STEP
    for node in nodes:
        write(newline + inner)
        _write_node(write, node, inner, newline)
    write(newline + prefix)


def _write_node(write: Write, node: PlaylistNode, prefix: bytes, newline: bytes) -> None:
    has_content = bool(node.children or node.track_keys)
    write(format_start_tag("NODE", node._output_attrs(), prefix, newline, self_closing=not has_content))
    if not has_content:
        return
    inner = prefix + b" " * INDENT_STEP
    for child in node.children:
        write(newline + inner)
        _write_node(write, child, inner, newline)
    if node.track_keys:
        entry_start = newline + inner + b'<TRACK Key="'
        write(b"".join(entry_start + escape_attribute(key).encode("utf-8") + b'"/>' for key in node.track_keys))
    write(newline + prefix + b"</NODE>")
