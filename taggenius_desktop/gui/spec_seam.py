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

NO_OPENAI_KEY = "No OpenAI API key is set. Open Settings (Ctrl+,) to enter one, or choose Offline."
NO_SERVER_ADDRESS = "Set the address of your server in Settings (AI > Address), e.g. http://localhost:8080/v1."


def api_key_for(provider: str) -> str | None:
    """The key a job for ``provider`` may carry: only OpenAI's, only to OpenAI."""
    return credentials.get_api_key() if provider == "openai" else None


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
    """Raises SpecError for a spec that cannot run (an estimate needs no key)."""
    from ..jobs import SpecError, build_tag_job

    provider = settings.job_provider
    api_key = api_key_for(provider)
    if provider == "openai" and not api_key and not for_estimate:
        raise SpecError(NO_OPENAI_KEY)
    if settings.provider == "custom" and not settings.effective_base_url:
        raise SpecError(NO_SERVER_ADDRESS)
    return build_tag_job(
        library_path,
        output,
        level=level,
        provider=provider,
        model=model if provider != "offline" else "",
        base_url=settings.effective_base_url,
        api_key=api_key,
        batch_size=settings.batch_size or None,
        concurrency=settings.concurrency or None,
        use_cache=settings.use_cache,
        write_options=write_options,
        playlists=playlists,
        overrides=overrides,
        locked=locked,
    )
