"""Core modules leave process state alone at import; module caches reset in one call."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.support.libraries import write_library

_IMPORT_EVERY_CORE_MODULE = """
import os, pkgutil, importlib
calls = []
real_umask = os.umask
os.umask = lambda mask: calls.append(mask) or real_umask(mask)  # even a set-and-restore counts
import taggenius_desktop
for info in pkgutil.walk_packages(taggenius_desktop.__path__, "taggenius_desktop."):
    if ".gui" not in info.name and not info.name.endswith("__main__"):
        importlib.import_module(info.name)
print(calls)
"""


def test_importing_the_core_does_not_change_the_umask() -> None:
    # A fresh interpreter: this one imported everything long ago. The umask is process-wide:
    # setting it, even for a moment, races with every thread creating files.
    done = subprocess.run([sys.executable, "-c", _IMPORT_EVERY_CORE_MODULE], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_output_gets_the_mode_of_the_umask_in_force_when_it_is_written(tmp_path: Path) -> None:
    from taggenius_desktop.library import read_library, write_library as write_output

    library = read_library(write_library(tmp_path / "in.xml", n=3))
    previous = os.umask(0o077)
    try:
        write_output(library, tmp_path / "private.xml")
        os.umask(0o022)
        write_output(library, tmp_path / "shared.xml")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "private.xml").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "shared.xml").stat().st_mode) == 0o644
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


def test_one_call_empties_every_core_memo(tmp_path: Path) -> None:
    from taggenius_desktop.caches import cache_sizes, reset_caches
    from taggenius_desktop.jobs import build_tag_job
    from taggenius_desktop.jobs.progress import Reporter
    from taggenius_desktop.jobs.tagging import run_tag_job

    library = write_library(tmp_path / "in.xml", n=20)
    run_tag_job(build_tag_job(library, tmp_path / "out.xml"), Reporter())
    filled = {name for name, size in cache_sizes().items() if size}
    # A tag job fills the memos of reading, tagging and planning.
    assert {"library.tags.layouts", "tagging.offline.rules", "writeback.plan.derived", "vocabulary.bundled"} <= filled
    reset_caches()
    assert all(size == 0 for size in cache_sizes().values()), cache_sizes()
    # And everything refills: the same job gives the same bytes.
    first = (tmp_path / "out.xml").read_bytes()
    run_tag_job(build_tag_job(library, tmp_path / "again.xml"), Reporter())
    assert (tmp_path / "again.xml").read_bytes() == first
