"""The window says in one line, at start, when the data folder or database could not be used."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import PROJECT_ROOT

_PROBE = """
import sys
from taggenius_desktop.gui import app as gui_app
shown = gui_app._report_shown_and_quit
def report(app):
    for widget in app.topLevelWidgets():
        if hasattr(widget, "status_label"):
            print("STATUS:", widget.status_label.text(), flush=True)
    shown(app)
gui_app._report_shown_and_quit = report
sys.exit(gui_app.run_gui([]))
"""


def test_window_shows_the_data_folder_notice(tmp_path):
    home = tmp_path / "home-is-a-file"
    home.write_text("x")
    env = {**os.environ, "TAGGENIUS_HOME": str(home), "TAGGENIUS_QUIT_WHEN_SHOWN": "1",
           "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", _PROBE], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    status = [line for line in done.stdout.splitlines() if line.startswith("STATUS:")]
    assert len(status) == 1 and str(home) in status[0] and "temporary folder" in status[0]
    assert "Traceback" not in done.stderr
