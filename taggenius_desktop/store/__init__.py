"""SQLite storage shared by the GUI, the CLI and worker processes (no Qt here)."""

from .db import connect
from .errors import StoreError, StoreFull
from .jobs_log import JobRecord, Status

__all__ = ["connect", "JobRecord", "Status", "StoreError", "StoreFull"]
