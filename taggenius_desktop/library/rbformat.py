"""How rekordbox lays out its XML, as bytes.

The layout matches JUCE's ``XmlElement`` text writer (``lineWrapLength`` 60), which
rekordbox appears to use with its own escaping: 2-space indentation, attributes in
document order, and a line break before the next attribute once the attribute text
written on the current line (each attribute counted with its leading space, in UTF-8
bytes, after escaping) is longer than 60 bytes. Continuation lines are indented to the
column after ``<TAG``. Childless elements close with ``/>``. These rules reproduce every
real export in the shared fixtures byte for byte (tests/test_library_roundtrip.py), so a
file we write differs from its input only where the data changed.

Everything here works on ``bytes`` because the writer splices new start tags into the
input's bytes: no decoding of the untouched 99 % of a library.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping, Sequence

#: JUCE's ``lineWrapLength`` as rekordbox uses it.
WRAP_AFTER_BYTES = 60
#: Indentation added per nesting level.
INDENT_STEP = 2

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'

_ESCAPES = {
    "&": "&amp;",
    '"': "&quot;",
    "'": "&apos;",
    "<": "&lt;",
    ">": "&gt;",
}
# The 5 entities plus every C0 control character and DEL as a character reference.
# Tab, CR and LF must be written as references too, or a parser would normalise them to
# spaces (XML attribute-value normalisation) and the value would not round-trip.
_NEEDS_ESCAPE = re.compile("[&\"'<>\x00-\x1f\x7f]")
# Characters XML 1.0 cannot carry at all, not even as &#N; (and lone surrogates, which
# UTF-8 cannot encode): a value holding one could not be written or read back, so the
# model refuses it before it reaches the writer.
INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escape_match(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"&#{ord(char)};"


def escape_attribute(value: str) -> str:
    """``value`` as it appears between the quotes of an attribute."""
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    return _NEEDS_ESCAPE.sub(_escape_match, value)


def escape_text(value: str) -> str:
    """Character data: rekordbox never writes any, but other tools' files may carry some."""
    return escape_attribute(value)


def attribute_chunk(name: str, value: str) -> bytes:
    """`` name="value"`` with its leading space: the unit the wrap rule counts."""
    return f' {name}="{escape_attribute(value)}"'.encode("utf-8")


def continuation_indent(line_prefix: bytes, tag: str) -> bytes:
    """Indentation of an attribute line that wrapped: the column after ``<TAG``.

    ``line_prefix`` is what precedes ``<`` on the tag's first line (normally spaces; a tab
    indented file keeps its tabs and aligns with spaces after them).
    """
    return line_prefix + b" " * (len(tag) + 1)


def layout_start_tag(
    tag: str,
    chunks: Iterable[bytes],
    line_prefix: bytes,
    newline: bytes,
    self_closing: bool,
) -> bytes:
    """A start tag from pre-serialised attribute chunks, wrapped the way rekordbox wraps.

    The result starts at ``<`` (the caller has already written ``line_prefix``).
    """
    parts = [b"<", tag.encode("utf-8")]
    wrap = None
    line_len = 0
    for chunk in chunks:
        if line_len > WRAP_AFTER_BYTES:
            if wrap is None:
                wrap = newline + continuation_indent(line_prefix, tag)
            parts.append(wrap)
            line_len = 0
        parts.append(chunk)
        line_len += len(chunk)
    parts.append(b"/>" if self_closing else b">")
    return b"".join(parts)


def format_start_tag(
    tag: str,
    attrs: Mapping[str, str] | Sequence[tuple[str, str]],
    line_prefix: bytes,
    newline: bytes,
    self_closing: bool,
) -> bytes:
    """A start tag for ``attrs`` (a mapping or name/value pairs, in document order)."""
    items = attrs.items() if isinstance(attrs, Mapping) else attrs
    return layout_start_tag(
        tag, (attribute_chunk(name, value) for name, value in items), line_prefix, newline, self_closing
    )
