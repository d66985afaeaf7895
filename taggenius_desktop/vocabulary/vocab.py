"""Loading the controlled vocabulary and the genre map from ``resources/``.

The data is checked as a whole when it is loaded (every default the offline tagger uses
is a vocabulary value, every genre reaches a primary genre, no alias is claimed twice),
so a bad edit of the JSON fails loudly at start-up instead of producing off-list tags.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from ..caches import registered
from ..paths import resource_path
from .genres import GenreDataError, GenreMap
from .profile import ENERGY_MAX, ENERGY_MIN
from .text import compact_key

VOCABULARY_FILE = "vocabulary.json"
GENRES_FILE = "genres.json"
_ERA_RE = re.compile(r"^(\d{3})0s$")


class VocabularyError(GenreDataError):
    """The vocabulary data files are missing or inconsistent."""


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Every value a tag may take, the genre map, and the offline tagger's data rules."""

    primary_genres: tuple[str, ...]
    vibes: tuple[str, ...]
    situations: tuple[str, ...]
    components: tuple[str, ...]
    eras: tuple[str, ...]
    genres: GenreMap
    #: changes whenever a data file changes (part of cache keys)
    version: str
    energy_min: int = ENERGY_MIN
    energy_max: int = ENERGY_MAX
    #: the "offline" section of genres.json, checked at load
    offline_rules: Mapping[str, Any] = field(default_factory=dict)
    #: category -> {compact key -> value}: what an LLM or a user may type for a value
    lookups: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # Sets for membership tests on hot paths (validation runs per distinct profile).
    primary_set: frozenset[str] = field(init=False, repr=False, default=frozenset())
    value_sets: Mapping[str, frozenset[str]] = field(init=False, repr=False, default_factory=dict)
    era_set: frozenset[str] = field(init=False, repr=False, default=frozenset())

    def __post_init__(self) -> None:
        object.__setattr__(self, "era_set", frozenset(self.eras))
        object.__setattr__(self, "primary_set", frozenset(self.primary_genres))
        object.__setattr__(self, "value_sets", {
            "vibes": frozenset(self.vibes),
            "situations": frozenset(self.situations),
            "components": frozenset(self.components),
        })

    def category_values(self, category: str) -> tuple[str, ...]:
        return {"vibes": self.vibes, "situations": self.situations, "components": self.components}[category]

    def lookup(self, category: str, text: str) -> str | None:
        """The value of ``category`` ("vibes", "situations", "components") that ``text``
        names, ignoring case, spaces, hyphens and a plural s; None when there is none."""
        table = self.lookups[category]
        key = compact_key(text)
        found = table.get(key)
        if found is None and key.endswith("s"):
            found = table.get(key[:-1])
        return found

    def era_of_year(self, year: int) -> str | None:
        """The decade of a year when it is one of the vocabulary's eras, else None."""
        if not year or year < 1000:
            return None
        era = f"{year // 10 * 10}s"
        return era if era in self.era_set else None


def _read_json(path: Path) -> tuple[dict[str, Any], bytes]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise VocabularyError(f"cannot read {path}: {error}") from None
    try:
        return json.loads(raw.decode("utf-8")), raw
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise VocabularyError(f"{path.name} is not valid JSON: {error}") from None


