"""How a job ends other than by completing, and the words for partly failed jobs.
Messages are shown to users as they are."""

from __future__ import annotations

from collections import Counter
from typing import Mapping, Sequence


class JobFailed(Exception):
    """The job cannot finish; str() is one plain sentence for the user.

    ``bad_input`` marks problems with what the user gave (an unreadable library, an
    output folder that does not exist): the CLI exits 2 for those, 1 for the rest.
    """

    def __init__(self, message: str, bad_input: bool = False) -> None:
        super().__init__(message)
        self.bad_input = bad_input


class JobCancelled(Exception):
    """The user cancelled (or the host process went away); finished work is kept."""


#: Told to the user when the originals could not be stored (a full or unwritable data
#: folder): the output is written all the same, and the untouched input is the undo.
RESTORE_DATA_NOT_SAVED = (
    "The tagged library was written, but the data folder is full or cannot be written, so the "
    "restore data could not be saved: keep your original file, it is your undo."
)
#: Told when finished tags could not be cached: nothing is lost now, a rerun asks again.
CACHE_NOT_SAVED = (
    "The data folder is full or cannot be written, so finished tags were not cached: "
    "tagging this library again will ask for them again."
)

#: How many distinct failure reasons a job summary lists (most common first).
TOP_REASONS = 5


def failure_reasons(errors: Mapping[str, str]) -> list[dict[str, object]]:
    """``[{"reason": ..., "tracks": n}, ...]``, most common first: what a summary shows
    instead of one line per failed track."""
    counted = Counter(errors.values()).most_common(TOP_REASONS)
    return [{"reason": reason, "tracks": tracks} for reason, tracks in counted]


def _reason_words(reasons: Sequence[Mapping[str, object]]) -> str:
    if not reasons:
        return ""
    top = reasons[0]
    tracks = int(str(top["tracks"]))
    return f"{str(top['reason']).rstrip('.')} ({tracks:,} track{'s' if tracks != 1 else ''})"


def nothing_tagged_message(failed: int, reasons: Sequence[Mapping[str, object]]) -> str:
    """Why a job that tagged no track at all failed; it writes no output."""
    reason = _reason_words(reasons)
    return f"All {failed:,} tracks failed, so no output was written" + (f": {reason}" if reason else "")


def partly_failed_message(failed: int, total: int, reasons: Sequence[Mapping[str, object]]) -> str:
    """The one line a finished job with some failed tracks adds to its report."""
    reason = _reason_words(reasons)
    return (f"{failed:,} of {total:,} tracks failed and were left unchanged"
            + (f"; most common reason: {reason}" if reason else "")
            + ". Tag the same library again to retry only those.")
