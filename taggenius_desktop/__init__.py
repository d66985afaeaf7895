"""Tag Genius Desktop: tags a Rekordbox library with genre, energy, vibe and situation.

Layers (each imports only the ones above it; nothing above ``gui`` imports Qt):

    library     Rekordbox XML read/write, lossless
    vocabulary  controlled vocabulary, genre map, the TagProfile every tagger returns
    tagging     taggers: offline (metadata) and LLM providers
    writeback   turning a TagProfile into rekordbox fields, and restoring them
    store       SQLite: processing_log, tag cache, originals for restore
    jobs        job specs, the runner, the worker-process pool
    cli         the ``taggenius`` command
    gui         PySide6 views over the jobs layer (the only Qt code)
"""

__version__ = "0.1.0"
APP_NAME = "Tag Genius"
