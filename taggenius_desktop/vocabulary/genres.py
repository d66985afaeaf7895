"""The genre map: canonical genre names in a DAG under the primary genres, and the
canonicalization of real-world genre strings onto them.

How a raw genre string is read (``GenreMap.analyze``), cheapest and surest step first:

1. fix cp1251 mojibake, fold case and accents, read ``- _ . '`` as spaces, drop URLs
   (download sites write their name into the genre field);
2. the whole string may be an alias (Beatport's "Techno (Peak Time / Driving)");
3. aliases that contain a separator ("Drum & Bass" has none, but "Funk/Soul/Disco",
   "Hip Hop / Rap" do) are protected, then the string is split on ``/ ; , | ( ) [ ]``;
4. each part: junk ("Other", "no genre", "Unknown" in several languages) maps to
   nothing; an alias maps to its genre; otherwise the words are read left to right,
   longest known phrase first, with typo-tolerant matching of single words
   ("Progresive", "houuse"), so "pop house throwback" gives Pop + House and words like
   "banger" or "groovy" become hints (an energy step, a vibe) instead of genres.

Vague buckets (Electronic, Dance, EDM, Club, Electronica) are canonical names too, but
they always come after every specific genre: weak evidence that yields to better.
Results are memoized per distinct string: a library holds a few hundred distinct
genre strings over tens of thousands of tracks.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Mapping

from ..caches import registered
from .phrases import SPLIT_RE as _SPLIT_RE
from .phrases import PhraseReading
from .text import fix_mojibake, fold

SEPARATORS = "/;,|()"
_URL_RE = re.compile(
    r"\S*(?:https?://|www\.)\S*"
    r"|\S+\.(?:com|net|org|ru|me|pl|lt|lv|su|co|ws|mx|az|se|de|uk|info|biz|fm|io|to|br|cc|us|eu|tk"
    r"|ua|by|kz|hu|ro|cz|sk|es|it|fr|nl|zip)\b\S*"
    r"|@\S+"
)
#: download sites and links, which are never genre words (also in free text such as Comments)
URL_RE = _URL_RE
_SPACERS_RE = re.compile(r"[-_.'\"*~!?<>#:=^$%]+")
_AMP_RE = re.compile(r"\s*&\s*")
_SEP_SPACES_RE = re.compile(r"\s*([/;,|()])\s*")
_WS_RE = re.compile(r"\s+")
_WORD_RE = re.compile(r"[a-z0-9]+|&")
_BRACKET_PAIRS = (("[", "("), ("]", ")"), ("{", "("), ("}", ")"), ("\\", "/"))
_HAS_SEPARATOR_RE = re.compile(r"[/;,|()]")
_PLACEHOLDER = "\x00"


class GenreDataError(ValueError):
    """genres.json is inconsistent (unknown parent, cycle, alias claimed twice, ...)."""


def genre_key(text: str) -> str:
    """The normalized form aliases are compared in (applied to aliases and input alike).

    Each step is guarded by a cheap test: this runs for every distinct genre string,
    version text and folder name of a library.
    """
    text = fold(text)
    for char, replacement in _BRACKET_PAIRS:
        if char in text:
            text = text.replace(char, replacement)
    text = _SPACERS_RE.sub(" ", text)
    if "&" in text:
        text = _AMP_RE.sub(" & ", text)
    if "  " in text or "\t" in text or "\n" in text:
        text = _WS_RE.sub(" ", text)
    if _HAS_SEPARATOR_RE.search(text):
        text = _SEP_SPACES_RE.sub(r"\1", text)
    return text.strip()


@dataclass(frozen=True, slots=True)
class GenreAttributes:
    """What the offline tagger starts from for a genre (inherited along first parents)."""

    energy: int
    bpm: tuple[float, float]
    vibes: tuple[str, ...]
    minor_vibe: str | None
    major_vibe: str | None
    components: tuple[str, ...]
    situations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GenreAnalysis:
    """A raw genre string read: canonical names (specific first, vague last) and the hints
    its other words carry (``energy_delta`` capped at +-2, extra vibes)."""

    names: tuple[str, ...]
    energy_delta: int = 0
    vibes: tuple[str, ...] = ()


_EMPTY = GenreAnalysis(())


class GenreMap(PhraseReading):
    """Canonical genres, their DAG, aliases and per-genre defaults (from genres.json)."""

    def __init__(self, data: Mapping[str, Any], primary_genres: Iterable[str]) -> None:
        genres: Mapping[str, Mapping[str, Any]] = data["genres"]
        self.primary_names: tuple[str, ...] = tuple(primary_genres)
        self._primary_set = frozenset(self.primary_names)
        self.names: tuple[str, ...] = tuple(genres)
        self._parents: dict[str, tuple[str, ...]] = {}
        self._vague: frozenset[str] = frozenset(n for n, g in genres.items() if g.get("vague"))
        for name, spec in genres.items():
            parents = tuple(spec.get("parents", ()))
            for parent in parents:
                if parent not in genres:
                    raise GenreDataError(f"genre {name!r}: unknown parent {parent!r}")
            if not parents and name not in self._primary_set:
                raise GenreDataError(f"genre {name!r} has no parent and is not a primary genre")
            if parents and name in self._primary_set:
                raise GenreDataError(f"primary genre {name!r} must not have parents")
            self._parents[name] = parents
        missing = self._primary_set - set(genres)
        if missing:
            raise GenreDataError(f"primary genres missing from genres.json: {sorted(missing)}")
        self._ancestors: dict[str, frozenset[str]] = {}
        for name in self.names:
            self._ancestors[name] = self._collect_ancestors(name, ())
        self._primary_of = {name: self._find_primary(name) for name in self.names}
        self._depth = {name: self._find_depth(name) for name in self.names}
        self._attributes = {name: self._resolve_attributes(name, genres) for name in self.names}

        self._aliases: dict[str, tuple[str, ...]] = {}
        for name, spec in genres.items():
            for alias in (name, *spec.get("aliases", ())):
                key = genre_key(alias)
                if not key:
                    raise GenreDataError(f"genre {name!r}: empty alias {alias!r}")
                owner = self._aliases.get(key)
                if owner is not None and owner != (name,):
                    raise GenreDataError(f"alias {alias!r} is claimed by both {owner[0]!r} and {name!r}")
                self._aliases[key] = (name,)
        for text, members in data.get("compounds", {}).items():
            if text.startswith("_"):
                continue
            unknown = [m for m in members if m not in genres]
            if unknown or not members:
                raise GenreDataError(f"compound {text!r} names unknown genres {unknown}")
            key = genre_key(text)
            if key in self._aliases:
                raise GenreDataError(f"compound {text!r} is already an alias of {self._aliases[key][0]!r}")
            self._aliases[key] = tuple(members)
        self._junk = frozenset(genre_key(j) for j in data.get("junk", ()))
        self._modifiers = frozenset(m for m in data.get("compound_modifiers", ()) if not m.startswith("_"))
        unknown_modifiers = sorted(self._modifiers - set(genres))
        if unknown_modifiers:
            raise GenreDataError(f"compound_modifiers names unknown genres {unknown_modifiers}")
        clash = sorted(self._junk & set(self._aliases))
        if clash:
            raise GenreDataError(f"junk entries that are also aliases: {clash}")
        hints = {genre_key(w): h for w, h in data.get("hints", {}).items() if not w.startswith("_")}
        self._hints: dict[str, tuple[int, str | None]] = {
            w: (int(h.get("energy", 0)), h.get("vibe")) for w, h in hints.items()
        }

        # Aliases holding a separator must be found before the string is split.
        protected = sorted((k for k in self._aliases if any(c in k for c in SEPARATORS)), key=len, reverse=True)
        self._protected_re = (
            re.compile(r"(?<![^\s/;,|()])(" + "|".join(map(re.escape, protected)) + r")(?![^\s/;,|()])")
            if protected
            else None
        )
        self._max_words = max(len(k.split(" ")) for k in self._aliases)
        # Phrases are only tried where a known phrase can start.
        self._first_words = frozenset(k.split(" ")[0] for k in self._aliases)
        self._alias_words = frozenset(w for k in self._aliases for w in k.split(" "))
        # Words worth typo-correcting towards, grouped by first letter.
        words: dict[str, set[str]] = {}
        for key in (*self._aliases, *self._hints):
            for word in key.split(" "):
                if len(word) >= 4 and word.isalpha():
                    words.setdefault(word[0], set()).add(word)
        self._known_words = frozenset(w for group in words.values() for w in group)
        self._words_by_letter = {letter: sorted(group) for letter, group in words.items()}
        self._memo: dict[str, GenreAnalysis] = {}
        self._label_memo: dict[str, tuple[str, ...]] = {}
        self._url_re = _URL_RE
        self._genre_key = genre_key

    # -- the DAG -------------------------------------------------------------------------

    def _collect_ancestors(self, name: str, path: tuple[str, ...]) -> frozenset[str]:
        if name in path:
            raise GenreDataError(f"cycle in the genre map: {' > '.join((*path, name))}")
        found = {name}
        for parent in self._parents[name]:
            found |= self._collect_ancestors(parent, (*path, name))
        return frozenset(found)

    def _find_primary(self, name: str) -> str:
        # The first parent is a genre's home: follow first parents up to a root.
        current = name
        while self._parents[current]:
            current = self._parents[current][0]
        if current not in self._primary_set:  # pragma: no cover - guarded in __init__
            raise GenreDataError(f"genre {name!r} does not reach a primary genre")
        return current

    def _find_depth(self, name: str) -> int:
        parents = self._parents[name]
        return 0 if not parents else 1 + min(self._find_depth(p) for p in parents)

    def _inherited(self, name: str, key: str, genres: Mapping[str, Mapping[str, Any]]) -> Any:
        spec = genres[name]
        if key in spec:
            return spec[key]
        for parent in self._parents[name]:
            value = self._inherited(parent, key, genres)
            if value is not None:
                return value
        return None

    def _resolve_attributes(self, name: str, genres: Mapping[str, Mapping[str, Any]]) -> GenreAttributes:
        energy = self._inherited(name, "energy", genres)
        bpm = self._inherited(name, "bpm", genres)
        vibes = self._inherited(name, "vibes", genres)
        if energy is None or bpm is None or vibes is None:
            raise GenreDataError(f"genre {name!r} inherits no energy, bpm or vibes")
        if len(bpm) != 2 or not 0 < bpm[0] < bpm[1]:
            raise GenreDataError(f"genre {name!r}: bpm must be [low, high], got {bpm!r}")
        key_vibes = self._inherited(name, "key_vibes", genres) or {}
        return GenreAttributes(
            energy=int(energy),
            bpm=(float(bpm[0]), float(bpm[1])),
            vibes=tuple(vibes),
            minor_vibe=key_vibes.get("minor"),
            major_vibe=key_vibes.get("major"),
            components=tuple(self._inherited(name, "components", genres) or ()),
            situations=tuple(self._inherited(name, "situations", genres) or ()),
        )

    def __contains__(self, name: object) -> bool:
        return name in self._parents

    def is_primary(self, name: str) -> bool:
        return name in self._primary_set

    def is_vague(self, name: str) -> bool:
        return name in self._vague

    def parents(self, name: str) -> tuple[str, ...]:
        return self._parents[name]

    def primary_of(self, name: str) -> str:
        """The primary genre a canonical genre lives under (its first parents' root)."""
        return self._primary_of[name]

    def ancestors(self, name: str) -> frozenset[str]:
        """``name`` and every genre above it, through all parents."""
        return self._ancestors[name]

    def descends_from(self, name: str, ancestor: str) -> bool:
        return ancestor in self._ancestors[name]

    def depth(self, name: str) -> int:
        """Shortest number of steps up to a primary genre (0 for a primary genre)."""
        return self._depth[name]

    def attributes(self, name: str) -> GenreAttributes:
        return self._attributes[name]

    def lookup(self, text: str) -> str | None:
        """The canonical genre a whole string is an alias of (no splitting), or None."""
        names = self._aliases.get(genre_key(text))
        return names[0] if names else None

    def lookup_all(self, text: str) -> tuple[str, ...]:
        """Every canonical genre a whole string names exactly (an alias or a compound such
        as "Techno (Peak Time / Driving)"), without splitting or guessing; () if none."""
        if text.isascii() and self._alias_words.isdisjoint(_WORD_RE.findall(text.lower())):
            return ()  # no word of any alias: skip the normalization
        return self._aliases.get(genre_key(text), ())

    @property
    def alias_count(self) -> int:
        return len(self._aliases)

    # -- canonicalization ----------------------------------------------------------------

    def canonicalize(self, raw: str) -> list[str]:
        """Canonical genre names for a raw genre string, best first; [] for junk or empty."""
        return list(self.analyze(raw).names)

    def analyze(self, raw: str) -> GenreAnalysis:
        """Canonical names plus the hints the string's other words carry (memoized)."""
        result = self._memo.get(raw)
        if result is None:
            result = self._analyze(raw)
            if len(self._memo) < 200_000:  # a pathological input cannot eat the memory
                self._memo[raw] = result
        return result

    def _analyze(self, raw: str) -> GenreAnalysis:
        if not raw or raw.isspace():
            return _EMPTY
        text = _URL_RE.sub(",", fold(fix_mojibake(raw)))
        key = genre_key(text)
        if not key:
            return _EMPTY
        whole = self._aliases.get(key)
        if whole:
            return GenreAnalysis(whole)
        if key in self._junk:
            return _EMPTY

        protected: list[tuple[str, ...]] = []
        if self._protected_re is not None:
            def protect(match: re.Match[str]) -> str:
                protected.append(self._aliases[match.group(1)])
                return f" {_PLACEHOLDER}{len(protected) - 1} "

            key = self._protected_re.sub(protect, key)

        names: list[str] = []
        energy = 0
        vibes: list[str] = []
        for part in _SPLIT_RE.split(key):
            part = part.strip()
            if not part or part in self._junk:
                continue
            found = self._aliases.get(part)
            if found:
                names.extend(found)
                continue
            in_part: list[str] = []
            energy += self._read_words(part, protected, in_part, vibes)
            # "R&B & Hip-Hop" names two genres side by side; only a compound has a head.
            coordinated = "&" in part or " and " in part
            names.extend(in_part if coordinated else _head_first(in_part, self._vague, self._modifiers))

        unique = list(dict.fromkeys(names))
        specific = self._majority_first([n for n in unique if n not in self._vague])
        ordered = tuple(specific + [n for n in unique if n in self._vague])
        return GenreAnalysis(ordered, max(-2, min(2, energy)), tuple(dict.fromkeys(vibes)))

    def _majority_first(self, names: list[str]) -> list[str]:
        """Order names so that those of the family (primary genre) most of them live under
        come first ("Dub, Acid, Deep House, Minimal Techno" is a techno track, not reggae).
        A tie goes to the family most names belong to through any parent ("Dub/Tech
        House/Minimal": Tech House and Minimal both sit under House and Techno, Dub only
        under Reggae), then to the order the user wrote. The most specific name within the
        winning family sets the defaults (see the offline tagger)."""
        if len(names) < 3:
            return names
        homes = [self._primary_of[n] for n in names]
        support: dict[str, int] = {}
        for name in names:
            for family in self._ancestors[name] & self._primary_set:
                support[family] = support.get(family, 0) + 1
        rank = {home: (-homes.count(home), -support.get(home, 0), homes.index(home)) for home in homes}
        return [n for _, n in sorted(enumerate(names), key=lambda item: (rank[homes[item[0]]], item[0]))]

    def _read_words(self, part: str, protected: list[tuple[str, ...]], names: list[str], vibes: list[str]) -> int:
        """Longest known phrase first, left to right; unknown words are skipped, hint words
        add their vibe to ``vibes``. Returns the hints' energy steps."""
        energy = 0
        tokens = [self._correct(t) for t in part.split(" ") if t]
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.startswith(_PLACEHOLDER):
                names.extend(protected[int(token[1:])])
                i += 1
                continue
            for size in range(min(self._max_words, len(tokens) - i), 0, -1) if token in self._first_words else ():
                found = self._aliases.get(" ".join(tokens[i : i + size]))
                if found:
                    names.extend(found)
                    i += size
                    break
            else:  # no phrase starts here: a filler word ("music", "&"), a hint or noise
                hint = self._hints.get(token)
                if hint:
                    energy += hint[0]
                    if hint[1]:
                        vibes.append(hint[1])
                i += 1
        return energy

    def _correct(self, word: str) -> str:
        """A word one or two typos away from a known genre word becomes that word."""
        if len(word) < 5 or word in self._known_words or not word.isalpha():
            return word
        return _closest(word, tuple(self._words_by_letter.get(word[0], ())))


def _head_first(names: list[str], vague: frozenset[str], modifiers: frozenset[str]) -> list[str]:
    """An English genre compound is named by its last word: "pop house" is house, "pop
    trap" is trap. Vague buckets never head, and modifier genres only when nothing else is
    named: DJs write "pop" or "latin" as an adjective in any position ("house latin" is
    latin-flavoured house, see genres.json)."""
    if len(names) < 2:
        return names
    heads = [n for n in names if n not in vague and n not in modifiers] or [n for n in names if n in modifiers]
    if not heads:
        return names
    head = heads[-1]
    return [head, *(n for n in names if n != head)]


@registered("vocabulary.genres.closest")
@lru_cache(maxsize=4096)
def _closest(word: str, candidates: tuple[str, ...]) -> str:
    match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.84)
    return match[0] if match else word
