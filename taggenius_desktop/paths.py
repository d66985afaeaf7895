"""Where Tag Genius keeps things: one module, so tests and portable installs redirect it all.

``TAGGENIUS_HOME`` set to a folder puts the database, logs and settings there instead of
the platform's user data folder. Bundled read-only data (vocabulary, genre map, price
table, icons, sample library) is found through :func:`resource_path`, which works from a
source checkout, an installed wheel and a PyInstaller bundle alike.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

import platformdirs

log = logging.getLogger(__name__)

APP_DIR_NAME = "TagGenius"
HOME_ENV = "TAGGENIUS_HOME"

#: Configured data folder -> the folder actually used this run (itself, or a temporary
#: stand-in when it cannot be written). Decided once per process, so the warning is given
#: once and every caller sees the same folder.
_usable: dict[Path, Path] = {}
_notices: list[str] = []


def add_notice(message: str) -> None:
    """Record a one-line notice for the user (also logged) about where data is kept."""
    if logging.getLogger().hasHandlers():  # else logging's last resort would print it raw
        log.warning("%s", message)
    _notices.append(message)


def take_notices() -> list[str]:
    """Notices given since the last call (data folder unusable, database moved aside,
    database from a newer version): the CLI prints them, the GUI shows them."""
    taken = list(_notices)
    _notices.clear()
    return taken


def configured_data_dir() -> Path:
    """Where the data folder is meant to be (``TAGGENIUS_HOME`` or the platform's), without
    creating it."""
    override = os.environ.get(HOME_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def _unusable_reason(path: Path) -> str | None:
    """Why ``path`` cannot hold our data (None: it can). Writes a probe file, because
    permission bits do not tell (root ignores them; a read-only mount does not)."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, probe = tempfile.mkstemp(prefix=".probe-", dir=path)
        os.close(fd)
        os.unlink(probe)
    except FileExistsError:
        return "it is a file, not a folder"
    except NotADirectoryError:
        return "part of its path is a file, not a folder"
    except OSError as error:
        return error.strerror or str(error)
    return None


def data_dir() -> Path:
    """The user data folder (created on first use, owner-only).

    When it cannot be used (read-only, a file, no permission) a temporary folder stands in
    for this run, so offline tagging still works, and one notice says so: a DJ who wants a
    tagged file should get one, and is told that history and restore data are not kept.
    """
    configured = configured_data_dir()
    used = _usable.get(configured)
    if used is not None and used.is_dir():
        return used
    reason = _unusable_reason(configured)
    if reason is None:
        used = configured
    else:
        used = Path(tempfile.mkdtemp(prefix="taggenius-data-"))
        atexit.register(shutil.rmtree, used, True)
        add_notice(
            f"Cannot use the data folder {configured} ({reason}); this run keeps its job history, "
            f"tag cache and restore data in the temporary folder {used}, deleted on exit. "
            f"Make it a writable folder, or set {HOME_ENV} to one."
        )
    _usable[configured] = used
    return used


def protected_dirs() -> list[Path]:
    """Folders no output may be written into: the data folder (configured and in use)."""
    return list(dict.fromkeys([configured_data_dir(), *_usable.values()]))


def database_path() -> Path:
    return data_dir() / "taggenius.sqlite3"


def log_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def settings_path() -> Path:
    return data_dir() / "settings.json"


def default_output_dir() -> Path:
    """Default folder for outputs when the user chose none: next to the input is preferred
    by the CLI; the GUI offers this one. Under ``TAGGENIUS_HOME`` it is the one folder of
    the data folder that outputs may go to."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override) / "output"
    return Path(platformdirs.user_documents_dir()) / APP_DIR_NAME


def resources_dir() -> Path:
    """The bundled ``resources/`` folder.

    In a PyInstaller bundle the data sits under ``sys._MEIPASS``; from a checkout or an
    editable install it is the ``resources`` folder beside the package.
    """
    bundle_root = getattr(sys, "_MEIPASS", None)
    if bundle_root:
        return Path(bundle_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
