"""Quitting never crashes: the real app in a child process, so an abort in teardown
(exit 134, "Fatal Python error", "Signal source has been deleted") is seen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.support.libraries import write_library

RUNS = 3  # per quitting path: the abort this catches came in 3 of 4 runs
BAD_OUTPUT = ("Fatal Python error", "Signal source has been deleted", "Error calling Python override",
              "QThread: Destroyed", "Traceback")


def _run(library: Path, mode: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TAGGENIUS_HOME": str(home),
           "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.run([sys.executable, "-m", "tests.gui.quit_driver", str(library), mode], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow  # three launches of the real app per quitting path: about 45 s each
@pytest.mark.parametrize("mode, final", [("cancel", "Cancelled"), ("stop", "In Progress")])
def test_quitting_after_a_job_exits_cleanly_every_time(tmp_path: Path, mode: str, final: str) -> None:
    library = write_library(tmp_path / "lib.xml", n=400)
    for run in range(RUNS):
        result = _run(library, mode, tmp_path / f"home{run}")
        problems = [line for line in result.stderr.splitlines() if any(bad in line for bad in BAD_OUTPUT)]
        assert result.returncode == 0 and not problems, (run, result.returncode, result.stderr[-3000:])
        assert f"job-status {final}" in result.stdout, result.stdout
