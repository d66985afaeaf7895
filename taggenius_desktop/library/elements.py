"""Plain elements for the parts of a library the model does not interpret.

PRODUCT, a TRACK's TEMPO and POSITION_MARK children and any element another tool added
are kept as :class:`Element` so a full rewrite loses nothing. They are plain Python (no
lxml proxies), so keeping them does not keep a whole parsed document alive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from lxml import etree

from .rbformat import INDENT_STEP, escape_text, format_start_tag


@dataclass(slots=True)
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list["Element"] = field(default_factory=list)
    #: non-blank character data (rekordbox writes none; kept so nothing is lost)
    text: str | None = None


def from_lxml(node: etree._Element) -> Element:
    children = [from_lxml(child) for child in node if isinstance(child.tag, str)]
    text = node.text if node.text and node.text.strip() else None
    return Element(node.tag, dict(node.attrib), children, text)


def write_element(write: Callable[[bytes], object], element: Element, prefix: bytes, newline: bytes) -> None:
    """Write ``element`` in rekordbox layout; the caller has already written ``prefix``."""
    childless = not element.children and element.text is None
    write(format_start_tag(element.tag, element.attrs, prefix, newline, self_closing=childless))
    if childless:
        return
    if element.text is not None:
        write(escape_text(element.text).encode("utf-8"))
    inner = prefix + b" " * INDENT_STEP
    for child in element.children:
        write(newline + inner)
        write_element(write, child, inner, newline)
    if element.children:
        write(newline + prefix)
    write(b"</" + element.tag.encode("utf-8") + b">")
