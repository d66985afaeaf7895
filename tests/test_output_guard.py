"""``-o`` never points into the app's own data: the database, its -wal/-shm, a log, or
anything else in the data folder (through symlinks too); the database stays owner-only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from taggenius_desktop import paths
from taggenius_desktop.jobs import SpecError, build_split_job, build_tag_job
from taggenius_desktop.jobs.specs import build_restore_job
from taggenius_desktop.logs import log_file
from taggenius_desktop.store import connect
from tests.libraries import write_library


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return write_library(tmp_path / "lib.xml", n=4)


def _targets() -> dict[str, Path]:
    database = paths.database_path()
    return {
        "database": database,
        "wal": Path(f"{database}-wal"),
        "shm": Path(f"{database}-shm"),
        "log": Path(log_file("cli")),
        "settings": paths.settings_path(),
        "new file in the data folder": paths.data_dir() / "anything.xml",
    }


@pytest.mark.parametrize("what", [
    "database", "wal", "shm", "log", "settings", "new file in the data folder"])
def test_output_into_the_data_folder_is_refused(library, what):
    connect().close()
    target = _targets()[what]
    for build in (build_tag_job, build_split_job, build_restore_job):
        with pytest.raises(SpecError) as refused:
            build(library, target)
        message = str(refused.value)
        assert "\n" not in message and "data folder" in message


def test_a_symlink_to_the_database_is_refused(library, tmp_path):
    connect().close()
    link = tmp_path / "innocent.xml"
    link.symlink_to(paths.database_path())
    with pytest.raises(SpecError, match="data folder"):
        build_tag_job(library, link)
    linked_dir = tmp_path / "elsewhere"
    linked_dir.symlink_to(paths.data_dir(), target_is_directory=True)
    with pytest.raises(SpecError, match="data folder"):
        build_tag_job(library, linked_dir / "out.xml")


def test_the_app_output_folder_and_ordinary_places_are_allowed(library, tmp_path):
    spec = build_tag_job(library, paths.default_output_dir() / "lib_tagged.xml")
    assert spec.output_path.endswith("lib_tagged.xml")
    assert build_tag_job(library, tmp_path / "out.xml").output_path == str(tmp_path / "out.xml")
    assert build_tag_job(library).output_path == str(tmp_path / "lib_tagged.xml")


def test_database_mode_is_put_back_to_0600_on_open():
    connect().close()
    database = paths.database_path()
    os.chmod(database, 0o644)
    connect().close()
    assert stat.S_IMODE(os.stat(database).st_mode) == 0o600


def test_a_split_out_dir_inside_the_data_folder_is_refused(library, tmp_path):
    with pytest.raises(SpecError, match="data folder"):
        build_split_job(library, out_dir=paths.data_dir() / "buckets")
    assert build_split_job(library, out_dir=tmp_path / "buckets").out_dir == str(tmp_path / "buckets")
