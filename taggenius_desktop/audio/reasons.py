"""Why a track's audio was not measured: one list of reasons, counted per job.

None of these fail a job: the track is tagged from its metadata and the reason is counted
(``missing``, ``unsupported`` and the ``failed`` reasons), so the DJ sees what was skipped.
"""

from __future__ import annotations

from enum import Enum


class Reason(str, Enum):
    MISSING = "missing"  # no file at the (remapped) Location
    NOT_A_FILE = "no-location"  # no Location, or not a file:// URL
    UNSUPPORTED = "unsupported"  # a format no decoder here reads
    EMPTY = "zero-length"
    TOO_SHORT = "too-short"
    UNREADABLE = "unreadable"  # corrupt, truncated or mislabelled
    ERROR = "error"  # an unexpected analysis error (logged)

    @property
    def group(self) -> str:
        """The job-summary counter this reason adds to."""
        if self in (Reason.MISSING, Reason.NOT_A_FILE):
            return "missing"
        if self is Reason.UNSUPPORTED:
            return "unsupported"
        return "failed"


class AudioError(Exception):
    """A file that could not be measured, with its reason and a one-line detail."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail
