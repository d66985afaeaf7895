"""How long analysing a library's audio will take, before it starts (for the GUI's
switch and the CLI's found-files line)."""

from __future__ import annotations

import os

#: Seconds per file on one core: decoding three 30 s windows of an MP3 and measuring
#: them (bench/bench_audio.py measured 0.15-0.3 s on a shared 2-core machine; slow
#: external drives add their read time).
SECONDS_PER_FILE = 0.3


def analysis_seconds(files: int, workers: int | None = None) -> float:
    """Upper estimate for ``files`` not yet in the cache, on ``workers`` processes."""
    cores = workers or os.cpu_count() or 1
    return files * SECONDS_PER_FILE / cores


def describe_estimate(files: int, workers: int | None = None) -> str:
    if files <= 0:
        return "nothing to analyse"
    seconds = analysis_seconds(files, workers)
    if seconds < 60:
        return f"about {max(1, round(seconds))} s for {files:,} files"
    minutes = seconds / 60
    if minutes < 90:
        return f"about {round(minutes)} min for {files:,} files"
    return f"about {minutes / 60:.1f} h for {files:,} files"
