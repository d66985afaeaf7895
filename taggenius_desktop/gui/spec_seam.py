"""The one seam between the window's settings and a tag job spec (Qt-free).

The rules which key goes to which provider, which address a custom server needs and
what an estimate may run without belong to the core; until the core offers them as one
function, the window calls only these two, so swapping them is a one-module change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from .. import credentials
from ..settings import Settings

def api_key_for(provider: str, base_url: str | None = None) -> str | None:
    """The key a job for ``provider`` may carry (the core's one rule)."""
    return credentials.api_key_for(provider, base_url)


def tag_spec_from_settings(
    settings: Settings,
    library_path: Path,
    output: Path,
    *,
    level: str,
    model: str,
    write_options: Mapping[str, Any],
    playlists: Sequence[str],
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    locked: Sequence[str] = (),
    for_estimate: bool = False,
) -> Any:
    """Raises SpecError for a spec that cannot run (an estimate needs no key). The rules
    live in ``jobs.from_settings``; this only passes the window's current choices."""
    from dataclasses import replace

    from ..jobs.from_settings import build_tag_spec, choices_from_settings

    choices = replace(
        choices_from_settings(settings, playlists),
        level=level,
        model=model,
        write_options=dict(write_options),
    )
    return build_tag_spec(choices, library_path, output, for_estimate=for_estimate,
                          overrides=overrides, locked=locked)