def _unique_list(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    values = data.get(key)
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
        raise VocabularyError(f"vocabulary.json: {key!r} must be a non-empty list of names")
    if len(set(values)) != len(values):
        raise VocabularyError(f"vocabulary.json: {key!r} lists a value twice")
    return tuple(values)


def _lookup_table(category: str, values: tuple[str, ...], aliases: Mapping[str, str]) -> dict[str, str]:
    table = {compact_key(v): v for v in values}
    for alias, target in aliases.items():
        if target not in values:
            raise VocabularyError(f"vocabulary.json: alias {alias!r} of {category} points to unknown {target!r}")
        key = compact_key(alias)
        if table.get(key, target) != target:
            raise VocabularyError(f"vocabulary.json: alias {alias!r} of {category} clashes with {table[key]!r}")
        table[key] = target
    return table


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise VocabularyError(message)


def _check_genre_defaults(genres: GenreMap, vibes: set[str], components: set[str], situations: set[str]) -> None:
    for name in genres.names:
        attrs = genres.attributes(name)
        _check(ENERGY_MIN <= attrs.energy <= ENERGY_MAX, f"genre {name!r}: energy {attrs.energy} out of range")
        for vibe in (*attrs.vibes, attrs.minor_vibe, attrs.major_vibe):
            _check(vibe is None or vibe in vibes, f"genre {name!r}: unknown vibe {vibe!r}")
        _check(len(set(attrs.vibes)) == len(attrs.vibes) <= 3, f"genre {name!r}: vibes must be up to 3 distinct values")
        for component in attrs.components:
            _check(component in components, f"genre {name!r}: unknown component {component!r}")
        for situation in attrs.situations:
            _check(situation in situations, f"genre {name!r}: unknown situation {situation!r}")


def _check_offline_rules(rules: Mapping[str, Any], genres: GenreMap, vibes: set[str], situations: set[str]) -> None:
    for low, high, genre in rules.get("tempo_fallback", ()):
        _check(genre in genres and genres.is_primary(genre),
               f"offline.tempo_fallback: {genre!r} is not a primary genre")
        _check(0 <= low < high, f"offline.tempo_fallback: bad range {low}..{high}")
    default = rules.get("default_genre")
    _check(default is not None and genres.is_primary(default), "offline.default_genre must be a primary genre")
    by_energy = rules.get("situations_by_energy", {})
    for energy in range(ENERGY_MIN, ENERGY_MAX + 1):
        listed = by_energy.get(str(energy))
        _check(bool(listed), f"offline.situations_by_energy has no entry for {energy}")
        for situation in listed:
            _check(situation in situations, f"offline.situations_by_energy: unknown situation {situation!r}")
    for word, step in rules.get("energy_words", {}).items():
        _check(isinstance(step, int) and -3 <= step <= 3, f"offline.energy_words: {word!r} needs a small integer step")
    for mode, clashing in rules.get("key_vibe_clash", {}).items():
        _check(mode in ("minor", "major"), f"offline.key_vibe_clash: unknown mode {mode!r}")
        for vibe in clashing:
            _check(vibe in vibes, f"offline.key_vibe_clash: unknown vibe {vibe!r}")


def build_vocabulary(vocab_data: Mapping[str, Any], genre_data: Mapping[str, Any], version: str) -> Vocabulary:
    """A checked Vocabulary from the two parsed data files."""
    primary = _unique_list(vocab_data, "primary_genres")
    vibes = _unique_list(vocab_data, "vibes")
    situations = _unique_list(vocab_data, "situations")
    components = _unique_list(vocab_data, "components")
    eras = _unique_list(vocab_data, "eras")
    for era in eras:
        _check(bool(_ERA_RE.match(era)), f"vocabulary.json: era {era!r} is not a decade like '1990s'")
    energy = vocab_data.get("energy", {})
    _check(
        energy.get("min", ENERGY_MIN) == ENERGY_MIN and energy.get("max", ENERGY_MAX) == ENERGY_MAX,
        f"vocabulary.json: energy must run {ENERGY_MIN}..{ENERGY_MAX} (the TagProfile contract)",
    )
    try:
        genres = GenreMap(genre_data, primary)
    except GenreDataError as error:
        raise VocabularyError(f"genres.json: {error}") from None
    _check_genre_defaults(genres, set(vibes), set(components), set(situations))
    for word, hint in genre_data.get("hints", {}).items():
        if not word.startswith("_"):
            _check(hint.get("vibe") is None or hint["vibe"] in vibes, f"genres.json hint {word!r}: unknown vibe")
    offline = genre_data.get("offline", {})
    _check_offline_rules(offline, genres, set(vibes), set(situations))

    aliases = vocab_data.get("aliases", {})
    lookups = {
        "vibes": _lookup_table("vibes", vibes, aliases.get("vibes", {})),
        "situations": _lookup_table("situations", situations, aliases.get("situations", {})),
        "components": _lookup_table("components", components, aliases.get("components", {})),
    }
    return Vocabulary(
        primary_genres=primary,
        vibes=vibes,
        situations=situations,
        components=components,
        eras=eras,
        genres=genres,
        version=version,
        offline_rules=offline,
        lookups=lookups,
    )


@registered("vocabulary.load")
@lru_cache(maxsize=8)
def _load(directory: Path) -> Vocabulary:
    vocab_data, vocab_raw = _read_json(directory / VOCABULARY_FILE)
    genre_data, genre_raw = _read_json(directory / GENRES_FILE)
    digest = hashlib.sha256(vocab_raw + b"\0" + genre_raw).hexdigest()[:12]
    return build_vocabulary(vocab_data, genre_data, digest)


def load_vocabulary(directory: Path | str | None = None) -> Vocabulary:
    """The vocabulary from ``resources/`` (or ``directory``); loaded once, then cached."""
    if directory is None:
        return _load_bundled()
    return _load(Path(directory).resolve())


@registered("vocabulary.bundled")
@lru_cache(maxsize=1)
def _load_bundled() -> Vocabulary:
    # Resolved once: callers on hot paths (the offline tagger) ask for it per track.
    return _load(resource_path().resolve())
