"""Finding elements in the input's bytes, so the writer can splice instead of re-serialising.

Runs only on a file libxml2 has already checked as well-formed. In such a file every
``<`` starts markup (``<`` cannot appear raw in text or attribute values), so a regular
expression that knows quoted attribute values and skips comments, CDATA sections and
processing instructions finds exactly the elements the parser sees. Anything that does
not fit the expected shape (text or other elements between TRACKs, a TRACK inside a
TRACK, a start tag without its end) makes the scan give up (None), and the reader then
uses the full lxml tree instead: slower, never wrong.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..caches import registered
from .model import ElementSpan

_SPECIAL = rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>"
# Attribute text of a start tag: quoted values may hold ">" (other tools leave it raw).
_ATTRIBUTES = rb"""[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*"""
_DECLARATION_END = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<\?xml\s.*?\?>", re.S)

# One whole COLLECTION TRACK element with the whitespace before it: the fast path for
# files without comments, CDATA or processing instructions after the declaration.
# Group 2 catches TrackID when it is the first attribute and needs no unescaping (always,
# in rekordbox's own files), so the reader need not parse the tag for it. The start tag
# is taken to end at the first ">" (quote-aware matching costs 3x more); a raw ">" inside
# a value would cut it short, which leaves an odd number of '"' in it and is caught.
_TRACK_ELEMENT = re.compile(
    rb"\s*(<TRACK(?:\sTrackID=\"([^\"&\t\n\r]*)\")?(?=[\s/>])[^>]*>)"
    rb"(?:(?<=/>)|[^<]*+(?:<(?!/TRACK\s*>)[^<]*+)*+</TRACK\s*>)",
    re.S,
)
_TRACK_TOKEN = re.compile(
    _SPECIAL + rb"|(<TRACK(?=[\s/>])" + _ATTRIBUTES + rb">)|(</TRACK\s*>)",
    re.S,
)


class Unusual(Exception):
    """The file is well-formed but not shaped for splicing: read it as a tree instead."""


def has_special_markup(data: bytes) -> bool:
    """Comments, CDATA, a DOCTYPE or processing instructions after the XML declaration."""
    declaration = _DECLARATION_END.match(data)
    after = declaration.end() if declaration else 0
    # "!" and "?" are rare in a library, "<" is everywhere: look for the rare byte first
    for pair in (b"<!", b"<?"):
        if data.find(pair[1:], after) != -1 and data.find(pair, after) != -1:
            return True
    return False


def newline_of(data: bytes) -> bytes:
    """The input's line ending (rekordbox writes CRLF; some exports were converted to LF)."""
    first = data.find(b"\n")
    if first == -1:
        return b"\r\n"
    return b"\r\n" if first > 0 and data[first - 1 : first] == b"\r" else b"\n"


@registered("library.scan.start_tag")
@lru_cache(maxsize=32)  # a reader looks for three element names
def _start_tag(name: bytes, specials: bool) -> re.Pattern[bytes]:
    tag = rb"<" + re.escape(name) + rb"(?=[\s/>])" + _ATTRIBUTES + rb">"
    if specials:
        return re.compile(_SPECIAL + rb"|(" + tag + rb")", re.S)
    return re.compile(rb"(" + tag + rb")", re.S)


@registered("library.scan.end_tag")
@lru_cache(maxsize=32)
def _end_tag(name: bytes, specials: bool) -> re.Pattern[bytes]:
    tag = rb"</" + re.escape(name) + rb"\s*>"
    if specials:
        return re.compile(_SPECIAL + rb"|(" + tag + rb")", re.S)
    return re.compile(rb"(" + tag + rb")", re.S)


def _first(pattern: re.Pattern[bytes], data: bytes, start: int, end: int) -> tuple[int, int] | None:
    for match in pattern.finditer(data, start, end):
        if match.group(1) is not None:
            return match.span(1)
    return None


def find_element(data: bytes, name: bytes, start: int, end: int, specials: bool) -> ElementSpan | None:
    """The first ``name`` element starting in ``data[start:end]``, or None if there is none."""
    if specials:
        found = _first(_start_tag(name, specials), data, start, end)
    else:
        found = _find_plain(data, b"<" + name, _start_tag(name, False), start, end)
    if found is None:
        return None
    tag_start, tag_end = found
    if data[tag_end - 2 : tag_end] == b"/>":
        return ElementSpan(tag_start, tag_end, tag_end, tag_end)
    if specials:
        closing = _first(_end_tag(name, specials), data, tag_end, end)
    else:
        closing = _find_plain(data, b"</" + name, _end_tag(name, False), tag_end, end)
    if closing is None:
        raise Unusual(f"no end tag for <{name.decode()}>")
    return ElementSpan(tag_start, tag_end, closing[0], closing[1])


def _find_plain(data: bytes, literal: bytes, pattern: re.Pattern[bytes], start: int, end: int) -> tuple[int, int] | None:
    """Without comments and the like every occurrence is markup: find the literal at C
    speed and let the pattern check and measure the tag there."""
    position = data.find(literal, start, end)
    while position != -1:
        match = pattern.match(data, position, end)
        if match:
            return match.span(1)
        position = data.find(literal, position + 1, end)
    return None


def scan_tracks(
    data: bytes, start: int, end: int, specials: bool
) -> tuple[list[tuple[int, int, int]], list[bytes | None]]:
    """Spans ``(start, start tag end, element end)`` of every TRACK directly in
    ``data[start:end]``, and each one's raw TrackID when it could be read off cheaply.

    Raises :class:`Unusual` if anything but TRACK elements, whitespace (and comments)
    sits there.
    """
    if not specials:
        try:
            return _scan_tracks_plain(data, start, end)
        except Unusual:
            pass  # the careful tokenizer below decides
    spans = _scan_tracks_with_specials(data, start, end)
    return spans, [None] * len(spans)


def _scan_tracks_plain(data: bytes, start: int, end: int) -> tuple[list[tuple[int, int, int]], list[bytes | None]]:
    spans = []
    raw_ids: list[bytes | None] = []
    position = start
    count = data.count
    # rekordbox writes ' as &apos;: usually there is none to worry about at all
    if data.find(b"'", start, end) != -1:
        raise Unusual("single quotes: quote-aware scanning needed")
    for match in _TRACK_ELEMENT.finditer(data, start, end):
        whole, tag, track_id = match.regs
        if whole[0] != position:
            raise Unusual("something other than TRACK elements in COLLECTION")
        if count(b'"', tag[0], tag[1]) & 1:
            raise Unusual("a start tag needs quote-aware scanning")
        position = whole[1]
        spans.append((tag[0], tag[1], position))
        raw_ids.append(data[track_id[0] : track_id[1]] if track_id[0] >= 0 else None)
    if data[position:end].strip():
        raise Unusual("something other than TRACK elements in COLLECTION")
    return spans, raw_ids


def _scan_tracks_with_specials(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    spans: list[tuple[int, int, int]] = []
    open_track: tuple[int, int] | None = None
    position = start
    for match in _TRACK_TOKEN.finditer(data, start, end):
        if open_track is None and data[position : match.start()].strip():
            raise Unusual("something other than TRACK elements in COLLECTION")
        if match.group(1) is not None:
            if open_track is not None:
                raise Unusual("TRACK inside a TRACK")
            tag_start, tag_end = match.span(1)
            if data[tag_end - 2 : tag_end] == b"/>":
                spans.append((tag_start, tag_end, tag_end))
            else:
                open_track = (tag_start, tag_end)
        elif match.group(2) is not None:
            if open_track is None:
                raise Unusual("stray </TRACK>")
            spans.append((open_track[0], open_track[1], match.end()))
            open_track = None
        position = match.end()
    if open_track is not None or data[position:end].strip():
        raise Unusual("something other than TRACK elements in COLLECTION")
    return spans


def line_prefix(data: bytes, position: int) -> bytes:
    """What precedes ``position`` on its line, as indentation for wrapped attribute lines."""
    line_start = data.rfind(b"\n", 0, position) + 1
    prefix = data[line_start:position]
    if not prefix or prefix.isspace():
        return prefix
    return b" " * len(prefix)
