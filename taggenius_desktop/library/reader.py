"""Reading a rekordbox XML library: checked first, then located in bytes, or as a tree.

1. ``safety``: refuse entity declarations and non-UTF-8, then libxml2 checks the whole
   file is well-formed without building a tree (fast, little memory), in a thread while
   step 2 runs; nothing step 2 found is used or reported before that check passed.
2. Fast reader: find COLLECTION, PLAYLISTS and every TRACK in the bytes (``scan``), parse
   everything *except* the TRACKs as a small lxml tree (the "skeleton": root, PRODUCT,
   COLLECTION's own attributes, the PLAYLISTS tree), and check that the skeleton is what
   the scan assumed. Tracks keep byte offsets only; their attributes are read on demand.
3. If the file is shaped unusually (the scan gives up, or the skeleton does not match),
   the tree reader parses the whole file with lxml: exact, but about 10x the memory.

Both give the same :class:`Library`; tests compare them on every fixture.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from .bulk import gc_paused
from .elements import Element, from_lxml
from .errors import LibraryError
from .model import Library, PlaylistNode, SourceDoc, Track
from .safety import (
    ROOT_TAG,
    BackgroundValidation,
    check_before_parsing,
    make_parser,
    read_bytes,
    syntax_error,
    wrong_root,
)
from .scan import Unusual, find_element, has_special_markup, newline_of, scan_tracks
from .tags import read_attributes

# xmlns declarations, and xml:lang-style attributes (their names come back from lxml as
# "{uri}lang", which could not be written back as they were)
_NAMESPACE_DECLARATION = re.compile(rb"""\s(?:xmlns(?::[\w.-]+)?|xml:[\w.-]+)\s*=\s*["']""")


def read_library(path: str | Path) -> Library:
    """Read a rekordbox XML library. Raises :class:`LibraryError` for anything unreadable.

    Memory: about the file's size plus ~250 bytes per track (the input bytes are kept so
    the writer can copy untouched parts exactly).
    """
    path = Path(path)
    data = read_bytes(path)
    check_before_parsing(path, data)
    validation = BackgroundValidation(path, data)
    try:
        if (b"xmlns" in data or b"xml:" in data) and _NAMESPACE_DECLARATION.search(data):
            raise LibraryError(path, "uses XML namespaces, which rekordbox libraries never do; cannot be read safely")
        with gc_paused():
            try:
                library: Library | None = _read_fast(path, data)
            except Unusual:
                library = None
    except BaseException:
        validation.result()  # a file that is not well-formed is reported as such first
        raise
    validation.result()
    if library is None:
        with gc_paused():
            library = _read_tree(path, data)
    return library


# -- fast reader ---------------------------------------------------------------------------


def _read_fast(path: Path, data: bytes) -> Library:
    specials = has_special_markup(data)
    root_span = find_element(data, ROOT_TAG.encode(), 0, len(data), specials)
    if root_span is None:
        raise Unusual("no root start tag found")
    inner_start, inner_end = root_span.tag_end, root_span.content_end
    collection = find_element(data, b"COLLECTION", inner_start, inner_end, specials)
    playlists = find_element(data, b"PLAYLISTS", inner_start, inner_end, specials)
    cut = sorted(
        (span.tag_end, span.content_end) for span in (collection, playlists) if span is not None and not span.self_closing
    )
    if len(cut) == 2 and cut[0][1] > cut[1][0]:
        raise Unusual("COLLECTION and PLAYLISTS overlap")

    skeleton_root = _parse_skeleton(path, data, cut)
    if skeleton_root.tag != ROOT_TAG:
        raise wrong_root(path, str(skeleton_root.tag))
    _check_skeleton(skeleton_root, "COLLECTION", collection is not None)
    _check_skeleton(skeleton_root, "PLAYLISTS", playlists is not None)

    newline = newline_of(data)
    source = SourceDoc(data, newline, collection, playlists)
    tracks: list[Track] = []
    if collection is not None and not collection.self_closing:
        spans, raw_ids = scan_tracks(data, collection.tag_end, collection.content_end, specials)
        tracks = _tracks_from_spans(path, source, spans, raw_ids)

    top_nodes: list[PlaylistNode] = []
    if playlists is not None and not playlists.self_closing:
        fragment = b"<PLAYLISTS>" + data[playlists.tag_end : playlists.content_end] + b"</PLAYLISTS>"
        try:
            container = etree.fromstring(fragment, make_parser(len(fragment), remove_comments=True, remove_pis=True))
        except etree.XMLSyntaxError as exc:
            raise Unusual(f"PLAYLISTS does not parse alone: {exc}") from None
        top_nodes = _playlist_nodes(path, container)

    skeleton = _skeleton_element(skeleton_root)
    return Library(path, tracks, top_nodes, skeleton, source, newline)


def _parse_skeleton(path: Path, data: bytes, cut: list[tuple[int, int]]) -> etree._Element:
    pieces = []
    position = 0
    for start, end in cut:
        pieces.append(data[position:start])
        position = end
    pieces.append(data[position:])
    skeleton = b"".join(pieces)
    try:
        return etree.fromstring(skeleton, make_parser(len(skeleton), remove_comments=True, remove_pis=True))
    except etree.XMLSyntaxError as exc:
        raise Unusual(f"skeleton does not parse: {exc}") from None


