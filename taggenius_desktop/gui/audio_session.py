"""The window's "Energy from audio" options: keeps the widget, the settings and the
count of files found here in step.

Counting stats every track's file, which on an external or network drive takes a while,
so it runs on the I/O pool as an operation (a newer count supersedes an older one). The
mode and the music-folder remaps are saved in the settings, from where every tag job's
spec takes them (``jobs.from_settings``); the GUI itself never decodes audio.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Sequence

from ..audio.locate import FoundCount, Remap
from .audio_options import AudioOptions
from .operations import Ticket

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger(__name__)


def count_work(locations: Sequence[str], remaps: Sequence[Remap], ticket: Ticket) -> FoundCount:
    from ..audio.locate import count_found

    return count_found(locations, remaps, pause=ticket.checkpoint)


class AudioSession:
    def __init__(self, window: "MainWindow") -> None:
        self.window = window
        self.view = AudioOptions()
        self.view.set_mode(window.settings.audio_energy)
        self.view.set_music_roots(window.settings.music_roots.items())
        self.view.changed.connect(self._changed)

    def new_library(self, library: Any) -> None:
        self.view.set_locations(t.attrs.get("Location") or "" for t in library.tracks)
        self.recount()

    def recount(self) -> None:
        window = self.window
        if window.library is None:
            return
        locations, remaps = self.view.locations(), self.view.remaps()
        window.ops.run("audio-count", lambda ticket: count_work(locations, remaps, ticket), self._counted,
                       self._failed, io=True)

    def _counted(self, found: FoundCount) -> None:
        self.view.set_found(found)
        self.window.audio_counted.emit(found.found)

    def _failed(self, exc: BaseException) -> None:
        log.warning("counting the audio files failed: %s", exc)
        self.view.found_label.setText(f"could not count the files: {exc}")

    def _changed(self) -> None:
        settings = self.window.settings
        settings.audio_energy = self.view.mode()
        settings.music_roots = dict(self.view.music_roots())
        self.window.save_settings()
        self.recount()
