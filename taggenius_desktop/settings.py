"""The app's settings: declared once, with typed defaults and a schema version (no Qt here).

Stored as JSON at :func:`taggenius_desktop.paths.settings_path` (so ``TAGGENIUS_HOME``
redirects it for tests and portable use). Loading never fails: a missing file gives the
defaults; a corrupt file is kept aside as ``settings.json.corrupt`` and the defaults are
used; a value of the wrong type falls back to that field's default without losing the
others. The API key is NOT a setting: it lives in the OS keyring (see ``credentials``).

Versions migrate like the database's: ``MIGRATIONS[n]`` turns a version n-1 file's data
into version n's, and every step up to :data:`SCHEMA_VERSION` runs in order on load (the
old file is kept as ``settings.json.v<old>`` until then). A file written by a newer
version is read for what this one knows and saved back with its version and every key
this version does not know, so going back to the newer app loses nothing.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import shutil
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Mapping

from . import paths
from .audio import AUDIO_MODES
from .tagging.presets import Preset
from .vocabulary.profile import Level
from .writeback.options import WriteMode, WriteOptions

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
#: version n -> the function turning a version n-1 file's data into version n's
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}
MAX_RECENT_FILES = 10

LEVELS = tuple(level.value for level in Level)
WRITE_MODES = tuple(mode.value for mode in WriteMode)
_DEFAULT_OPTIONS = WriteOptions()
WRITE_FIELDS = tuple(f.name for f in fields(WriteOptions) if isinstance(getattr(_DEFAULT_OPTIONS, f.name), WriteMode))
THEMES = ("system", "light", "dark")


def _default_modes() -> dict[str, str]:
    # writeback.WriteOptions' defaults: never overwrite what the DJ set by hand.
    return {name: _DEFAULT_OPTIONS.mode(name).value for name in WRITE_FIELDS}


@dataclass
class Settings:
    schema_version: int = SCHEMA_VERSION
    #: newest first; absolute paths
    recent_files: list[str] = field(default_factory=list)
    level: str = Level.RECOMMENDED.value
    #: the job panel's choice: a ``tagging.presets.Preset`` value (the offline tagger or an AI preset)
    provider: str = Preset.OFFLINE.value
    #: the last AI preset chosen in Settings (what "AI" means in the job panel)
    llm_preset: str = Preset.OPENAI.value
    model: str = ""
    #: the address of a server whose preset needs one typed (the local presets have their own)
    base_url: str = ""
    #: 0 = the provider's default
    concurrency: int = 0
    batch_size: int = 0
    use_cache: bool = True
    #: empty = paths.default_output_dir()
    output_dir: str = ""
    write_modes: dict[str, str] = field(default_factory=_default_modes)
    protect_red: bool = True
    #: energy ("1".."10") -> colour hex / rating value; empty = the writeback defaults
    colour_map: dict[str, str] = field(default_factory=dict)
    rating_map: dict[str, int] = field(default_factory=dict)
    #: energy from the audio files: one of audio.AUDIO_MODES ("auto": when the files are found)
    audio_energy: str = "auto"
    #: where the library's music folders are on this computer: old prefix -> new prefix
    music_roots: dict[str, str] = field(default_factory=dict)
    notify_when_done: bool = True
    theme: str = "system"
    #: ids of interrupted jobs the user chose not to resume (no banner for them again)
    dismissed_jobs: list[int] = field(default_factory=list)
    #: QMainWindow.saveGeometry() / saveState(), base64 (opaque to the core)
    window_geometry: str = ""
    window_state: str = ""
    #: what a newer version wrote that this one does not know: saved back untouched
    preserved: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    # -- derived values -----------------------------------------------------------------
    @property
    def preset(self) -> Preset:
        """The job panel's choice. A name this version does not know means the offline
        tagger, as on load (``_repair``): nothing is sent anywhere, nothing is paid."""
        return Preset.named(self.provider) or Preset.OFFLINE

    @property
    def ai_preset(self) -> Preset:
        """The AI server chosen in Settings."""
        preset = Preset.named(self.llm_preset)
        return preset if preset is not None and preset.is_llm else Preset.OPENAI

    @property
    def job_provider(self) -> str:
        """The provider name a job spec takes (a ``tagging.choice.Provider`` value)."""
        return self.preset.provider.value

    @property
    def effective_base_url(self) -> str | None:
        return self.preset.base_url(self.base_url)

    @property
    def effective_output_dir(self) -> Path:
        return Path(self.output_dir).expanduser() if self.output_dir.strip() else paths.default_output_dir()

    def write_options(self) -> dict[str, Any]:
        """The ``write_options`` dict a tag job spec takes (level travels separately)."""
        options: dict[str, Any] = {name: self.write_modes.get(name, default)
                                   for name, default in _default_modes().items()}
        options["protect_red"] = self.protect_red
        if self.colour_map:
            options["colour_map"] = dict(self.colour_map)
        if self.rating_map:
            options["rating_map"] = dict(self.rating_map)
        return options

    def add_recent(self, path: str | Path) -> None:
        """Put ``path`` first in the recent files (no duplicates, at most MAX_RECENT_FILES)."""
        text = str(Path(path).expanduser().absolute())
        self.recent_files = [text, *[p for p in self.recent_files if p != text]][:MAX_RECENT_FILES]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {**data.pop("preserved"), **data}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Settings":
        """Unknown keys are ignored; a value of the wrong type keeps that field's default."""
        defaults = cls()
        values: dict[str, Any] = {}
        for spec in fields(cls):
            if spec.name not in data or spec.name in ("schema_version", "preserved"):
                continue
            value = _coerce(data[spec.name], getattr(defaults, spec.name))
            if value is _INVALID:
                log.warning("setting %s has an invalid value; using the default", spec.name)
                continue
            values[spec.name] = value
        settings = cls(**values)
        settings._repair()
        return settings

    def _repair(self) -> None:
        """Values of the right type but outside what the app knows go back to defaults."""
        defaults = Settings()
        if self.level not in LEVELS:
            self.level = defaults.level
        if Preset.named(self.provider) is None:
            self.provider = defaults.provider
        chosen = Preset.named(self.llm_preset)
        if chosen is None or not chosen.is_llm:
            self.llm_preset = defaults.llm_preset
        if self.theme not in THEMES:
            self.theme = defaults.theme
        if self.audio_energy not in AUDIO_MODES:
            self.audio_energy = defaults.audio_energy
        self.music_roots = {old: new for old, new in self.music_roots.items()
                            if isinstance(old, str) and isinstance(new, str) and old and new}
        modes = _default_modes()
        for name, mode in self.write_modes.items():
            if name in modes and mode in WRITE_MODES:
                modes[name] = mode
        self.write_modes = modes
        self.concurrency = max(0, min(self.concurrency, 64))
        self.batch_size = max(0, min(self.batch_size, 100))
        self.recent_files = [p for p in self.recent_files if isinstance(p, str)][:MAX_RECENT_FILES]
        self.dismissed_jobs = [i for i in self.dismissed_jobs if isinstance(i, int)][-200:]
        # A hand-edited map rekordbox cannot show (or that maps energy to Red) would fail
        # every job; the defaults are better than a broken start button.
        from .writeback import WriteOptions

        for name in ("colour_map", "rating_map"):
            if getattr(self, name):
                try:
                    WriteOptions(**{name: getattr(self, name)})
                except (ValueError, TypeError):
                    log.warning("setting %s is not usable; using the default map", name)
                    setattr(self, name, {})


