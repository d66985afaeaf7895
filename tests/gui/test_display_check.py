"""Without a display: one clear line and exit code 1, never Qt's raw abort (134)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from taggenius_desktop.gui.display_check import display_problem
from tests.conftest import PROJECT_ROOT


def test_no_display_variables_is_named_with_the_ways_out() -> None:
    problem = display_problem({}, "linux")
    assert problem is not None
    assert "DISPLAY" in problem and "QT_QPA_PLATFORM=offscreen" in problem and "taggenius tag" in problem


def test_headless_platforms_and_other_systems_need_no_display() -> None:
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({}, "darwin") is None
    assert display_problem({}, "win32") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None


def test_a_dead_x_display_is_not_blamed_on_xcb_cursor() -> None:
    problem = display_problem({"DISPLAY": ":987"}, "linux", find_library=lambda name: "/lib/libxcb-cursor.so.0")
    assert problem is not None and ":987" in problem and "does not answer" in problem
    assert "xcb-cursor" not in problem


def test_a_missing_xcb_cursor_library_is_named(monkeypatch) -> None:  # noqa: ANN001
    from taggenius_desktop.gui import display_check

    monkeypatch.setattr(display_check, "_x_display_reachable", lambda display: True)
    problem = display_problem({"DISPLAY": ":0"}, "linux", find_library=lambda name: None)
    assert problem is not None and "libxcb-cursor0" in problem


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display check is for X11/Wayland")
def test_the_app_without_a_display_exits_1_with_one_line() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    result = subprocess.run([sys.executable, "-m", "taggenius_desktop"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "QT_QPA_PLATFORM=offscreen" in lines[0], result.stderr
