"""Every Location in the real rekordbox exports reads as a path (macOS, Windows drive
letters, percent-encoded UTF-8), and counting the files that are here never fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from taggenius_desktop.audio.locate import count_found, location_to_path
from taggenius_desktop.library import read_library
from tests.conftest import pristine_params


@pytest.mark.parametrize("export", pristine_params())
def test_real_export_locations_read_as_paths(export: Path) -> None:
    library = read_library(export)
    locations = [t.attrs.get("Location", "") for t in library.tracks]
    paths = [location_to_path(loc) for loc in locations if loc.startswith("file://localhost/")]
    for path in paths:
        assert path is not None and not path.startswith("file:")
        assert path.startswith("/") or path[1:3] == ":/", path  # POSIX, or a Windows drive
    found = count_found(locations)
    assert found.total == len(library.tracks)
    assert found.found + found.missing + found.not_a_file == found.total
