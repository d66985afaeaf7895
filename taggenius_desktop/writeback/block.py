"""The Tag Genius block inside rekordbox's Comments field.

Format (one line, sections in this order, every section but ``E`` optional)::

    /* E: 08 / Sit: Peak Hour, Closing / Vibe: Driving, Dark / Comp: Vocal / Era: 2010s */

* ``E`` is energy 1..10, always two digits (``01`` .. ``10``), so a rekordbox smart
  playlist rule "Comments contains ``E: 08``" matches energy 8 only, and ``E: 1`` can only
  match 10, never 1.
* ``Sit`` situations, ``Vibe`` vibes, ``Comp`` components: values joined by ``", "``, most
  important first, as many as the level allows. Filter on ``Sit: Peak Hour`` for the lead
  situation, or on the bare value (``Peak Hour``) for any position.
* ``Era`` is a decade such as ``2010s``.

The user's own comment text is never altered: an existing block is replaced where it
stands; otherwise the block is appended after the user's text, separated by one space
(none when the text is empty or already ends in whitespace).

Length: rekordbox cuts Comments at about 255 characters. Lengths are counted in UTF-16
code units (:func:`comment_length`), which equals the number of characters for all text
outside the emoji/astral planes and counts an astral character as two, so the result
stays within the cut whether rekordbox counts characters or UTF-16 units. When the block
does not fit, values are dropped in this order until it does: components (last first),
extra vibes, extra situations, the era, the lead vibe, the lead situation. Energy is never
dropped; when even ``/* E: 08 */`` does not fit beside the user's text, no block is written
(and a stale block of ours is removed rather than left wrong).

Values written into a block must not contain ``/ * : ,`` or control characters, which
would make the block ambiguous to parse; such a value raises :class:`ValueError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from ..caches import register
from ..vocabulary.profile import ENERGY_MAX, ENERGY_MIN

COMMENT_LIMIT = 255

_VALUES = r"[^/*:\r\n]+?"
_BLOCK_RE = re.compile(
    r"/\* E: (?P<energy>0[1-9]|10)"
    rf"(?: / Sit: (?P<situations>{_VALUES}))?"
    rf"(?: / Vibe: (?P<vibes>{_VALUES}))?"
    rf"(?: / Comp: (?P<components>{_VALUES}))?"
    r"(?: / Era: (?P<era>\d{3}0s))?"
    r" \*/"
)
_UNSAFE_VALUE = re.compile(r"[/*:,\x00-\x1f\x7f]")
_ERA_RE = re.compile(r"\d{3}0s")


@dataclass(frozen=True, slots=True)
class BlockContent:
    """What one block says; tuples are ordered most important first."""

    energy: int
    situations: tuple[str, ...] = ()
    vibes: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    era: str | None = None

    def __post_init__(self) -> None:
        check_energy(self.energy)
        for category in ("situations", "vibes", "components"):
            for value in getattr(self, category):
                _check_block_value(value, category)
        if self.era is not None and not _ERA_RE.fullmatch(self.era):
            raise ValueError(f"era {self.era!r} is not a decade like '1990s'")


@dataclass(frozen=True, slots=True)
class PlacedComments:
    """Outcome of placing a block in a Comments value.

    ``text`` is the new Comments value (equal to the input when nothing changes);
    ``dropped`` names values left out to respect the length limit (``"Comp: Vocal"``);
    ``note`` explains, in plain words, why no block could be written.
    """

    text: str
    dropped: tuple[str, ...] = ()
    note: str | None = None


def check_energy(energy: Any) -> int:
    # bool is an int subclass; True must not pass as energy 1.
    if isinstance(energy, bool) or not isinstance(energy, int) or not ENERGY_MIN <= energy <= ENERGY_MAX:
        raise ValueError(f"energy {energy!r} is not a whole number {ENERGY_MIN}..{ENERGY_MAX}")
    return energy


def _check_block_value(value: Any, category: str) -> None:
    if value.__class__ is str and value in _SAFE_VALUES:  # vocabulary terms, over and over
        return
    if not isinstance(value, str) or not value or value != value.strip() or _UNSAFE_VALUE.search(value):
        raise ValueError(f"{category} value {value!r} cannot be written into the comment block")
    if len(_SAFE_VALUES) < _MAX_SAFE_VALUES:
        _SAFE_VALUES.add(value)


#: values that passed _check_block_value (the check depends on the value alone)
_MAX_SAFE_VALUES = 4096
_SAFE_VALUES: set[str] = register("writeback.block.safe_values", set(), _MAX_SAFE_VALUES)


def comment_length(text: str) -> int:
    """Length as rekordbox's limit sees it: UTF-16 code units (see module docstring)."""
    if text.isascii():  # the usual comment: one unit per character, no encoding needed
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def format_block(content: BlockContent) -> str:
    sections = [f"E: {content.energy:02d}"]
    for label, values in (("Sit", content.situations), ("Vibe", content.vibes), ("Comp", content.components)):
        if values:
            sections.append(f"{label}: {', '.join(values)}")
    if content.era:
        sections.append(f"Era: {content.era}")
    return "/* " + " / ".join(sections) + " */"


