"""Give back the user's own values for the fields Tag Genius wrote.

The store keeps, per track, the value each field had before we wrote it (None when the
attribute did not exist) and the value we wrote. A field is restored only while it still
holds what we wrote: if the DJ changed it in rekordbox since, their edit wins and the
field is reported in ``kept_user_edits``. In Comments only our block is ours: when the DJ
edited their own text around it, their text is kept and our block still removed.
"""

from __future__ import annotations

from typing import Mapping, NamedTuple

from .block import parse_block, strip_blocks
from .plan import COMMENTS


class RestoreResult(NamedTuple):
    """``changes``: attribute -> value to set, None meaning remove the attribute.
    ``kept_user_edits``: fields left alone because they no longer hold what we wrote."""

    changes: dict[str, str | None]
    kept_user_edits: tuple[str, ...]


def restore_changes(
    current_attrs: Mapping[str, str],
    originals: Mapping[str, str | None],
    written: Mapping[str, str],
) -> RestoreResult:
    """What to set on a TRACK to undo ``written``, exactly.

    Raises ValueError when a written field has no recorded original: guessing one could
    destroy the user's value.
    """
    changes: dict[str, str | None] = {}
    kept: list[str] = []
    for name, ours in written.items():
        if name not in originals:
            raise ValueError(f"no original value recorded for {name}; cannot restore it")
        original = originals[name]
        current = current_attrs.get(name)
        if current == original:
            continue  # already restored (or we never changed it): nothing to do, no edit to keep
        if current != ours:
            kept.append(name)
            if name == COMMENTS and _has_our_block(current, ours):
                text = strip_blocks(current or "")
                changes[name] = original if text == (original or "") else text
            continue
        changes[name] = original
    return RestoreResult(changes, tuple(kept))


def _has_our_block(current: str | None, ours: str) -> bool:
    """Does the DJ's edited comment still carry the block we wrote? Not when they edited
    the block itself: that edit is theirs to keep."""
    block = parse_block(ours)
    return current is not None and block is not None and parse_block(current) == block
