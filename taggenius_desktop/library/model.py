"""The in-memory library: tracks, the playlist tree, and what is needed to write it back.

Memory matters (100,000 tracks must fit well under a few hundred MB next to the tagger),
so a track read from a file holds no attribute strings: only where its TRACK element sits
in the input's bytes. ``Track.attrs`` parses that start tag on each access (a few
microseconds) and overlays the changes made through ``Library.set_track_attributes``.
Files that needed the exact-but-heavy tree reader hold their attributes in a dict instead;
the API is the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence
from urllib.parse import unquote

from lxml import etree

from ..caches import register
from .bulk import gc_paused
from .elements import Element, from_lxml
from .rbformat import INVALID_XML_CHARS
from .safety import fragment_parser
from .tags import read_attributes

_XML_NAME = re.compile(r"[A-Za-z_][\w.-]*\Z")

FOLDER = "0"
PLAYLIST = "1"
KEY_TYPE_TRACK_ID = 0
KEY_TYPE_LOCATION = 1


@dataclass(frozen=True, slots=True)
class ElementSpan:
    """Where an element sits in the input: ``<`` .. start tag end .. end tag start .. end."""

    start: int
    tag_end: int
    content_end: int
    end: int

    @property
    def self_closing(self) -> bool:
        return self.content_end == self.tag_end and self.end == self.tag_end


@dataclass(slots=True)
class SourceDoc:
    """The input file's bytes, kept so untouched parts are copied, never re-encoded."""

    data: bytes
    newline: bytes
    collection: ElementSpan | None
    playlists: ElementSpan | None


class Track:
    """One TRACK of the COLLECTION."""

    __slots__ = ("track_id", "_source", "_span", "_attrs", "_children", "_changes")

    def __init__(
        self,
        track_id: str,
        source: SourceDoc | None = None,
        span: tuple[int, int, int] = (0, 0, 0),
        attrs: dict[str, str] | None = None,
        children: list[Element] | None = None,
    ) -> None:
        self.track_id = track_id
        self._source = source
        #: (start of "<TRACK", end of its start tag, end of the element) in source.data
        self._span = span
        self._attrs = attrs
        self._children = children
        self._changes: dict[str, str | None] | None = None

    # -- reading -------------------------------------------------------------------------

    def original_attrs(self) -> dict[str, str]:
        """The attributes as read from the file, before any change, in document order."""
        if self._attrs is not None:
            return dict(self._attrs)
        assert self._source is not None
        start, tag_end, _ = self._span
        return read_attributes(self._source.data[start:tag_end])

    @property
    def attrs(self) -> dict[str, str]:
        """All attributes in document order, changes included (new names at the end).

        A fresh dict on every access: change attributes with
        :meth:`Library.set_track_attributes`, not by editing this dict.
        """
        attrs = self.original_attrs()
        if self._changes:
            for name, value in self._changes.items():
                if value is None:  # removed (restore of an attribute we had added)
                    attrs.pop(name, None)
                else:
                    attrs[name] = value
        return attrs

    def get(self, name: str, default: str = "") -> str:
        if self._changes and name in self._changes:
            value = self._changes[name]
            return default if value is None else value
        return self.original_attrs().get(name, default)

    @property
    def changes(self) -> dict[str, str | None]:
        """The attributes set through the library since reading (a copy)."""
        return dict(self._changes or {})

    @property
    def children(self) -> list[Element]:
        """TEMPO, POSITION_MARK and any other child elements, in document order."""
        if self._children is not None:
            return list(self._children)
        start, tag_end, end = self._span
        if self._source is None or end == tag_end:
            return []
        # Parsed on demand and not cached: beat grids can hold hundreds of markers.
        fragment = self._source.data[start:end]
        root = etree.fromstring(fragment, fragment_parser())
        return from_lxml(root).children

    @property
    def tempos(self) -> list[dict[str, str]]:
        return [dict(child.attrs) for child in self.children if child.tag == "TEMPO"]

    @property
    def marks(self) -> list[dict[str, str]]:
        return [dict(child.attrs) for child in self.children if child.tag == "POSITION_MARK"]

    def _copy(self) -> "Track":
        twin = Track(self.track_id, self._source, self._span, self._attrs, self._children)
        twin._changes = dict(self._changes) if self._changes else None
        return twin

    def __repr__(self) -> str:
        return f"<Track {self.track_id}>"


