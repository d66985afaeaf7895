"""Turning a TagProfile into rekordbox TRACK attribute changes, and undoing them.

Pure functions over attribute mappings: no XML, no Qt, no I/O. The library layer applies
the returned dicts; the store keeps originals so :func:`restore_changes` can give the
user's values back exactly.
"""

from .block import COMMENT_LIMIT, comment_length, has_block, parse_block, strip_blocks
from .options import (
    COLOUR_PALETTE,
    COLOUR_RED,
    DEFAULT_COLOUR_MAP,
    DEFAULT_RATING_MAP,
    RATING_VALUES,
    WriteMode,
    WriteOptions,
)
from .plan import MANAGED_FIELDS, WritePlan, originals_for, plan_changes, plan_fields, plan_writeback, preview
from .restore import RestoreResult, restore_changes

__all__ = [
    "COLOUR_PALETTE",
    "COLOUR_RED",
    "COMMENT_LIMIT",
    "DEFAULT_COLOUR_MAP",
    "DEFAULT_RATING_MAP",
    "MANAGED_FIELDS",
    "RATING_VALUES",
    "RestoreResult",
    "WriteMode",
    "WriteOptions",
    "WritePlan",
    "comment_length",
    "has_block",
    "originals_for",
    "parse_block",
    "plan_changes",
    "plan_fields",
    "plan_writeback",
    "preview",
    "restore_changes",
    "strip_blocks",
]
