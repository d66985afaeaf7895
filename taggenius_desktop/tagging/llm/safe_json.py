"""JSON from a server, parsed with bounds: size, nesting depth and numbers.

``json.loads`` trusts its input: 100,000 nested arrays raise RecursionError (which no
``except ValueError`` catches), a 400-digit integer parses and later overflows the first
float arithmetic, ``1e309`` becomes infinity and ``NaN`` is accepted. A reply is data from
outside, so it is checked before it is parsed, and numbers no tag can use become
:class:`Unusable` markers: the one item holding such a value fails, not the whole reply.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

#: A reply is a list of flat objects (depth 3); an API envelope adds a few levels more.
MAX_DEPTH = 32
#: Integers longer than this are no count, energy or year anything could mean.
MAX_INT_DIGITS = 15

# A string token (escapes included) or one bracket: strings are skipped whole, so brackets
# inside a title do not count as nesting.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class UnsafeJSON(ValueError):
    """Text refused before or while parsing; ``reason`` completes "the reply was ..."."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Unusable:
    """A number JSON can spell but no tag can use; its repr says what it was."""

    description: str

    def __repr__(self) -> str:
        return self.description


def depth_exceeds(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than ``limit`` (stops at the first excess)."""
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth -= 1
    return False


def _int(text: str) -> int | Unusable:
    digits = len(text.lstrip("-"))
    return int(text) if digits <= MAX_INT_DIGITS else Unusable(f"a {digits}-digit number")


def _float(text: str) -> float | Unusable:
    value = float(text)
    return value if math.isfinite(value) else Unusable(f"{text} (too large for a number)")


def _constant(text: str) -> Unusable:
    return Unusable(text)  # NaN, Infinity, -Infinity: not JSON, though Python accepts them


def loads(text: str | bytes, *, max_chars: int, max_depth: int = MAX_DEPTH) -> Any:
    """Parse ``text``; raises :class:`UnsafeJSON` (a ValueError) for anything refused."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if len(text) > max_chars:
        raise UnsafeJSON(f"larger than {max_chars // 1024} KB")
    if depth_exceeds(text, max_depth):
        raise UnsafeJSON(f"JSON nested more than {max_depth} levels deep")
    try:
        return json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except (ValueError, RecursionError):
        raise UnsafeJSON("not valid JSON") from None


def find_unusable(value: Any) -> Unusable | None:
    """The first :class:`Unusable` anywhere in a parsed value (depth is already bounded)."""
    if isinstance(value, Unusable):
        return value
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        found = find_unusable(item)
        if found is not None:
            return found
    return None
