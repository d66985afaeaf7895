"""Screenshots of the real app for the README, in light and dark.

    python scripts/make_screenshots.py [--out docs/screenshots]

Runs the real window offscreen (no display needed) in a throw-away data folder, with the
bundled sample library and the project's fake OpenAI server standing in for OpenAI (no
key, no network, no cost), and writes main-empty, main-loaded, main-job-running,
main-open-failed, review-table and settings-local-server, each as -light.png and -dark.png.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1280, 820)


def _wait(app, condition, timeout: float = 30.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not reach the state to photograph")
        app.processEvents()
        time.sleep(0.01)


def _settle(app, seconds: float = 0.3) -> None:  # noqa: ANN001
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="taggenius-shots-"))
    os.environ["TAGGENIUS_HOME"] = str(home)
    sys.path.insert(0, str(ROOT))

    import keyring

    from tests.support.keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())  # never touch the machine's real keyring

    from PySide6.QtCore import Qt

    from taggenius_desktop import credentials, paths
    from tests.support.fake_openai import start_fake_server
    from taggenius_desktop.gui import dialogs, tasks
    from taggenius_desktop.gui.app import create_application
    from taggenius_desktop.gui.main_window import TAB_REVIEW, TAB_TAG, MainWindow
    from taggenius_desktop.gui.review_model import COL_ENERGY, COL_LOCK, COL_PRIMARY
    from taggenius_desktop.gui.settings_dialog import SettingsDialog
    from taggenius_desktop.gui.theme import ThemeController
    from taggenius_desktop.jobs import JobManager
    from taggenius_desktop.settings import Settings
    from taggenius_desktop.tagging.presets import Preset
    from taggenius_desktop.store.jobs_log import Status

    # Nobody answers questions here: use the review's edits, quit without asking.
    dialogs.ask_use_review_edits = lambda parent, edited, locked: dialogs.USE_EDITS
    dialogs.ask_quit_with_review_edits = lambda parent, count: True
    dialogs.ask_quit_with_jobs = lambda parent, count: True
    dialogs.ask_run_again = lambda parent, name, status: True

    app = create_application(["taggenius"])
    controller = ThemeController(app, "light")
    sample = paths.resource_path("sample_library.xml")
    credentials.set_api_key("sk-screenshot-not-a-real-key-0000")

    with start_fake_server(latency_per_track=0.25) as server:

        class ShotSettings(Settings):
            """OpenAI as the user sees it, answered by the local fake server."""

            @property
            def effective_base_url(self) -> str | None:  # type: ignore[override]
                return server.base_url if self.preset is Preset.OPENAI else super().effective_base_url

        for theme in ("light", "dark"):
            # A fresh data folder per theme: the same job history and an empty tag cache.
            os.environ["TAGGENIUS_HOME"] = str(home / theme)
            controller.apply(theme)
            settings = ShotSettings(provider="openai", llm_preset="openai", model="gpt-4o-mini",
                                    batch_size=2, concurrency=1, notify_when_done=False)
            window = MainWindow(settings, manager_factory=lambda: JobManager(workers=2), bridge_interval_ms=100)
            window.resize(*SIZE)
            window.show()
            window.refresh_icons()
            _settle(app)
            window.grab().save(str(out / f"main-empty-{theme}.png"))

            loaded: list[str] = []
            estimated: list[bool] = []
            proposed: list[bool] = []
            window.library_loaded.connect(loaded.append)
            window.estimate_updated.connect(lambda: estimated.append(True))
            window.proposals_updated.connect(lambda: proposed.append(True))
            window.open_library(sample)
            _wait(app, lambda: loaded and estimated and proposed)
            _settle(app)
            window.grab().save(str(out / f"main-loaded-{theme}.png"))

            # History first (a finished offline run and a split), then a running AI job.
            window.job_settings.set_provider("offline")
            _settle(app, 0.5)
            first = window.start_tagging()
            _wait(app, lambda: (r := window.bridge.record(first)) is not None and r.status in Status.FINISHED)
            split = window.start_split()
            _wait(app, lambda: (r := window.bridge.record(split)) is not None and r.status in Status.FINISHED)
            window.job_settings.set_provider("openai")
            window.job_settings.model_combo.setCurrentText("gpt-4o-mini")
            _settle(app, 0.5)
            running = window.start_tagging()
            _wait(app, lambda: (r := window.bridge.record(running)) is not None and r.tracks_done >= 8, 60)
            window.jobs_panel.select_job(running)
            _settle(app, 0.2)
            window.grab().save(str(out / f"main-job-running-{theme}.png"))
            window.cancel_job(running)
            _wait(app, lambda: (r := window.bridge.record(running)) is not None and r.status in Status.FINISHED, 30)

            window.job_settings.set_provider("offline")
            _settle(app, 0.6)
            _wait(app, lambda: window.review.model.proposal_count() > 0)
            window.tabs.setCurrentIndex(TAB_REVIEW)
            model = window.review.model
            vocab_genres = __import__("taggenius_desktop.vocabulary", fromlist=["load_vocabulary"]).load_vocabulary()
            current = model.profile_for(model.track_id_at(2))
            new_genre = next(g for g in vocab_genres.primary_genres if current and g != current.primary_genre)
            model.setData(model.index(2, COL_PRIMARY), new_genre)
            model.setData(model.index(2, COL_ENERGY), 7)
            model.setData(model.index(4, COL_LOCK), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
            window.review.table.selectRow(1)
            _settle(app)
            window.grab().save(str(out / f"review-table-{theme}.png"))
            window.tabs.setCurrentIndex(TAB_TAG)

            # A file manager that cannot be reached: said in the window, with the path to copy.
            record = window.bridge.record(first)
            window.show_open_failure("No application could open the output file.", record.output_file_path or "")
            _settle(app)
            window.grab().save(str(out / f"main-open-failed-{theme}.png"))
            window.notice.hide()

            # A local server: no OpenAI-key warning.
            local = ShotSettings(provider="ollama", llm_preset="ollama", model="llama3.1:8b")
            dialog = SettingsDialog(local, window)
            dialog.show()
            _settle(app)
            dialog.grab().save(str(out / f"settings-local-server-{theme}.png"))
            dialog.close()
            dialog.deleteLater()

            tasks.wait_for_tasks(10_000)
            window.close()
            window.shutdown()
            window.deleteLater()
            _settle(app, 0.2)
    credentials.delete_api_key()
    for path in sorted(out.glob("*.png")):
        print(path)
    return 0


if __name__ == "__main__":  # the guard keeps spawned worker processes from re-running this
    sys.exit(main())
