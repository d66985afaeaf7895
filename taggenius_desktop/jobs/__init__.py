"""Jobs: specs built by pure functions, runners that do the work, a worker-process pool."""

from .manager import JobManager
from .specs import (
    JobSpec,
    ProviderSettings,
    RestoreJobSpec,
    SpecError,
    SplitJobSpec,
    TagJobSpec,
    build_restore_job,
    build_split_job,
    build_tag_job,
)

__all__ = [
    "JobManager",
    "JobSpec",
    "ProviderSettings",
    "RestoreJobSpec",
    "SpecError",
    "SplitJobSpec",
    "TagJobSpec",
    "build_restore_job",
    "build_split_job",
    "build_tag_job",
]