def parse_block(comments: str | None) -> dict[str, Any] | None:
    """The first Tag Genius block in ``comments`` as a dict, or None when there is none.

    Keys: ``energy`` (int), ``situations``, ``vibes``, ``components`` (tuples of str),
    ``era`` (str or None).
    """
    match = _BLOCK_RE.search(comments or "")
    if match is None:
        return None

    def values(group: str) -> tuple[str, ...]:
        text = match.group(group)
        return tuple(v.strip() for v in text.split(",") if v.strip()) if text else ()

    return {
        "energy": int(match.group("energy")),
        "situations": values("situations"),
        "vibes": values("vibes"),
        "components": values("components"),
        "era": match.group("era"),
    }


def has_block(comments: str | None) -> bool:
    return _BLOCK_RE.search(comments or "") is not None


def strip_blocks(comments: str) -> str:
    """The user's own text: ``comments`` without any Tag Genius block or the space we add."""
    result = comments
    while (match := _BLOCK_RE.search(result)) is not None:
        start, end = match.span()
        if start > 0 and result[start - 1] == " ":
            start -= 1  # the separator we put before an appended block
        elif end < len(result) and result[end] == " ":
            end += 1
        result = result[:start] + result[end:]
    return result


def _reductions(content: BlockContent) -> list[tuple[BlockContent, str]]:
    """Ever smaller versions of ``content``, each with the label of what it dropped,
    least important value first."""
    steps: list[tuple[BlockContent, str]] = []
    current = content
    while current.components:
        dropped = current.components[-1]
        current = replace(current, components=current.components[:-1])
        steps.append((current, f"Comp: {dropped}"))
    for category, label in (("vibes", "Vibe"), ("situations", "Sit")):
        while len(getattr(current, category)) > 1:
            values = getattr(current, category)
            current = replace(current, **{category: values[:-1]})
            steps.append((current, f"{label}: {values[-1]}"))
    if current.era:
        dropped = current.era
        current = replace(current, era=None)
        steps.append((current, f"Era: {dropped}"))
    for category, label in (("vibes", "Vibe"), ("situations", "Sit")):
        values = getattr(current, category)
        if values:
            emptied: dict[str, Any] = {category: ()}
            current = replace(current, **emptied)
            steps.append((current, f"{label}: {values[0]}"))
    return steps


def fit_block(content: BlockContent, budget: int) -> tuple[str | None, tuple[str, ...]]:
    """The richest block of at most ``budget`` units, and what was dropped to get there.

    Returns ``(None, ...)`` when even the energy-only block does not fit.
    """
    block = format_block(content)
    if comment_length(block) <= budget:
        return block, ()
    dropped: list[str] = []
    for smaller, label in _reductions(content):
        dropped.append(label)
        block = format_block(smaller)
        if comment_length(block) <= budget:
            return block, tuple(dropped)
    return None, tuple(dropped)


def comments_full_note(limit: int = COMMENT_LIMIT) -> str:
    """Why a track got no block: its own comment text fills the field."""
    return f"comment text leaves no room for the Tag Genius block within {limit} characters"


#: the note of a track whose Comments are full at rekordbox's limit (counted in summaries)
NOTE_COMMENTS_FULL = comments_full_note()


def place_block(comments: str, content: BlockContent, limit: int = COMMENT_LIMIT) -> PlacedComments:
    """``comments`` with ``content``'s block written in, the user's text untouched."""
    match = _BLOCK_RE.search(comments)
    if match is not None:
        before, separator = comments[: match.start()], ""
        # Only one block ever: further copies (a hand paste, an older tool) are removed.
        after = strip_blocks(comments[match.end():])
    else:
        before, after = comments, ""
        separator = "" if not comments or comments[-1].isspace() else " "
    budget = limit - comment_length(before + separator + after)
    block, dropped = fit_block(content, budget)
    if block is None:
        note = comments_full_note(limit)
        # A stale block would keep telling smart playlists the old energy: remove it.
        return PlacedComments(strip_blocks(comments), dropped, note)
    return PlacedComments(before + separator + block + after, dropped)
