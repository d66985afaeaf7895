"""Runs the real ``run_gui`` in a child process and quits it the way a user does.

``python -m tests.gui.quit_driver LIBRARY MODE``; MODE is ``cancel`` (start a job, cancel
it, close the window) or ``stop`` (close while the job runs and answer "Stop Jobs and
Quit"). A background task that outlives the window is started too, as a large library's
proposals do. Prints ``job-status <status>`` for the parent test to check.
"""

from __future__ import annotations

import os
import sys

TIMEOUT_TICKS = 2400  # x 50 ms


def main() -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from taggenius_desktop.gui import dialogs, tasks
    from taggenius_desktop.gui.app import create_application, run_gui
    from taggenius_desktop.gui.main_window import MainWindow

    from taggenius_desktop.settings import Settings, save_settings
    from tests.support.fake_openai import start_fake_server

    library, mode = sys.argv[1], sys.argv[2]
    # A local server answering slowly: the job is still running when the window closes.
    # (A child process: no pytest fixture here, so the shared helper starts it.)
    server = start_fake_server(latency_per_track=0.05)
    save_settings(Settings(provider="custom", llm_preset="custom", base_url=server.base_url, model="gpt-4o-mini",
                           batch_size=4, concurrency=1, notify_when_done=False))
    app = create_application([sys.argv[0]])
    dialogs.ask_quit_with_jobs = lambda parent, count: True  # "Stop Jobs and Quit"
    state: dict = {"job": None, "ticks": 0, "slow": False}

    def long_task() -> None:
        for _ in range(4000):  # ~12 s, in slices, like the proposals of a large library
            tasks.yield_to_gui()

    def tick() -> None:
        state["ticks"] += 1
        if state["ticks"] > TIMEOUT_TICKS:
            print("driver timed out", file=sys.stderr, flush=True)
            os._exit(3)
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        window = windows[0] if windows else None
        if window is None or window.library is None:
            return
        if not state["slow"]:
            state["slow"] = True
            tasks.run_task(long_task, window.show_status)
        if state["job"] is None:
            state["job"] = window.start_tagging()
            return
        record = window.bridge.record(state["job"])
        if record is None or record.tracks_done == 0:
            return
        if mode == "cancel" and record.status == "In Progress":
            if not record.cancel_requested:
                window.cancel_job(state["job"])
            return
        print(f"job-status {record.status}", flush=True)
        timer.stop()
        window.close()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(50)
    code = run_gui([library])
    server.stop()
    del app
    sys.exit(code)


if __name__ == "__main__":
    main()
