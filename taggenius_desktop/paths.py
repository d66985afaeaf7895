"""Where Tag Genius keeps things: one module, so tests and portable installs redirect it all.

``TAGGENIUS_HOME`` set to a folder puts the database, logs and settings there instead of
the platform's user data folder. Bundled read-only data (vocabulary, genre map, price
table, icons, sample library) is found through :func:`resource_path`, which works from a
source checkout, an installed wheel and a PyInstaller bundle alike.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_DIR_NAME = "TagGenius"
HOME_ENV = "TAGGENIUS_HOME"


def data_dir() -> Path:
    """The user data folder (created on first use, owner-only)."""
    override = os.environ.get(HOME_ENV)
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


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
    by the CLI; the GUI offers this one."""
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
