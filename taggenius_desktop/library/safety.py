"""Reading untrusted library files safely, and turning parser failures into plain words.

A library file comes from anywhere (downloads, other tools, attackers). Rules:

* entity declarations are refused before the parser ever sees the file: a "billion laughs"
  file is never expanded, an external entity is never resolved (rekordbox never writes a
  DTD, so nothing real is lost);
* lxml runs with entity resolution off, no network, no DTD loading; ``huge_tree`` (which
  lifts libxml2's protective limits) only for files that are really large;
* every failure becomes a :class:`LibraryError` whose message names the file and the
  problem in one line.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from lxml import etree

from .errors import LibraryError

ROOT_TAG = "DJ_PLAYLISTS"

#: libxml2's default limits are fine up to here (a 100,000-track library is ~90 MB);
#: beyond it ``huge_tree`` is switched on so a real, very large library still loads.
HUGE_TREE_BYTES = 256 * 1024 * 1024

_UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_DECLARATION = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<\?xml\s[^>]*?\?>", re.S)
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_EXTERNAL_ENTITY = re.compile(rb"<!ENTITY\s+(?:%\s*)?[^\s>]+\s+(?:SYSTEM|PUBLIC)\b")
_DOCTYPE_HEADER = re.compile(rb"<!DOCTYPE[^\[>]*")
# The first element's name, after the declaration, comments, PIs and a DOCTYPE.
# (one whitespace byte per step: "\s+" inside "*" would backtrack exponentially)
_FIRST_ELEMENT = re.compile(
    rb"\A(?:\xef\xbb\xbf)?(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>)*<([A-Za-z_][\w.:-]*)", re.S
)


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise LibraryError(path, "file not found") from None
    except IsADirectoryError:
        raise LibraryError(path, "is a folder, not a library file") from None
    except PermissionError:
        raise LibraryError(path, "cannot be read (permission denied)") from None
    except OSError as exc:
        raise LibraryError(path, f"cannot be read ({exc.strerror or exc})") from None


def check_before_parsing(path: Path, data: bytes) -> None:
    """Refuse what must never reach the parser, and what is plainly not a library."""
    if not data or data.isspace():
        raise LibraryError(path, "empty file, not a rekordbox library")
    if data.startswith(_OTHER_BOMS):
        raise LibraryError(path, "is UTF-16/UTF-32 encoded; rekordbox libraries are UTF-8")
    declaration = _DECLARATION.match(data)
    if declaration:
        encoding = _ENCODING.search(declaration.group())
        if encoding and encoding.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
            name = encoding.group(1).decode("ascii")
            raise LibraryError(path, f"unsupported encoding {name!r}; rekordbox libraries are UTF-8")
    # `<!ENTITY` cannot occur in element content or attribute values, so finding it
    # anywhere means a DTD declares entities (or, harmlessly, a comment mentions one:
    # refusing that too costs nothing real).
    if b"<!ENTITY" in data:
        if _EXTERNAL_ENTITY.search(data):
            raise LibraryError(
                path,
                "refused: the file declares an external entity (<!ENTITY ... SYSTEM ...>) that "
                "would read another file or URL; rekordbox libraries never do this",
            )
        raise LibraryError(
            path,
            "refused: the file declares XML entities (<!ENTITY ...>), which can expand into "
            "gigabytes (the 'billion laughs' attack); rekordbox libraries never declare any",
        )
    doctype_at = data.find(b"<!DOCTYPE")
    doctype = _DOCTYPE_HEADER.match(data, doctype_at) if doctype_at != -1 else None
    if doctype and (b"SYSTEM" in doctype.group() or b"PUBLIC" in doctype.group()):
        raise LibraryError(
            path, "refused: the file refers to an external DTD (<!DOCTYPE ... SYSTEM ...>); rekordbox libraries never do"
        )
    first = _FIRST_ELEMENT.match(data)
    if first and first.group(1) != ROOT_TAG.encode():
        raise wrong_root(path, first.group(1).decode("utf-8", "replace"))


def wrong_root(path: Path, tag: str) -> LibraryError:
    return LibraryError(path, f"not a rekordbox library (root element is <{tag}>, expected <{ROOT_TAG}>)")


def make_parser(size: int, **options: object) -> etree.XMLParser:
    """The only way this package builds an lxml parser."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=size > HUGE_TREE_BYTES,
        **options,
    )


_local = threading.local()


def fragment_parser() -> etree.XMLParser:
    """A safe parser for small pieces of an already-checked file (one per thread: lxml
    parsers must not be shared between threads; building one costs more than a parse)."""
    parser = getattr(_local, "fragment_parser", None)
    if parser is None:
        parser = _local.fragment_parser = make_parser(0, remove_comments=True, remove_pis=True)
    return parser


class _Nothing:
    """A parser target that builds nothing: libxml2 checks the whole file at C speed."""

    def close(self) -> None:
        return None


def validate(path: Path, data: bytes) -> None:
    """Check that the whole file is well-formed XML, without building a tree."""
    try:
        etree.fromstring(data, make_parser(len(data), target=_Nothing()))
    except etree.XMLSyntaxError as exc:
        raise syntax_error(path, data, exc) from None


class BackgroundValidation:
    """:func:`validate` in a thread: libxml2 runs without the GIL, so the check costs
    almost no wall time while the reader scans the bytes. Call :meth:`result` before
    trusting (or reporting) anything the reader found."""

    def __init__(self, path: Path, data: bytes) -> None:
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(path, data), name="library-validate", daemon=True)
        self._thread.start()

    def _run(self, path: Path, data: bytes) -> None:
        try:
            validate(path, data)
        except BaseException as exc:  # handed to the reading thread
            self._error = exc

    def result(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error


def syntax_error(path: Path, data: bytes, exc: etree.XMLSyntaxError) -> LibraryError:
    entry = exc.error_log.last_error if exc.error_log else None
    message = (entry.message if entry is not None else str(exc)).strip()
    line = entry.line if entry is not None else (exc.lineno or 0)
    if "amplification" in message:
        return LibraryError(path, "refused: entity expansion too large (possible 'billion laughs' attack)")
    if "Document is empty" in message or "Start tag expected" in message:
        return LibraryError(path, f"not XML, so not a rekordbox library ({message})")
    if "encoding" in message.lower():
        return LibraryError(path, f"not valid UTF-8 text at line {line} ({message})")
    last_line = data.count(b"\n") + 1
    if line >= last_line - 1 or "Premature end" in message or ("EndTag" in message and line >= last_line - 2):
        return LibraryError(path, f"the file ends too early, it looks truncated (line {line}: {message})")
    return LibraryError(path, f"not well-formed XML at line {line} ({message})")
