"""Following a job from the terminal: progress on stderr, read from ``processing_log``
exactly as the GUI reads it."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from ..jobs.audio_stage import ANALYSING_AUDIO
from ..store.jobs_log import JobRecord, Status


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_line(record: JobRecord, now: float | None = None) -> str:
    if record.current_track and record.current_track.startswith(ANALYSING_AUDIO):
        # Before tagging: the files are measured first, with their own count and time left.
        return record.current_track[0].upper() + record.current_track[1:]
    total = record.tracks_total
    done = record.tracks_done
    width = 24
    filled = int(width * done / total) if total else 0
    bar = "#" * filled + "-" * (width - filled)
    parts = [f"[{bar}] {done:,}/{total:,} tracks", f"ETA {format_duration(record.eta_seconds(now))}"]
    if record.cached:
        parts.append(f"{record.cached:,} cached")
    if record.failed:
        parts.append(f"{record.failed:,} failed")
    if record.input_tokens or record.output_tokens:
        parts.append(f"{record.input_tokens + record.output_tokens:,} tokens ${record.cost_usd:.4f}")
    return "  ".join(parts)


class ProgressPrinter:
    """Redraws one line on a terminal; on a pipe or file prints a line every few seconds."""

    def __init__(self, stream: TextIO | None = None, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet or self.stream is None
        self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())
        # On a pipe the first line waits a few seconds: short jobs print nothing but the result.
        self._last_print = time.monotonic()
        self._last_text = ""

    def update(self, record: JobRecord) -> None:
        if self.quiet or record.status != Status.IN_PROGRESS or not record.tracks_total:
            return
        text = progress_line(record)
        now = time.monotonic()
        if self.interactive:
            if text != self._last_text:
                self.stream.write("\r" + text.ljust(len(self._last_text)))
                self.stream.flush()
                self._last_text = text
        elif now - self._last_print >= 5.0:
            self.stream.write(text + "\n")
            self.stream.flush()
            self._last_print = now

    def done(self) -> None:
        if not self.quiet and self.interactive and self._last_text:
            self.stream.write("\n")
            self.stream.flush()
