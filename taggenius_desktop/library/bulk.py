"""Pausing Python's cyclic garbage collector around bulk work.

Reading or writing 100,000 tracks allocates hundreds of thousands of small container
objects; each allocation burst triggers the cyclic collector, whose full passes walk every
live object again. Nothing this package builds forms reference cycles (reference counting
frees it all), so the collector is paused for the duration and then restored.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
