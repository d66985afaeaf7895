"""Fast reading and rewriting of one start tag, straight from the input's bytes.

A 100,000-track library has 100,000 TRACK start tags; the tagger reads every one and the
writer rewrites every one it tagged, so this is the hot path. It leans on C-level bytes
operations instead of a per-attribute Python loop:

* Splitting a start tag on ``"`` gives names and values alternately, because a value in
  double quotes cannot contain ``"``. The name parts, whitespace collapsed, form a *layout
  key*: nearly every TRACK of a file has the same one, so the names are analysed once per
  key and cached (:class:`TagLayout`).
* Values are decoded all at once (one join, one decode, one split). Values with entity
  or character references, or raw tabs/newlines (which XML normalises), take the exact
  slow path: lxml parses that single tag.
* Rewriting keeps every unchanged value's bytes exactly as the input wrote them, puts the
  changed ones in, and re-wraps the lines with rekordbox's rule using cumulative lengths and
  ``bisect`` rather than walking the attributes one by one.

The file as a whole has been checked by libxml2 before any of this runs (see
``safety.validate``), so a tag handed in here is well-formed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from operator import add
from typing import Mapping

from lxml import etree

from .rbformat import WRAP_AFTER_BYTES, escape_attribute, format_start_tag
from .safety import make_parser

_FIRST_PART = re.compile(rb"<([A-Za-z_][\w.-]*) ([A-Za-z_][\w.-]*) ?= ?")
_MIDDLE_PART = re.compile(rb" ([A-Za-z_][\w.-]*) ?= ?")
_LAST_PART = re.compile(rb" ?(/?)>")
_EMPTY_TAG = re.compile(rb"<([A-Za-z_][\w.-]*) ?(/?)>")
_MAX_CACHED_LAYOUTS = 4096


@dataclass(frozen=True, slots=True)
class TagLayout:
    """The attribute names of a start tag (in order) and what rewriting it needs."""

    tag: str
    names: tuple[str, ...]
    index: Mapping[str, int]
    #: ``<TRACK TrackID=``, `` Name=``, ... : joined with the values by ``"`` they give the
    #: tag on one line.
    heads: tuple[bytes, ...]
    #: bytes of `` name=""`` per attribute: add a value's length for its wrap-rule length
    widths: tuple[int, ...]
    self_closing: bool


_layouts: dict[bytes, TagLayout | None] = {}


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
        return TagLayout(empty.group(1).decode(), (), {}, (), (), bool(empty.group(2)))
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
    heads = [b"<" + tag + b" " + names[0] + b"="] + [b" " + name + b"=" for name in names[1:]]
    return TagLayout(
        tag=tag.decode(),
        names=tuple(name.decode() for name in names),
        index={name.decode(): i for i, name in enumerate(names)},
        heads=tuple(heads),
        widths=tuple(len(name) + 4 for name in names),
        self_closing=bool(last.group(1)),
    )


def split_tag(tag: bytes) -> tuple[TagLayout, list[bytes]] | None:
    """The layout and the raw (still escaped) value bytes of a start tag, or None."""
    parts = tag.split(b'"')
    if not len(parts) & 1:
        return None
    key = b" ".join(b'"'.join(parts[0::2]).split())
    try:
        layout = _layouts[key]
    except KeyError:
        layout = _analyse(key)
        if len(_layouts) < _MAX_CACHED_LAYOUTS:
            _layouts[key] = layout
    if layout is None:
        return None
    return layout, parts[1::2]


def _decode_values(values: list[bytes]) -> list[str] | None:
    if not values:
        return []
    blob = b'"'.join(values)
    if b"&" in blob or b"\n" in blob or b"\r" in blob or b"\t" in blob:
        return None
    return blob.decode("utf-8").split('"')


def lxml_attributes(tag: bytes) -> list[tuple[str, str]]:
    """Exact attributes of one start tag, parsed by lxml (the slow, always-right path)."""
    if not tag.endswith(b"/>"):
        tag = tag[:-1] + b"/>"
    element = etree.fromstring(tag, make_parser(len(tag)))
    return element.items()


def read_attributes(tag: bytes) -> dict[str, str]:
    """The attributes of a start tag in document order, values unescaped."""
    split = split_tag(tag)
    if split is not None:
        layout, raw = split
        values = _decode_values(raw)
        if values is not None:
            return dict(zip(layout.names, values))
    return dict(lxml_attributes(tag))


def rewrite_tag(
    tag: bytes,
    changes: Mapping[str, str],
    line_prefix: bytes,
    newline: bytes,
) -> bytes | None:
    """``tag`` with ``changes`` applied (new names appended), or None if nothing changed.

    Unchanged values keep their input bytes; the line wrapping follows rekordbox's rule.
    """
    split = split_tag(tag)
    if split is None:
        return _rewrite_slow(tag, changes, line_prefix, newline)
    layout, values = split
    heads: tuple[bytes, ...] | list[bytes] = layout.heads
    widths: tuple[int, ...] | list[int] = layout.widths
    changed = False
    for name, value in changes.items():
        encoded = escape_attribute(value).encode("utf-8")
        position = layout.index.get(name)
        if position is None:
            if heads is layout.heads:
                heads, widths = list(heads), list(widths)
            if not heads:  # a tag without attributes: the first head carries "<TAG"
                heads.append(f"<{layout.tag} {name}=".encode())
            else:
                heads.append(f" {name}=".encode())
            widths.append(len(name.encode()) + 4)
            values.append(encoded)
            changed = True
        elif values[position] != encoded:
            values[position] = encoded
            changed = True
    if not changed:
        return None
    return join_wrapped(layout.tag, heads, widths, values, layout.self_closing, line_prefix, newline)


def join_wrapped(
    tag: str,
    heads: tuple[bytes, ...] | list[bytes],
    widths: tuple[int, ...] | list[int],
    values: list[bytes],
    self_closing: bool,
    line_prefix: bytes,
    newline: bytes,
) -> bytes:
    """Assemble a start tag from escaped values and wrap it the way rekordbox does."""
    count = len(values)
    close = b"/>" if self_closing else b">"
    if count == 0:
        return b"<" + tag.encode() + close
    sequence: list[bytes] = [close] * (2 * count + 1)
    sequence[0 : 2 * count : 2] = heads
    sequence[1 : 2 * count : 2] = values
    flat = b'"'.join(sequence)
    # ends[i]: bytes of attribute chunks 0..i, each chunk being ` name="value"`.
    ends = list(accumulate(map(add, widths, map(len, values))))
    head = len(tag) + 1  # "<TAG" is not counted by the wrap rule
    cuts: list[int] = []
    line_start = 0
    last = count - 1
    while True:
        i = bisect_right(ends, line_start + WRAP_AFTER_BYTES)
        if i >= last:
            break
        line_start = ends[i]
        cuts.append(head + line_start)
    if not cuts:
        return flat
    lines = []
    previous = 0
    for cut in cuts:
        lines.append(flat[previous:cut])
        previous = cut
    lines.append(flat[previous:])
    return (newline + line_prefix + b" " * head).join(lines)


def _rewrite_slow(tag: bytes, changes: Mapping[str, str], line_prefix: bytes, newline: bytes) -> bytes | None:
    items = lxml_attributes(tag)
    current = dict(items)
    if all(current.get(name) == value for name, value in changes.items()):
        return None
    merged = dict(items)
    merged.update(changes)
    name = etree.fromstring(tag if tag.endswith(b"/>") else tag[:-1] + b"/>", make_parser(len(tag))).tag
    return format_start_tag(name, merged, line_prefix, newline, self_closing=tag.endswith(b"/>"))
