"""The one exception the library layer raises for bad input or output files."""

from __future__ import annotations

from pathlib import Path


class LibraryError(Exception):
    """A library file cannot be read or written.

    ``str()`` is one line that names the file and says what is wrong in plain words, so the
    CLI and the GUI can show it as is: ``broken.xml: not a rekordbox library (root element is
    <html>, expected <DJ_PLAYLISTS>)``.
    """

    def __init__(self, path: str | Path | None, problem: str) -> None:
        self.path = Path(path) if path is not None else None
        # One line, whatever the underlying message (lxml's carry newlines sometimes).
        self.problem = " ".join(problem.split())
        super().__init__(f"{self.path.name}: {self.problem}" if self.path is not None else self.problem)
