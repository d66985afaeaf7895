"""The CLI says in one line what it did with a broken database (issue 9 item 5)."""

from __future__ import annotations

import os
from pathlib import Path

from taggenius_desktop import paths
from taggenius_desktop.cli.main import run_cli


def test_a_broken_database_is_moved_aside_and_the_cli_says_where(tmp_path: Path, capsys) -> None:
    home = Path(os.environ["TAGGENIUS_HOME"])
    db_file = paths.database_path()
    db_file.parent.mkdir(parents=True, exist_ok=True)
    db_file.write_bytes(b"this is not a database" * 100)
    code = run_cli(["jobs"])
    err = capsys.readouterr().err
    assert code == 0
    assert "Traceback" not in err
    moved = [p for p in db_file.parent.iterdir() if ".broken-" in p.name]
    assert moved, f"the broken database was not kept beside {db_file} (home {home})"
    assert any(moved[0].name in line for line in err.splitlines()), err
