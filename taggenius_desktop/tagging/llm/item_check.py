"""Bounds and types of one reply item, checked before the vocabulary maps it.

The vocabulary's coercion is lenient on purpose (a model may say "8/10" or a list as one
comma-separated string); this check runs first and refuses what no lenient reading can
turn into a tag: absurd numbers, huge strings and lists, values of the wrong kind. Its
message becomes the track's error if asking again does not help.
"""

from __future__ import annotations

from typing import Any, Mapping

from .safe_json import Unusable, find_unusable

#: Longer than any genre, vibe or era name (the longest is under 40 characters).
MAX_NAME_CHARS = 100
#: A category keeps 3 values; a model listing dozens is not answering the question.
MAX_LIST_ITEMS = 10

_NAMES = ("sub_genres", "vibes", "situations", "components")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return {dict: "an object", list: "a list", str: "text", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__)


def _name_problem(field: str, value: Any) -> str | None:
    if not isinstance(value, str):
        return f"{field} must be a name, got {_kind(value)}"
    if len(value) > MAX_NAME_CHARS:
        return f"{field} is {len(value)} characters long, not a name"
    return None


def item_problem(item: Mapping[str, Any]) -> str | None:
    """Why this item cannot be a track's tags, or None when it may go on to the vocabulary."""
    for field, value in item.items():
        unusable = find_unusable(value)
        if isinstance(unusable, Unusable):
            return f"{field} is {unusable!r}"
    if "primary_genre" in item:
        problem = _name_problem("primary_genre", item["primary_genre"])
        if problem:
            return problem
    for field in _NAMES:
        value = item.get(field)
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        if len(values) > MAX_LIST_ITEMS:
            return f"{field} lists {len(values)} values"
        for entry in values:
            problem = _name_problem(field, entry)
            if problem:
                return problem
    energy = item.get("energy")
    if energy is not None and (isinstance(energy, bool) or not isinstance(energy, (int, float, str))):
        return f"energy must be a number 1..10, got {_kind(energy)}"
    if isinstance(energy, str) and len(energy) > MAX_NAME_CHARS:
        return f"energy is {len(energy)} characters long, not a number"
    era = item.get("era")
    if era is not None and (isinstance(era, bool) or not isinstance(era, (int, str))):
        return f"era must be a decade, got {_kind(era)}"
    if isinstance(era, str) and len(era) > MAX_NAME_CHARS:
        return f"era is {len(era)} characters long, not a decade"
    return None
