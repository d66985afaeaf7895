"""Give back the user's own values for the fields Tag Genius wrote.

The store keeps, per track, the value each field had before we wrote it (None when the
attribute did not exist) and the value we wrote. A field is restored only while it still
holds what we wrote: if the DJ changed it in rekordbox since, their edit wins and the
field is reported in ``kept_user_edits``.
"""

from __future__ import annotations

from typing import Mapping, NamedTuple


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
            continue
        changes[name] = original
    return RestoreResult(changes, tuple(kept))
