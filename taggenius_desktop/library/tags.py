"""Fast reading and rewriting of one start tag, straight from the input's bytes.

A 100,000-track library has 100,000 TRACK start tags; the tagger reads every one and the
writer rewrites every one it tagged, so this is the hot path. It leans on C-level bytes
operations instead of a per-attribute Python loop:

* Splitting a start tag on ``"`` gives names and values alternately, because a value in
  double quotes cannot contain ``"``. The name parts, whitespace collapsed, form a *layout
  key*: nearly every TRACK of a file has the same one, so the names are analysed once per
  key and cached (:class:`TagLayout`).
* Values are decoded all at once (one join, one decode, one split); references and raw
  tabs/newlines are then resolved the way a parser does (the file was checked, so only
  the five predefined entities and character references can occur). A tag of unusual
  shape (single-quoted values, non-ASCII names) goes to lxml, which is always right.
* Rewriting keeps every unchanged value's bytes exactly as the input wrote them, puts the
  changed ones in, and re-wraps the lines with rekordbox's rule using ``find``/``rfind``
  on the one-line tag rather than walking the attributes one by one.

The file as a whole has been checked by libxml2 before any of this runs (see
``safety.validate``), so a tag handed in here is well-formed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Mapping

from lxml import etree

from ..caches import register
from .rbformat import WRAP_AFTER_BYTES, escape_attribute, format_start_tag
from .safety import fragment_parser

_FIRST_PART = re.compile(rb"<([A-Za-z_][\w.-]*) ([A-Za-z_][\w.-]*) ?= ?")
_MIDDLE_PART = re.compile(rb" ([A-Za-z_][\w.-]*) ?= ?")
_LAST_PART = re.compile(rb" ?(/?)>")
_EMPTY_TAG = re.compile(rb"<([A-Za-z_][\w.-]*) ?(/?)>")
_REFERENCE = re.compile("&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_MAX_CACHED = 16384


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: layouts are cached
class TagLayout:
    """The attribute names of a start tag (in order) and what rewriting it needs."""

    tag: str
    names: tuple[str, ...]
    index: Mapping[str, int]
    #: ``<TRACK TrackID=``, ``\0Name=``, ... : joined with the values by ``"`` they give the
    #: tag on one line, with NUL (which no XML can hold) in place of the space that starts
    #: each later attribute, marking where a line may break
    heads: tuple[bytes, ...]
    self_closing: bool
    #: the one-line tag with ``%s`` for each value: filled in by one C-level format
    template: bytes = b""

    def __post_init__(self) -> None:
        close = b"/>" if self.self_closing else b">"
        if not self.heads:
            template = b"<" + self.tag.encode() + close
        else:  # names cannot hold "%", so the heads need no escaping
            template = b"".join(head + b'"%s"' for head in self.heads) + close
        object.__setattr__(self, "template", template)

    def without(self, names: frozenset[str]) -> "TagLayout":
        """This layout with ``names`` removed (restore takes back an attribute we added)."""
        remaining = tuple(name for name in self.names if name not in names)
        heads = tuple(
            (f"<{self.tag} {name}=" if i == 0 else f"\0{name}=").encode() for i, name in enumerate(remaining)
        )
        return TagLayout(
            tag=self.tag,
            names=remaining,
            index={name: i for i, name in enumerate(remaining)},
            heads=heads,
            self_closing=self.self_closing,
        )

    def extended(self, names: tuple[str, ...]) -> "TagLayout":
        """This layout with ``names`` appended (cached: taggers add the same few)."""
        key = (self, names)
        layout = _extended.get(key)
        if layout is None:
            all_names = self.names + names
            added = [b"\0" + name.encode() + b"=" for name in names]
            if not self.names:  # the first head carries "<TAG " instead of a marker
                added[0] = f"<{self.tag} {names[0]}=".encode()
            layout = TagLayout(
                tag=self.tag,
                names=all_names,
                index={name: i for i, name in enumerate(all_names)},
                heads=self.heads + tuple(added),
                self_closing=self.self_closing,
            )
            if len(_extended) < _MAX_CACHED:
                _extended[key] = layout
        return layout


#: raw name parts of a tag (joined by '"') -> layout; whitespace is kept in the key so
#: the lookup costs one join, at the price of one entry per wrap pattern
_layouts: dict[bytes, TagLayout | None] = register("library.tags.layouts", {}, _MAX_CACHED)
#: the same, whitespace collapsed: one entry per attribute list
_normalised: dict[bytes, TagLayout | None] = register("library.tags.normalised", {}, _MAX_CACHED)
_extended: dict[tuple[TagLayout, tuple[str, ...]], TagLayout] = register("library.tags.extended", {}, _MAX_CACHED)
_escaped: dict[str, bytes] = register("library.tags.escaped", {}, _MAX_CACHED)


def _analyse(key: bytes) -> TagLayout | None:
    """Names from a whitespace-collapsed layout key, or None if the tag is unusual.

    Unusual means single-quoted values, names with namespace prefixes and the like: the
    caller then uses the exact lxml path.
    """
    pieces = key.split(b'"')
    if len(pieces) == 1:
        empty = _EMPTY_TAG.fullmatch(pieces[0])
        if not empty:
            return None
        return TagLayout(empty.group(1).decode(), (), {}, (), bool(empty.group(2)))
    first = _FIRST_PART.fullmatch(pieces[0])
    last = _LAST_PART.fullmatch(pieces[-1])
    if not first or not last:
        return None
    names = [first.group(2)]
    for piece in pieces[1:-1]:
        middle = _MIDDLE_PART.fullmatch(piece)
        if not middle:
            return None
        names.append(middle.group(1))
    if len(set(names)) != len(names):
        return None
    tag = first.group(1)
    heads = [b"<" + tag + b" " + names[0] + b"="] + [b"\0" + name + b"=" for name in names[1:]]
    return TagLayout(
        tag=tag.decode(),
        names=tuple(name.decode() for name in names),
        index={name.decode(): i for i, name in enumerate(names)},
        heads=tuple(heads),
        self_closing=bool(last.group(1)),
    )


def _layout_for(key: bytes) -> TagLayout | None:
    normal = b" ".join(key.split())
    try:
        layout = _normalised[normal]
    except KeyError:
        layout = _analyse(normal)
        if len(_normalised) < _MAX_CACHED:
            _normalised[normal] = layout
    if len(_layouts) < _MAX_CACHED:
        _layouts[key] = layout
    return layout


def split_tag(tag: bytes) -> tuple[TagLayout, list[bytes]] | None:
    """The layout and the raw (still escaped) value bytes of a start tag, or None."""
    parts = tag.split(b'"')
    if not len(parts) & 1:
        return None
    key = b'"'.join(parts[0::2])
    try:
        layout = _layouts[key]
    except KeyError:
        layout = _layout_for(key)
    if layout is None:
        return None
    return layout, parts[1::2]


def _split_unescaped(text: str) -> list[str]:
    """Values joined by '"' -> values as a parser reports them (the file is well-formed).

    Works on all values at once. A reference that stands for '"' becomes NUL (which no
    XML document can contain) until after the split, so it cannot split a value.
    """
    if "\r" in text or "\n" in text or "\t" in text:
        # XML normalises line ends, then turns each raw whitespace character into a space
        text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ")
    if "&" in text:
        text = _REFERENCE.sub(_reference, text)
    values = text.split('"')
    if "\0" in text:
        values = [value.replace("\0", '"') for value in values]
    return values


def _reference(match: re.Match[str]) -> str:
    name = match.group(1)
    if name[0] != "#":
        char = _NAMED[name]
    else:
        char = chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
    return "\0" if char == '"' else char


def lxml_attributes(tag: bytes) -> list[tuple[str, str]]:
    """Exact attributes of one start tag, parsed by lxml (the slow, always-right path)."""
    if not tag.endswith(b"/>"):
        tag = tag[:-1] + b"/>"
    element = etree.fromstring(tag, fragment_parser())
    items: list[tuple[str, str]] = element.items()
    return items


def read_attributes(tag: bytes) -> dict[str, str]:
    """The attributes of a start tag in document order, values unescaped."""
    # Works on str: one decode, one split, and the values are ready (the hot path of a
    # tagging job, which reads every track once).
    text = tag.decode("utf-8")
    parts = text.split('"')
    if len(parts) & 1:
        key = '"'.join(parts[0::2])
        try:
            layout, line_ends = _text_layouts[key]
        except KeyError:
            layout, line_ends = _text_layout_for(key)
        if layout is not None:
            values = parts[1::2]
            # Line ends outside the name parts sit inside values: XML normalises those.
            if "&" in text or "\t" in text or text.count("\n") + text.count("\r") != line_ends:
                values = _split_unescaped('"'.join(values))
            return dict(zip(layout.names, values, strict=False))
    return dict(lxml_attributes(tag))


_text_layouts: dict[str, tuple[TagLayout | None, int]] = register("library.tags.text_layouts", {}, _MAX_CACHED)


def _text_layout_for(key: str) -> tuple[TagLayout | None, int]:
    entry = (_layout_for(key.encode("utf-8")), key.count("\n") + key.count("\r"))
    if len(_text_layouts) < _MAX_CACHED:
        _text_layouts[key] = entry
    return entry


def escape_bytes(value: str) -> bytes:
    """``escape_attribute(value)`` as UTF-8, cached: taggers write the same values often."""
    encoded = _escaped.get(value)
    if encoded is None:
        encoded = escape_attribute(value).encode("utf-8")
        if len(_escaped) < _MAX_CACHED:
            _escaped[value] = encoded
    return encoded


def rewrite_tag(
    tag: bytes,
    changes: Mapping[str, str | None],
    line_prefix: bytes,
    newline: bytes,
    force: bool = False,
) -> bytes | None:
    """``tag`` with ``changes`` applied (new names appended, a None value removes the
    attribute), or None if nothing changed.

    Unchanged values keep their input bytes; the line wrapping follows rekordbox's rule.
    With ``force`` the tag is laid out again even if no value changed.
    """
    split = split_tag(tag)
    if split is None:
        return _rewrite_slow(tag, changes, line_prefix, newline, force)
    layout, values = split
    index = layout.index
    added: list[str] = []
    removed: set[str] = set()
    changed = force
    for name, value in changes.items():
        position = index.get(name)
        if value is None:
            if position is not None:
                removed.add(name)
                changed = True
            continue
        encoded = _escaped.get(value) or escape_bytes(value)
        if position is None:
            added.append(name)
            values.append(encoded)
            changed = True
        elif values[position] != encoded:
            values[position] = encoded
            changed = True
    if not changed:
        return None
    if added:
        layout = layout.extended(tuple(added))
    if removed:
        values = [value for name, value in zip(layout.names, values, strict=False) if name not in removed]
        layout = layout.without(frozenset(removed))
    return join_wrapped(layout, values, line_prefix, newline)


def join_wrapped(layout: TagLayout, values: list[bytes], line_prefix: bytes, newline: bytes) -> bytes:
    """Assemble a start tag from escaped values and wrap it the way rekordbox does.

    The rule: the next attribute goes on the current line while the line's attribute text
    is at most 60 bytes; so a line ends with the attribute holding its 61st byte. With
    each attribute's start marked by NUL, a line is simply its first 61 bytes (counted
    from its marker; the first line from after "<TAG ") and whatever follows up to the
    next marker, so one regex (see :func:`_wrapper`) cuts every line in C.
    """
    flat = layout.template % tuple(values)
    wrapper = _wrappers.get((layout.tag, line_prefix, newline))
    if wrapper is None:
        wrapper = _wrapper(layout.tag, line_prefix, newline)
    lines, separator = wrapper
    return separator.join(lines(flat)).replace(b"\0", b" ")


def _wrapper(tag: str, line_prefix: bytes, newline: bytes) -> tuple[Callable[[bytes], list[bytes]], bytes]:
    """The line finder and line separator for ``tag`` at ``line_prefix`` (cached)."""
    reach = WRAP_AFTER_BYTES + 1
    first = len(tag) + 1 + reach  # "<TAG" is not counted, the space after it is
    # Greedy, so each line takes all the bytes it may before looking for the next marker;
    # the last line is whatever is left.
    lines = re.compile(rb"\A.{1,%d}[^\0]*|.{1,%d}[^\0]*" % (first, reach), re.DOTALL).findall
    separator = newline + line_prefix + b" " * (len(tag) + 1)
    wrapper = (lines, separator)
    if len(_wrappers) < _MAX_WRAPPERS:
        _wrappers[(tag, line_prefix, newline)] = wrapper
    return wrapper


#: one per element name and indentation: a handful in any library
_MAX_WRAPPERS = 256
_wrappers: dict[tuple[str, bytes, bytes], tuple[Callable[[bytes], list[bytes]], bytes]] = register(
    "library.tags.wrappers", {}, _MAX_WRAPPERS)


def _rewrite_slow(
    tag: bytes, changes: Mapping[str, str | None], line_prefix: bytes, newline: bytes, force: bool
) -> bytes | None:
    items = lxml_attributes(tag)
    current = dict(items)
    if not force and all(current.get(name) == value for name, value in changes.items()):
        return None
    merged = dict(items)
    for name, value in changes.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    name = etree.fromstring(tag if tag.endswith(b"/>") else tag[:-1] + b"/>", fragment_parser()).tag
    return format_start_tag(name, merged, line_prefix, newline, self_closing=tag.endswith(b"/>"))
