"""What the user chose -> a tag job spec: the rules the GUI and the CLI share.

Both front ends describe a tag job as :class:`TagChoices` (the GUI from its saved
:class:`~taggenius_desktop.settings.Settings`, the CLI from its arguments) and call
:func:`build_tag_spec`, which owns the rules:

- which API key goes where (``key_for``; the user's OpenAI key only ever goes to OpenAI);
- OpenAI without a key cannot start; a custom server without an address cannot start;
- an automatic provider (the CLI without ``--provider``) is a local server when a URL is
  given, OpenAI when a key is set, else offline;
- Red handling travels in the write options (``protect_red``: Red tracks are left alone);
- :func:`cache_partition_of` says when cached answers (review proposals, cached counts)
  must be read again: exactly when the tag-cache partition changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from ..audio.locate import Remap
from ..tagging.choice import NO_OPENAI_KEY, PROVIDER_NAMES, Provider, TaggerChoice
from ..vocabulary.profile import Level
from .specs import SpecError, TagJobSpec, build_tag_job

if TYPE_CHECKING:
    from ..settings import Settings

#: (provider, base URL) -> the API key to send there, or None.
KeyRule = Callable[[Provider, "str | None"], "str | None"]

NO_SERVER_ADDRESS = "Set the address of your server in Settings (AI > Address), e.g. http://localhost:8080/v1."


class MissingApiKey(SpecError):
    """OpenAI was chosen and no key is stored or set; front ends add how to set one."""


def openai_key_only(provider: Provider, base_url: str | None) -> str | None:
    """The key a job may send (see ``credentials.api_key_for``, the one rule): the OpenAI
    key only to OpenAI; a local or custom server only a key of its own, never OpenAI's."""
    from ..credentials import api_key_for

    return api_key_for(provider.value, base_url)


def resume_key(provider: str | None, key_for: KeyRule = openai_key_only) -> str | None:
    """The key a resumed job gets (keys are never stored with a job): the same rule."""
    if not provider or provider not in PROVIDER_NAMES:
        return None  # split and restore jobs use no tagger
    return key_for(Provider(provider), None)


@dataclass(frozen=True)
class TagChoices:
    """A tag job as the user described it, before any rule is applied."""

    #: None = automatic (see the module docstring)
    provider: Provider | None = Provider.OFFLINE
    model: str = ""
    base_url: str | None = None
    level: str = Level.RECOMMENDED.value
    #: None = the provider's default
    batch_size: int | None = None
    concurrency: int | None = None
    use_cache: bool = True
    write_options: Mapping[str, Any] = field(default_factory=dict)
    playlists: tuple[str, ...] = ()
    #: True when the user picked a custom server (its address is then required)
    custom_server: bool = False
    #: where the per-track CSV report goes (None: no report)
    report_path: str | None = None
    #: energy from the audio files: auto | on | off, and (old, new) music folder remaps
    audio: str = "off"
    music_roots: tuple[tuple[str, str], ...] = ()


def choices_from_settings(settings: "Settings", playlists: Sequence[str] = ()) -> TagChoices:
    """The GUI's saved settings (after the job panel stored its choices into them)."""
    preset = settings.preset
    provider = preset.provider
    return TagChoices(
        provider=provider,
        model=settings.model if provider.is_llm else "",
        base_url=settings.effective_base_url,
        level=settings.level,
        batch_size=settings.batch_size or None,
        concurrency=settings.concurrency or None,
        use_cache=settings.use_cache,
        write_options=settings.write_options(),
        playlists=tuple(playlists),
        custom_server=preset.needs_address,
        audio=settings.audio_energy,
        music_roots=tuple(settings.music_roots.items()),
    )


def choices_from_args(args: Any) -> TagChoices:
    """``taggenius tag``'s parsed arguments (argparse.Namespace)."""
    return TagChoices(
        provider=Provider.parse(args.provider) if args.provider else None,
        model=args.model or "",
        base_url=args.base_url,
        level=args.level,
        batch_size=args.batch_size,
        concurrency=args.concurrency,
        use_cache=not args.no_cache,
        write_options={"fill_unknown_genres": args.fill_unknown_genres,
                       "keep_genre_labels": not args.replace_genre_labels},
        playlists=tuple(args.playlist or ()),
        report_path=args.report,
        audio=args.audio,
        music_roots=tuple((r.old, r.new) for r in map(Remap.parse, args.music_root)),
    )


def build_tag_spec(
    choices: TagChoices,
    input_path: str | Path,
    output_path: str | Path | None = None,
    *,
    key_for: KeyRule = openai_key_only,
    for_estimate: bool = False,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    locked: Sequence[str] = (),
) -> TagJobSpec:
    """The job spec for ``choices``; raises SpecError (one line) when it cannot run.

    ``for_estimate`` builds a spec that is only estimated, never run: a missing OpenAI key
    does not stop it (the estimate needs none).
    """
    provider = choices.provider
    if provider is None:
        if choices.base_url:
            provider = Provider.COMPATIBLE
        else:
            provider = Provider.OPENAI if key_for(Provider.OPENAI, None) else Provider.OFFLINE
    base_url = choices.base_url if provider.is_llm else None
    if choices.custom_server and not base_url:
        raise SpecError(NO_SERVER_ADDRESS)
    api_key = key_for(provider, base_url) if provider.is_llm else None
    if provider is Provider.OPENAI and not api_key and not base_url and not for_estimate:
        raise MissingApiKey(NO_OPENAI_KEY)
    spec = build_tag_job(
        input_path,
        output_path,
        level=choices.level,
        provider=provider.value,
        model=choices.model if provider.is_llm else "",
        base_url=base_url,
        api_key=api_key,
        batch_size=choices.batch_size,
        concurrency=choices.concurrency,
        use_cache=choices.use_cache,
        write_options=choices.write_options,
        playlists=choices.playlists,
        overrides=overrides,
        locked=locked,
        report_path=choices.report_path,
        audio=choices.audio,
        music_roots=choices.music_roots,
    )
    if provider.is_llm:
        try:
            TaggerChoice.of(spec.provider).llm_config()
        except ValueError as error:  # e.g. a local server without an address
            raise SpecError(str(error)) from None
    return spec


def cache_partition_of(spec: TagJobSpec) -> str:
    """Changes exactly when cached answers for the spec change: the provider family, the
    model, the prompt and vocabulary versions (not the server's URL, nor the key)."""
    return TaggerChoice.of(spec.provider).cache_key() or Provider.OFFLINE.value