class PlaylistNode:
    """A NODE of the PLAYLISTS tree: a folder (Type 0) or a playlist (Type 1).

    ``attrs`` are the NODE's attributes in document order; ``Count`` / ``Entries`` there are
    what the file said, the writer always writes the real numbers.
    """

    __slots__ = ("attrs", "children", "track_keys", "_original")

    def __init__(
        self,
        attrs: dict[str, str],
        children: list["PlaylistNode"] | None = None,
        track_keys: list[str] | None = None,
    ) -> None:
        self.attrs = attrs
        self.children: list[PlaylistNode] = children if children is not None else []
        self.track_keys: list[str] = track_keys if track_keys is not None else []
        self._original: tuple[dict[str, str], tuple[PlaylistNode, ...], tuple[str, ...]] | None = None

    @classmethod
    def folder(cls, name: str) -> "PlaylistNode":
        if name == "ROOT":
            return cls({"Type": FOLDER, "Name": name, "Count": "0"})
        return cls({"Name": name, "Type": FOLDER, "Count": "0"})

    @classmethod
    def playlist(cls, name: str, keys: Sequence[str], key_type: int = KEY_TYPE_TRACK_ID) -> "PlaylistNode":
        attrs = {"Name": name, "Type": PLAYLIST, "KeyType": str(key_type), "Entries": str(len(keys))}
        return cls(attrs, track_keys=list(keys))

    @property
    def name(self) -> str:
        return self.attrs.get("Name", "")

    @property
    def is_folder(self) -> bool:
        return self.attrs.get("Type", PLAYLIST) == FOLDER

    @property
    def key_type(self) -> int:
        try:
            return int(self.attrs.get("KeyType", "0"))
        except ValueError:
            return KEY_TYPE_TRACK_ID

    def iter_playlists(self) -> Iterator[tuple[list[str], "PlaylistNode"]]:
        """Every playlist below this node, depth first in document order, with the names of
        the folders leading to it (this node's own name excluded)."""
        yield from self._walk([])

    def _walk(self, path: list[str]) -> Iterator[tuple[list[str], "PlaylistNode"]]:
        for child in self.children:
            if child.is_folder:
                yield from child._walk(path + [child.name])
            else:
                yield list(path), child

    def track_ids(self, lib: "Library") -> list[str]:
        """The playlist's tracks as TrackIDs, in playlist order.

        KeyType 1 keys are Locations and are looked up; keys matching no track of ``lib``
        are left out.
        """
        if self.key_type == KEY_TYPE_LOCATION:
            by_location = lib._track_ids_by_location()
            return [by_location[key] for key in self.track_keys if key in by_location]
        known = lib._index
        return [key for key in self.track_keys if key in known]

    def find_child(self, name: str, folder: bool) -> "PlaylistNode | None":
        for child in self.children:
            if child.name == name and child.is_folder == folder:
                return child
        return None

    # -- bookkeeping for the writer ------------------------------------------------------

    def _mark_read(self) -> None:
        """Remember the state read from the file, so the writer can tell what changed."""
        self._original = (dict(self.attrs), tuple(self.children), tuple(self.track_keys))
        for child in self.children:
            child._mark_read()

    def _output_attrs(self) -> dict[str, str]:
        attrs = dict(self.attrs)
        if self.is_folder:
            attrs["Count"] = str(len(self.children))
        else:
            attrs["Entries"] = str(len(self.track_keys))
        return attrs

    def _is_modified(self) -> bool:
        """True when writing this subtree would give different bytes than the input's."""
        if self._original is None:
            return True
        attrs, children, keys = self._original
        if self.attrs != attrs or self._output_attrs() != attrs:
            return True
        if len(children) != len(self.children) or any(a is not b for a, b in zip(children, self.children, strict=True)):
            return True
        if len(keys) != len(self.track_keys) or tuple(self.track_keys) != keys:
            return True
        return any(child._is_modified() for child in self.children)

    def _filtered_copy(self, keep_key: Callable[["PlaylistNode", str], bool]) -> "PlaylistNode":
        keys = [key for key in self.track_keys if keep_key(self, key)]
        copy = PlaylistNode(dict(self.attrs), [child._filtered_copy(keep_key) for child in self.children], keys)
        return copy

    def __repr__(self) -> str:
        kind = "folder" if self.is_folder else "playlist"
        size = len(self.children) if self.is_folder else len(self.track_keys)
        return f"<PlaylistNode {kind} {self.name!r} ({size})>"


