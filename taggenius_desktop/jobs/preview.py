"""The library-wide preview: a tag job run to the plan, nothing written.

For the GUI's library preview (run it off the GUI thread) and for tests that compare a
preview with a written output. The offline tagger makes it a matter of seconds even for
a large library; an LLM spec previews from the cache and sends only the misses, so call it
for LLM providers only after tagging (or accept that it costs what tagging costs).
"""

from __future__ import annotations

import sqlite3
from typing import Any, Callable

from .progress import Reporter
from .specs import TagJobSpec
from .tagging import run_tag_job


class _Preview(Reporter):
    def __init__(self, is_cancelled: Callable[[], bool] | None) -> None:
        super().__init__()
        self._cancelled = is_cancelled

    def is_cancelled(self) -> bool:
        return bool(self._cancelled and self._cancelled())


def preview_tag_job(
    spec: TagJobSpec, conn: sqlite3.Connection | None = None, is_cancelled: Callable[[], bool] | None = None
) -> dict[str, Any]:
    """The summary (:mod:`.summary`) the job ``spec`` describes would produce.

    Raises JobFailed (bad input, one line) like the job itself, and JobCancelled when
    ``is_cancelled`` turns true.
    """
    return run_tag_job(spec, _Preview(is_cancelled), conn, None, dry_run=True)["summary"]  # type: ignore[no-any-return]
