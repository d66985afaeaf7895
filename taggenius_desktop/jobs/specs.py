"""Job specs: plain, JSON-serialisable descriptions of work, built by pure functions.

A view (GUI or CLI) builds a spec and hands it to the :class:`~.manager.JobManager`; the
spec is stored in ``processing_log`` so an interrupted job can be resumed exactly. The API
key is deliberately *not* part of the stored spec: it travels to the worker in memory only.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..tagging.choice import PROVIDER_NAMES, Provider
from .. import paths
from ..store import db
from ..audio import AUDIO_MODES
from ..vocabulary.profile import Level

PROVIDERS = PROVIDER_NAMES


class SpecError(ValueError):
    """A spec that cannot run (bad level, unknown provider, output over the input...)."""


#: the kinds of job (``job_type`` in a spec and in the job log)
JOB_TAG, JOB_SPLIT, JOB_RESTORE = "tag", "split", "restore"


@dataclass(frozen=True)
class ProviderSettings:
    provider: str = Provider.OFFLINE.value
    model: str = ""
    base_url: str | None = None
    batch_size: int | None = None
    concurrency: int | None = None
    use_cache: bool = True
    # In memory only: never serialised (see module docstring).
    api_key: str | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("api_key")
        return data


@dataclass(frozen=True)
class TagJobSpec:
    input_path: str
    output_path: str
    level: str = Level.RECOMMENDED.value
    provider: ProviderSettings = field(default_factory=ProviderSettings)
    write_options: Mapping[str, Any] = field(default_factory=dict)
    #: playlist paths ("Folder/Sub/Playlist") to tag; empty = the whole collection
    playlists: tuple[str, ...] = ()
    #: review edits: TrackID -> TagProfile dict that replaces the tagger's answer
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: TrackIDs the user locked: never changed
    locked: tuple[str, ...] = ()
    display_name: str = ""
    job_type: str = JOB_TAG
    #: where to write the per-track CSV report (jobs.report), or None for no report
    report_path: str | None = None
    #: energy from the audio files: auto | on | off (see audio.AUDIO_MODES)
    audio: str = "off"
    #: (old music folder, folder on this computer) pairs applied to each Location
    music_roots: tuple[tuple[str, str], ...] = ()
    #: analysis processes (None: one per core; 0: in the job's own process)
    audio_workers: int | None = None


@dataclass(frozen=True)
class SplitJobSpec:
    input_path: str
    output_path: str | None = None  # one XML with a "Tag Genius" playlist folder
    out_dir: str | None = None  # or: one XML per genre bucket
    display_name: str = ""
    job_type: str = JOB_SPLIT


@dataclass(frozen=True)
class RestoreJobSpec:
    input_path: str
    output_path: str
    display_name: str = ""
    job_type: str = JOB_RESTORE


JobSpec = TagJobSpec | SplitJobSpec | RestoreJobSpec


def default_output_path(input_path: str | Path, suffix: str) -> Path:
    """``<name>_<suffix>.xml`` next to the input."""
    source = Path(input_path)
    return source.with_name(f"{source.stem}_{suffix}.xml")


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _check_output(input_path: Path, output_path: Path) -> None:
    resolved = output_path.resolve()  # through symlinks: a link to the database is the database
    if resolved == input_path.resolve():
        raise SpecError(f"{output_path.name}: the output would overwrite the input; choose another file name")
    _check_outside_data_folder(output_path)


def _check_outside_data_folder(output_path: Path) -> None:
    resolved = output_path.resolve()
    # The data folder holds the database (written over, SQLite would then write its pages
    # into the XML), its -wal/-shm, logs and settings. Only the app's own output folder
    # inside it (under TAGGENIUS_HOME) is for outputs.
    allowed = paths.default_output_dir().resolve()
    for folder in (*paths.protected_dirs(), *db.stand_in_dirs()):
        if _within(resolved, folder.resolve()) and not _within(resolved, allowed):
            raise SpecError(
                f"{output_path}: that is inside the Tag Genius data folder {folder} (its database, logs and "
                "settings); choose another place for the output"
            )


def build_tag_job(
    input_path: str | Path,
    output_path: str | Path | None = None,
    *,
    level: str | Level = Level.RECOMMENDED,
    provider: str = Provider.OFFLINE.value,
    model: str = "",
    base_url: str | None = None,
    api_key: str | None = None,
    batch_size: int | None = None,
    concurrency: int | None = None,
    use_cache: bool = True,
    write_options: Mapping[str, Any] | None = None,
    playlists: Sequence[str] = (),
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    locked: Sequence[str] = (),
    report_path: str | Path | None = None,
    audio: str = "off",
    music_roots: Sequence[tuple[str, str]] = (),
    audio_workers: int | None = None,
) -> TagJobSpec:
    source = Path(input_path).expanduser().absolute()
    target = Path(output_path).expanduser().absolute() if output_path else default_output_path(source, "tagged")
    _check_output(source, target)
    if report_path:
        report = Path(report_path).expanduser().absolute()
        _check_output(source, report)
        if report.resolve() == target.resolve():
            raise SpecError(f"{report.name}: the report would overwrite the tagged library; choose another file name")
    try:
        level_value = Level(level).value if not isinstance(level, Level) else level.value
    except ValueError:
        raise SpecError(f"unknown level {level!r}; choose essential, recommended or detailed") from None
    try:
        Provider.parse(provider)
    except ValueError as error:
        raise SpecError(str(error)) from None
    if audio not in AUDIO_MODES:
        raise SpecError(f"unknown audio mode {audio!r}; choose one of {', '.join(AUDIO_MODES)}")
    settings = ProviderSettings(
        provider=provider,
        model=model,
        base_url=base_url,
        batch_size=batch_size,
        concurrency=concurrency,
        use_cache=use_cache,
        api_key=api_key,
    )
    return TagJobSpec(
        input_path=str(source),
        output_path=str(target),
        level=level_value,
        provider=settings,
        write_options=dict(write_options or {}),
        playlists=tuple(playlists),
        overrides={k: dict(v) for k, v in (overrides or {}).items()},
        locked=tuple(locked),
        display_name=f"Tag {source.name}",
        report_path=str(Path(report_path).expanduser().absolute()) if report_path else None,
        audio=audio,
        music_roots=tuple((str(old), str(new)) for old, new in music_roots),
        audio_workers=audio_workers,
    )


def build_split_job(
    input_path: str | Path, output_path: str | Path | None = None, out_dir: str | Path | None = None
) -> SplitJobSpec:
    source = Path(input_path).expanduser().absolute()
    if out_dir:
        folder = Path(out_dir).expanduser().absolute()
        _check_outside_data_folder(folder)
        return SplitJobSpec(str(source), None, str(folder), f"Split {source.name}")
    target = Path(output_path).expanduser().absolute() if output_path else default_output_path(source, "split")
    _check_output(source, target)
    return SplitJobSpec(str(source), str(target), None, f"Split {source.name}")


def build_restore_job(input_path: str | Path, output_path: str | Path | None = None) -> RestoreJobSpec:
    source = Path(input_path).expanduser().absolute()
    target = Path(output_path).expanduser().absolute() if output_path else default_output_path(source, "restored")
    _check_output(source, target)
    return RestoreJobSpec(str(source), str(target), f"Restore {source.name}")


def spec_to_json(spec: JobSpec) -> str:
    data = asdict(spec)
    if isinstance(spec, TagJobSpec):
        data["provider"] = spec.provider.to_dict()
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def spec_from_json(text: str, api_key: str | None = None) -> JobSpec:
    data = json.loads(text)
    kind = data.get("job_type")
    if kind == JOB_TAG:
        data["provider"] = ProviderSettings(**data["provider"], api_key=api_key)
        data["playlists"] = tuple(data.get("playlists", ()))
        data["locked"] = tuple(data.get("locked", ()))
        data["music_roots"] = tuple(tuple(pair) for pair in data.get("music_roots", ()))
        return TagJobSpec(**data)
    if kind == JOB_SPLIT:
        return SplitJobSpec(**data)
    if kind == JOB_RESTORE:
        return RestoreJobSpec(**data)
    raise SpecError(f"unknown job type {kind!r}")
