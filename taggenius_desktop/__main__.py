"""Entry point for ``taggenius``, ``python -m taggenius_desktop`` and the frozen app.

``multiprocessing.freeze_support()`` must run before anything else: in a PyInstaller
build, worker processes are started as ``taggenius --multiprocessing-fork ...`` and would
otherwise re-run the app (and open a window) in a loop. Qt is imported only when the GUI
is really wanted, so workers and the CLI never load it.
"""

from __future__ import annotations

import multiprocessing
import sys


def main(argv: list[str] | None = None) -> int:
    multiprocessing.freeze_support()
    args = sys.argv[1:] if argv is None else argv
    from .cli.main import wants_gui, run_cli

    if wants_gui(args):
        from .gui.app import run_gui

        return run_gui(args)
    return run_cli(args)


if __name__ == "__main__":
    sys.exit(main())