def _check_skeleton(root: etree._Element, tag: str, found: bool) -> None:
    """The scan found ``tag`` as a root child with its content cut: the tree must agree."""
    everywhere = list(root.iter(tag))
    if not found:
        if everywhere:
            raise Unusual(f"{tag} missed by the scan")
        return
    if len(everywhere) != 1 or everywhere[0].getparent() is not root or len(everywhere[0]):
        raise Unusual(f"{tag} is not where the scan put it")


def _tracks_from_spans(
    path: Path, source: SourceDoc, spans: list[tuple[int, int, int]], raw_ids: list[bytes | None]
) -> list[Track]:
    data = source.data
    tracks: list[Track] = []
    append = tracks.append
    for span, raw_id in zip(spans, raw_ids, strict=False):
        track_id: str | None
        if raw_id:
            track_id = raw_id.decode("utf-8")
        else:
            track_id = read_attributes(data[span[0] : span[1]]).get("TrackID")
            if not track_id or not track_id.strip():
                raise LibraryError(path, f"TRACK number {len(tracks) + 1} in COLLECTION has no TrackID")
        append(Track(track_id, source, span))
    _check_unique_ids(path, tracks)
    return tracks


def _check_unique_ids(path: Path, tracks: list[Track]) -> None:
    if len({track.track_id for track in tracks}) == len(tracks):
        return
    seen: dict[str, int] = {}
    for number, track in enumerate(tracks, 1):
        if track.track_id in seen:
            raise LibraryError(
                path,
                f"TrackID {track.track_id} is used by more than one track in COLLECTION (tracks "
                f"{seen[track.track_id]} and {number}); tags and playlists could go to the wrong track",
            )
        seen[track.track_id] = number


def _playlist_nodes(path: Path, container: etree._Element) -> list[PlaylistNode]:
    nodes = []
    for child in container:
        if child.tag != "NODE":
            raise LibraryError(path, f"unexpected <{child.tag}> directly inside PLAYLISTS")
        nodes.append(_playlist_node(path, child))
    for node in nodes:
        node._mark_read()
    return nodes


# Checks of a NODE's entries, run in C: a playlist with 50,000 entries is common.
_KEYS = etree.XPath("TRACK/@Key", smart_strings=False)
# entries, their attributes, their child elements: a plain entry has one attribute (Key)
_ENTRY_SHAPE = etree.XPath("concat(count(TRACK), ' ', count(TRACK/@*), ' ', count(TRACK/*))")
_OTHER_CHILDREN = etree.XPath("*[not(self::TRACK or self::NODE)]")


def _playlist_node(path: Path, element: etree._Element) -> PlaylistNode:
    node = PlaylistNode(dict(element.attrib))
    others = _OTHER_CHILDREN(element)
    if others:
        raise LibraryError(path, f"unexpected <{others[0].tag}> inside playlist node {node.name!r}")
    keys = _KEYS(element)
    entries, attributes, children = (int(float(n)) for n in _ENTRY_SHAPE(element).split())
    if not (entries == attributes == len(keys)) or children:
        raise LibraryError(
            path, f"playlist {node.name!r} has an entry that is not a plain <TRACK Key=...> (cannot keep it safely)"
        )
    node.track_keys = keys
    node.children = [_playlist_node(path, child) for child in element.iterchildren("NODE")]
    return node


def _skeleton_element(root: etree._Element) -> Element:
    """Root and its children as plain elements; COLLECTION and PLAYLISTS keep only their
    attributes (the model holds their content)."""
    children = []
    for child in root:
        if not isinstance(child.tag, str):
            continue
        if child.tag in ("COLLECTION", "PLAYLISTS"):
            children.append(Element(child.tag, dict(child.attrib)))
        else:
            children.append(from_lxml(child))
    return Element(root.tag, dict(root.attrib), children)


# -- tree reader ---------------------------------------------------------------------------


def _read_tree(path: Path, data: bytes) -> Library:
    """The exact reader for files the scan does not understand (whole tree in memory)."""
    try:
        root = etree.fromstring(data, make_parser(len(data), remove_comments=True, remove_pis=True))
    except etree.XMLSyntaxError as exc:  # validated already; kept for safety
        raise syntax_error(path, data, exc) from None
    if root.tag != ROOT_TAG:
        raise wrong_root(path, str(root.tag))
    collections = root.findall("COLLECTION")
    playlist_containers = root.findall("PLAYLISTS")
    if len(collections) > 1:
        raise LibraryError(path, "has more than one COLLECTION; cannot tell which is the library")
    if len(playlist_containers) > 1:
        raise LibraryError(path, "has more than one PLAYLISTS element; cannot tell which is the playlist tree")
    tracks: list[Track] = []
    if collections:
        for number, element in enumerate((c for c in collections[0] if isinstance(c.tag, str)), 1):
            if element.tag != "TRACK":
                raise LibraryError(path, f"unexpected <{element.tag}> inside COLLECTION (only TRACK belongs there)")
            track_id = element.get("TrackID")
            if not track_id or not track_id.strip():
                raise LibraryError(path, f"TRACK number {number} in COLLECTION has no TrackID")
            converted = from_lxml(element)
            tracks.append(Track(track_id, attrs=converted.attrs, children=converted.children))
        _check_unique_ids(path, tracks)
    top_nodes = _playlist_nodes(path, playlist_containers[0]) if playlist_containers else []
    return Library(path, tracks, top_nodes, _skeleton_element(root), None, newline_of(data))