class _Invalid:
    pass


_INVALID = _Invalid()


def _coerce(value: Any, default: Any) -> Any:
    """``value`` if it has the default's type (ints accepted for floats), else _INVALID."""
    if isinstance(default, bool):
        return value if isinstance(value, bool) else _INVALID
    if isinstance(default, int):
        return value if isinstance(value, int) and not isinstance(value, bool) else _INVALID
    if isinstance(default, str):
        return value if isinstance(value, str) else _INVALID
    if isinstance(default, list):
        return list(value) if isinstance(value, list) else _INVALID
    if isinstance(default, dict):
        return {str(k): v for k, v in value.items()} if isinstance(value, dict) else _INVALID
    return value


def load_settings(path: Path | str | None = None) -> Settings:
    """The saved settings, or the defaults. Never raises for a bad file."""
    target = Path(path) if path is not None else paths.settings_path()
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        log.warning("cannot read settings %s (%s); using defaults", target, exc)
        return Settings()
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("the settings file does not hold an object")
    except ValueError as exc:
        log.warning("settings file %s is corrupt (%s); kept aside, using defaults", target, exc)
        try:
            os.replace(target, target.with_name(target.name + ".corrupt"))
        except OSError:
            pass
        return Settings()
    version = data.get("schema_version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        version = 1  # files from before versioning, or a hand-edited version: the first format
    if version != SCHEMA_VERSION:
        _keep_aside(target, version)
    if version > SCHEMA_VERSION:
        log.warning("settings were written by a newer version (schema %s); reading what is known", version)
        settings = Settings.from_dict(data)
        known = {f.name for f in fields(Settings)}
        settings.preserved = {k: v for k, v in data.items() if k not in known}
        settings.schema_version = version
        return settings
    for step in range(version + 1, SCHEMA_VERSION + 1):
        data = MIGRATIONS[step](dict(data))
    return Settings.from_dict(data)


def _keep_aside(target: Path, version: int) -> None:
    """A copy of a file of another version, once, before anything is saved over it."""
    backup = target.with_name(f"{target.name}.v{version}")
    if backup.exists():
        return
    try:
        shutil.copy2(target, backup)
    except OSError as exc:
        log.warning("cannot keep a copy of the settings of schema %s (%s)", version, exc)


def save_settings(settings: Settings, path: Path | str | None = None) -> None:
    """Write atomically (temp file + rename): a crash mid-save never corrupts the file."""
    target = Path(path) if path is not None else paths.settings_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    data = settings.to_dict()
    # A newer version's file keeps its version (and, through ``preserved``, its keys).
    data["schema_version"] = max(SCHEMA_VERSION, settings.schema_version)
    fd, temp = tempfile.mkstemp(prefix=".settings-", suffix=".json", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2, sort_keys=True)
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
