"""Core modules leave process state alone at import; module caches reset in one call."""

from __future__ import annotations

import json
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


# Third-party packages set things of their own when first imported (numpy and scipy add
# warning filters, PySide6 an environment variable): they are imported first, so what is
# compared is what our modules do.
_IMPORT_EVERY_MODULE_AND_COMPARE = """
import ast, faulthandler, importlib, json, locale, logging, multiprocessing, os, pkgutil, signal
import socket, sys, threading, warnings
import taggenius_desktop

ours = [info for info in pkgutil.walk_packages(taggenius_desktop.__path__, "taggenius_desktop.")
        if not info.name.endswith("__main__")]
for info in ours:  # every third-party module any of ours imports, at the top or in a function
    tree = ast.parse(open(info.module_finder.find_spec(info.name).origin, encoding="utf-8").read())
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module] + [node.module + "." + a.name for a in node.names]
            if isinstance(node, ast.ImportFrom) and node.module and not node.level else [])
        for name in names:
            if name.split(".")[0] not in sys.stdlib_module_names | {"taggenius_desktop"}:
                try:
                    importlib.import_module(name)
                except ImportError:
                    pass

def state():
    configured = {name: [lg.level, len(lg.handlers), lg.propagate, lg.disabled]
                  for name, lg in logging.root.manager.loggerDict.items()
                  if isinstance(lg, logging.Logger) and (lg.level or lg.handlers or not lg.propagate or lg.disabled)}
    return {"environment": dict(os.environ), "cwd": os.getcwd(), "umask": os.umask(os.umask(0o22)),
            "root logger": [logging.root.level, [type(h).__name__ for h in logging.root.handlers]],
            "logging.disable": logging.root.manager.disable, "configured loggers": configured,
            "locale": locale.setlocale(locale.LC_ALL, None),
            "signals": {s: repr(signal.getsignal(getattr(signal, s))) for s in ("SIGINT", "SIGTERM", "SIGHUP")
                        if hasattr(signal, s)},
            "excepthooks": [repr(sys.excepthook), repr(threading.excepthook)],
            "warning filters": len(warnings.filters), "recursion limit": sys.getrecursionlimit(),
            "socket timeout": socket.getdefaulttimeout(), "faulthandler": faulthandler.is_enabled(),
            "start method": multiprocessing.get_start_method(allow_none=True),
            "threads": threading.active_count(), "sys.path": list(sys.path)}

before = state()
for info in ours:
    importlib.import_module(info.name)
after = state()
changed = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
if "environment" in changed:  # only the names: values may be private
    old, new = changed["environment"]
    changed["environment"] = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
print(json.dumps(changed))
"""


def test_importing_any_module_leaves_the_process_state_alone() -> None:
    # Environment, working folder, logging configuration, locale, signal handlers, hooks,
    # threads: whatever the host set stays as it was (the GUI modules too).
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", _IMPORT_EVERY_MODULE_AND_COMPARE], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, env=env, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {}


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