_MAX_VALID_NAMES = 1024
_valid_names: set[str] = register("library.model.valid_names", set(), _MAX_VALID_NAMES)


def _check_name(name: object) -> None:
    if not isinstance(name, str) or not _XML_NAME.match(name):
        raise ValueError(f"not a valid attribute name: {name!r}")
    if name == "TrackID":
        raise ValueError("TrackID cannot be changed")
    if len(_valid_names) < _MAX_VALID_NAMES:
        _valid_names.add(name)


class Library:
    """A rekordbox library read from ``path`` (see :func:`read_library`)."""

    def __init__(
        self,
        path: Path,
        tracks: list[Track],
        playlists: list[PlaylistNode],
        skeleton: Element,
        source: SourceDoc | None,
        newline: bytes,
    ) -> None:
        self.path = path
        self.tracks = tracks
        #: every NODE directly under PLAYLISTS (normally just ROOT)
        self._top_nodes = playlists
        if not playlists:
            playlists.append(PlaylistNode.folder("ROOT"))
        self._skeleton = skeleton
        self._source = source
        self.newline = newline
        self._index: dict[str, Track] = {track.track_id: track for track in tracks}
        #: the track list as read: while ``tracks`` is still exactly this, the writer may
        #: splice into the input's bytes
        self._loaded_tracks: tuple[Track, ...] | None = tuple(tracks) if source is not None else None
        self._location_ids: dict[str, str] | None = None

    @property
    def playlists(self) -> PlaylistNode:
        """The ROOT folder (an empty one when the file has no PLAYLISTS)."""
        return self._top_nodes[0]

    def track_by_id(self, track_id: str) -> Track:
        try:
            return self._index[track_id]
        except KeyError:
            raise KeyError(f"no track with TrackID {track_id!r} in {self.path.name}") from None

    def __len__(self) -> int:
        return len(self.tracks)

    def set_track_attributes(self, track_id: str, changes: Mapping[str, str | None]) -> None:
        """Set (or add) attributes of one track; a new name goes after the existing ones.
        A value of None removes the attribute (restore uses it for attributes we added).

        Values are plain text (no escaping needed). TrackID cannot be changed (playlists
        refer to it), and characters XML cannot carry are refused with ValueError.
        """
        track = self.track_by_id(track_id)
        for name, value in changes.items():
            if name not in _valid_names:
                _check_name(name)
            if value is None:
                if name == "TrackID":
                    raise ValueError("TrackID cannot be removed")
                continue
            if value.__class__ is not str and not isinstance(value, str):
                raise ValueError(f"{name} must be a string, not {type(value).__name__}")
            # isprintable() is a quick yes for ordinary text; the regex is the real rule
            if not value.isprintable() and INVALID_XML_CHARS.search(value):
                raise ValueError(f"{name} holds a control character that XML cannot store: {value!r}")
        if track._changes is None:
            track._changes = dict(changes)
        else:
            track._changes.update(changes)
        if "Location" in changes:
            self._location_ids = None

    def add_playlist(self, folder_path: Sequence[str], name: str, track_ids: Sequence[str]) -> PlaylistNode:
        """Add a TrackID-keyed playlist under ROOT / ``folder_path``, creating folders.

        A playlist of the same name already in that folder has its tracks replaced, so
        running "split" twice does not duplicate playlists.
        """
        unknown = [track_id for track_id in track_ids if track_id not in self._index]
        if unknown:
            raise KeyError(f"no track with TrackID {unknown[0]!r} in {self.path.name}")
        node = self.playlists
        for folder_name in folder_path:
            child = node.find_child(folder_name, folder=True)
            if child is None:
                child = PlaylistNode.folder(folder_name)
                node.children.append(child)
            node = child
        existing = node.find_child(name, folder=False)
        if existing is not None:
            existing.track_keys = list(track_ids)
            existing.attrs["KeyType"] = str(KEY_TYPE_TRACK_ID)
            return existing
        playlist = PlaylistNode.playlist(name, track_ids)
        node.children.append(playlist)
        return playlist

    def remove_top_level_folder(self, name: str) -> int:
        """Remove the folders called ``name`` directly under ROOT, with all they hold (the
        "Tag Genius" folder an earlier split made). Returns how many were removed."""
        root = self.playlists
        kept = [child for child in root.children if not (child.is_folder and child.name == name)]
        removed = len(root.children) - len(kept)
        root.children[:] = kept
        return removed

    def subset(self, track_ids: Iterable[str]) -> "Library":
        """A new library holding only these tracks (collection order kept), with every
        folder and playlist kept but filtered to them (empty ones stay)."""
        wanted = set(track_ids)
        unknown = wanted.difference(self._index)
        if unknown:
            raise KeyError(f"no track with TrackID {sorted(unknown)[0]!r} in {self.path.name}")
        with gc_paused():
            tracks = [track._copy() for track in self.tracks if track.track_id in wanted]
        location_ids = self._track_ids_by_location() if self._uses_location_keys() else {}

        def keep(node: PlaylistNode, key: str) -> bool:
            if node.key_type == KEY_TYPE_LOCATION:
                return location_ids.get(key) in wanted
            return key in wanted

        nodes = [node._filtered_copy(keep) for node in self._top_nodes]
        copy = Library(self.path, tracks, nodes, self._skeleton, self._source, self.newline)
        copy._loaded_tracks = None  # a different track list: the writer lays it all out
        return copy

    # -- helpers -------------------------------------------------------------------------

    def _uses_location_keys(self) -> bool:
        return any(node.key_type == KEY_TYPE_LOCATION for top in self._top_nodes for _, node in top._walk([]))

    def _track_ids_by_location(self) -> dict[str, str]:
        if self._location_ids is None:
            mapping: dict[str, str] = {}
            for track in self.tracks:
                location = track.get("Location")
                if location:
                    mapping.setdefault(location, track.track_id)
            self._location_ids = mapping
        return self._location_ids

    def _spliceable(self) -> bool:
        loaded = self._loaded_tracks
        return (
            self._source is not None
            and loaded is not None
            and len(loaded) == len(self.tracks)
            and all(a is b for a, b in zip(loaded, self.tracks, strict=True))
        )


def location_to_path(location: str) -> str:
    """A filesystem path from a rekordbox Location (``file://localhost/...``).

    Strips the prefix and percent-decodes; never parsed as a URL, where a raw ``#`` or
    ``?`` in a file name would be cut off as fragment or query.
    """
    for prefix in ("file://localhost", "file://"):
        if location.startswith(prefix):
            location = location[len(prefix) :]
            break
    path = unquote(location)
    if re.match(r"/[A-Za-z]:/", path):  # Windows: /C:/Music/...
        path = path[1:]
    return path
