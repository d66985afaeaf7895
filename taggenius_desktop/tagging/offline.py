"""The offline tagger: a full profile from a track's own metadata, no key, no network.

Every value records where it came from (``profile.sources``):

* primary genre and sub-genres from the Genre field, canonicalized through the genre
  map (``genre-tag``). When the field holds nothing usable (empty, junk such as "Other"
  or a download site, or only a vague bucket such as "Electronic"), the best guess is
  taken, in this order: a genre named in the title's version part, "(Techno Mix)"
  (``title``); a folder the file sits in whose whole name is a genre, ".../Deep House/"
  (``folder``); the BPM, through the tempo table of genres.json (``tempo``; a vague
  bucket's own home genre wins when the BPM fits it, so "Electronica" at 95 BPM is
  Ambient/Downtempo); the vague bucket's home genre (``genre-tag``); and last the
  commonest genre of DJ libraries (``genre-default``). A track is never left untagged
  for want of a genre.
* energy: a Mixed In Key "Energy N" in Comments or Grouping wins (``mixed-in-key``).
  Otherwise the genre's base energy, moved by the tempo within the genre's usual range
  (after reading 87 BPM as 174 for drum & bass, and 280 as 140), by words of the
  version part or Mix field ("Peak Time", "Hard", "Rave" +1; "Deep", "Dub", "Chill",
  "Acoustic", "Intro" -1; "Acapella" -2), by hint words of the genre string ("banger")
  and by "High/Low Energy" written in Comments. The source is the biggest mover.
* vibes: the genre's defaults, after hint words ("groovy" in the genre, "Dark Mix"), and
  nudged by the key: a minor key brings the genre's minor vibe forward and drops
  "Happy", a major key the reverse (``key`` when the key had a say).
* situations from energy (with the genre's own places, e.g. Sunset for Balearic).
* components from title patterns (feat., Vocal Mix, Instrumental, Dub, Acapella, Remix,
  Edit, Extended, Intro, instrument words), else the genre's usual ones.
* era from Year (none for 0 or an implausible year).

Speed matters (a benchmark tags 100,000 tracks): everything that depends on a genre
string, a version text or a BPM is memoized, regexes are compiled once, and identical
profiles are shared (they are immutable).
"""

from __future__ import annotations

import re
from urllib.parse import unquote
from typing import Any, Sequence

from ..caches import register
from ..vocabulary import Vocabulary, load_vocabulary, validate_profile
from ..vocabulary import profile as _profile_module
from ..vocabulary.genres import GenreAttributes, genre_key
from ..vocabulary.keys import parse_key
from ..vocabulary.profile import (
    ENERGY_MAX,
    ENERGY_MIN,
    MAX_VALUES_PER_CATEGORY,
    SOURCE_ENERGY,
    SOURCE_GENRE_DEFAULT,
    SOURCE_GENRE_TAG,
    SOURCE_KEY,
    SOURCE_MIXED_IN_KEY,
    SOURCE_TEMPO,
    SOURCE_TITLE,
    SOURCE_USER,
    SOURCE_YEAR,
    TagProfile,
    TrackInfo,
)
from .base import IsCancelled, ResultSink, TagResult, Tagger
from .choice import Provider

#: Bumped when the rules in this module change (the data files have their own version).
RULES_VERSION = "1"
#: Source of a genre read from the track's folders; profile.py has no constant for it yet.
SOURCE_FOLDER = getattr(_profile_module, "SOURCE_FOLDER", "folder")
FOLDER_LEVELS = 4  # folders above a file that may name its genre (GENRE/House/Artist/Album)
CHUNK = 2000  # results handed over per call, and how often cancellation is checked

_MIK_ENERGY_RE = re.compile(r"\benergy\s*[:=\-]?\s*(10|0?[1-9])\b", re.IGNORECASE)
_MIK_KEY_RE = re.compile(r"^\s*(\d{1,2}[ABab]|[A-Ga-g][#b]?m?)\s*[-/|]\s*energy\b", re.IGNORECASE)
_LEVEL_ENERGY_RE = re.compile(r"\b(high|medium|low)\s+energy\b", re.IGNORECASE)
_VERSION_PART_RE = re.compile(r"[(\[]([^)\]]*)[)\]]")
_FEAT_RE = re.compile(r"(?:^|[\s(\[])(?:feat\.?|ft\.|featuring)\s", re.IGNORECASE)

# Version-part words -> component, in one pass over the folded version text.
_VERSION_COMPONENT_RE = re.compile(
    r"\b(?:(?P<Acapella>a ?capp?ella|acc?app?ella|acapela)"
    r"|(?P<Instrumental>instrumental|inst)"
    r"|(?P<Vocal>vocal|vox)"
    r"|(?P<Dub>dub)"
    r"|(?P<Remix>remix|rmx|re ?mix|rework|re ?work|refix|bootleg|vip|flip|remake)"
    r"|(?P<Edit>edit|re ?edit)"
    r"|(?P<Extended>extended|12 ?inch|long version)"
    r"|(?P<Intro>intro)"
    r"|(?P<Mashup>mash ?up))\b"
)
# "<Somebody> Mix" is a remix unless the word before "mix" names a plain version.
_NAMED_MIX_RE = re.compile(r"(\w+)\s+mix\b")
_PLAIN_MIXES = frozenset({
    "original", "extended", "radio", "club", "vocal", "dub", "instrumental", "main", "album",
    "single", "short", "long", "the", "dj", "intro", "outro", "clean", "dirty", "explicit", "mixed",
    "12", "inch", "full", "edit", "version", "a", "mono", "stereo", "continuous",
    # an instrument's mix is a version, and the instrument is a component of its own
    "piano", "keys", "organ", "synth", "guitar", "strings", "orchestral", "sax", "saxophone", "trumpet",
    "brass", "horn", "flute", "percussion", "drum", "drums", "acoustic",
})
# Instrument words and "feat." credits in the title (matched on the lower-cased title:
# a case-insensitive regex costs four times as much, and this runs for every track).
_TITLE_WORDS_RE = re.compile(
    r"\b(piano|keys|rhodes|organ|synths?|guitars?|strings|violins?|cello|orchestra|orchestral|"
    r"symphonic|sax|saxophone|trumpets?|brass|horns?|trombone|flute|clarinet|woodwinds?|"
    r"percussion|drums|bongos?|congas?|feat|ft|featuring)\b"
)
_TITLE_WORD_COMPONENT = {
    "piano": "Piano", "keys": "Keys", "rhodes": "Keys", "organ": "Keys", "synth": "Synth", "synths": "Synth",
    "guitar": "Guitar", "guitars": "Guitar", "strings": "Strings", "violin": "Strings", "violins": "Strings",
    "cello": "Strings", "orchestra": "Orchestral", "orchestral": "Orchestral", "symphonic": "Orchestral",
    "sax": "Saxophone", "saxophone": "Saxophone", "trumpet": "Trumpet", "trumpets": "Trumpet",
    "brass": "Brass", "horn": "Brass", "horns": "Brass", "trombone": "Brass", "flute": "Wind",
    "clarinet": "Wind", "woodwind": "Wind", "woodwinds": "Wind", "percussion": "Percussion",
    "drums": "Percussion", "bongo": "Percussion", "bongos": "Percussion", "conga": "Percussion",
    "congas": "Percussion", "feat": "Vocal", "ft": "Vocal", "featuring": "Vocal",
}
_COMPONENT_ORDER = (
    "Acapella", "Instrumental", "Vocal", "Dub", "Remix", "Edit", "Extended", "Intro", "Mashup",
)
_LEVEL_STEP = {"high": 1, "medium": 0, "low": -1}
_NONE: tuple[str, ...] = ()
_REMIXED = ("Remix",)


class _GenreDecision:
    """Primary genre, sub-genres and the genre whose defaults apply, with their source,
    plus everything that depends on them alone (computed once per decision)."""

    __slots__ = ("primary", "subs", "attrs", "source", "energy_delta", "hint_vibes",
                 "tempo_steps", "situations", "vibes_by_mode", "default_components")

    def __init__(self, rules: "OfflineRules", primary: str, subs: tuple[str, ...], attrs: GenreAttributes,
                 source: str, energy_delta: int, hint_vibes: tuple[str, ...]) -> None:
        self.primary = primary
        self.subs = subs
        self.attrs = attrs
        self.source = source
        self.energy_delta = energy_delta
        self.hint_vibes = hint_vibes
        self.tempo_steps: dict[float, int] = {}
        self.situations = tuple(
            rules.situations_for(energy, attrs.situations) if energy else () for energy in range(ENERGY_MAX + 1)
        )
        self.vibes_by_mode = {mode: rules.vibes_for(self, mode, ()) for mode in (None, True, False)}
        self.default_components = rules.components_for(_NONE, attrs.components)


class _Weak:
    """A genre string that names no specific genre: its vague bucket (if any) and hints,
    with the fallback decisions already taken for it."""

    __slots__ = ("vague", "energy_delta", "hint_vibes", "fallbacks")

    def __init__(self, vague: str | None, energy_delta: int, hint_vibes: tuple[str, ...]) -> None:
        self.vague = vague
        self.energy_delta = energy_delta
        self.hint_vibes = hint_vibes
        self.fallbacks: dict[tuple[tuple[str, ...], tuple[str, ...], int], _GenreDecision] = {}


class _VersionInfo:
    """What the version part of a title ("(Extended Dub Mix)") and the Mix field say."""

    __slots__ = ("components", "energy_delta", "vibes", "genres")

    def __init__(self, components: tuple[str, ...], energy_delta: int, vibes: tuple[str, ...],
                 genres: tuple[str, ...]) -> None:
        self.components = components
        self.energy_delta = energy_delta
        self.vibes = vibes
        self.genres = genres


_NO_VERSION = _VersionInfo((), 0, (), ())


class OfflineRules:
    """The offline tagger's rules compiled for one vocabulary (cheap to call per track)."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.genres = vocab.genres
        rules = vocab.offline_rules
        self._tempo_table: tuple[tuple[float, float, str], ...] = tuple((float(lo), float(hi), name) for lo, hi, name in rules["tempo_fallback"])
        self._default_genre: str = rules["default_genre"]
        self._title_stopwords = frozenset(genre_key(w) for w in rules.get("title_genre_stopwords", ()))
        words = {genre_key(w): int(step) for w, step in rules.get("energy_words", {}).items()}
        self._energy_words_re = (
            re.compile(r"\b(" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + r")\b")
            if words
            else None
        )
        self._energy_words = words
        self._situations_by_energy = {
            int(energy): tuple(values) for energy, values in rules["situations_by_energy"].items()
        }
        clash = rules.get("key_vibe_clash", {})
        self._clash = {True: frozenset(clash.get("minor", ())), False: frozenset(clash.get("major", ()))}
        self._era_by_year: dict[int, str | None] = {}
        self._genre_memo: dict[str, _GenreDecision | _Weak] = {}
        self._version_memo: dict[str, _VersionInfo] = {}
        self._detail_memo: dict[tuple[object, ...], object] = {}
        self._decision_memo: dict[tuple[object, ...], _GenreDecision] = {}
        self._folder_memo: dict[str, tuple[str, ...]] = {}
        self._folder_name_memo: dict[str, tuple[str, ...]] = {}
        self._profile_memo: dict[tuple[object, ...], TagProfile] = {}
        self._checked: set[tuple[object, ...]] = set()

    # -- per track -----------------------------------------------------------------------

    def profile(self, track: TrackInfo) -> TagProfile:
        """The profile of one track. The common case is a handful of dict look-ups and two
        precompiled regex scans; everything else is memoized."""
        genre = track.genre
        entry = self._genre_memo.get(genre)
        if entry is None:
            entry = self._genre_entry(genre)
        title = track.title
        mix = track.mix
        if "(" in title or "[" in title:
            parts = _VERSION_PART_RE.findall(title)
            version_text = " ".join(parts) + " " + mix if mix else " ".join(parts)
        else:
            version_text = mix
        if version_text:
            version = self._version_memo.get(version_text)
            if version is None:
                version = self._read_version(version_text)
        else:
            version = _NO_VERSION
        bpm = track.bpm
        if not 0.0 < bpm < 1000.0:  # 0, negative, NaN or absurd: unknown
            bpm = 0.0
        decision: _GenreDecision
        if entry.__class__ is _Weak:
            location = track.location
            folder = self._folder_genres(location) if location else _NONE
            taken = entry.fallbacks.get((version.genres, folder, int(bpm + 0.5)))
            decision = taken if taken is not None else self._fallback(entry, version.genres, folder, bpm)
        else:
            decision = entry  # type: ignore[assignment]

        # Energy: Mixed In Key first, else the genre's base moved by tempo and words.
        comments = track.comments
        mik = None
        says_energy = bool(comments) and ("nergy" in comments or "NERGY" in comments)
        if says_energy:
            mik = _MIK_ENERGY_RE.search(comments)
        grouping = track.grouping
        if mik is None and grouping and ("nergy" in grouping or "NERGY" in grouping):
            mik = _MIK_ENERGY_RE.search(grouping)
        if mik is not None:
            energy = int(mik.group(1))
            energy_source = SOURCE_MIXED_IN_KEY
        else:
            if bpm > 0:
                tempo = decision.tempo_steps.get(bpm)
                if tempo is None:
                    tempo = tempo_step(bpm, *decision.attrs.bpm)
                    if len(decision.tempo_steps) < 50_000:
                        decision.tempo_steps[bpm] = tempo
            else:
                tempo = 0
            level = _LEVEL_ENERGY_RE.search(comments) if says_energy else None
            comment_step = _LEVEL_STEP[level.group(1).lower()] if level else 0
            words = version.energy_delta + decision.energy_delta + comment_step
            energy = decision.attrs.energy + tempo + (2 if words > 2 else -2 if words < -2 else words)
            energy = ENERGY_MIN if energy < ENERGY_MIN else ENERGY_MAX if energy > ENERGY_MAX else energy
            if words:
                energy_source = _biggest_mover(tempo, version.energy_delta, decision.energy_delta, comment_step)
            else:
                energy_source = SOURCE_TEMPO if tempo else SOURCE_GENRE_DEFAULT

        # Key: Tonality, else the key Mixed In Key wrote before "- Energy N".
        key = parse_key(track.key) if track.key else None
        if key is None and mik is not None and comments:
            prefix = _MIK_KEY_RE.match(comments)
            key = parse_key(prefix.group(1)) if prefix else None
        minor = key.minor if key is not None else None

        lowered = title.lower()
        title_words = _TITLE_WORDS_RE.findall(lowered)
        title_components = self._title_components(title_words) if title_words else _NONE
        artist = track.artist
        if ("feat" in artist or "ft." in artist or "Feat" in artist or "Ft." in artist or "FEAT" in artist) \
                and "Vocal" not in title_components and _FEAT_RE.search(artist):
            title_components = (*title_components, "Vocal")
        if track.remixer and "Remix" not in title_components:
            title_components = (*title_components, *_REMIXED)

        year = track.year
        era = self._era_by_year.get(year, _MISSING)
        if era is _MISSING:
            era = self.vocab.era_of_year(year)
            self._era_by_year[year] = era

        if version.vibes:
            detail_key: tuple[object, ...] = (decision, minor, version.vibes)
            vibes = self._detail_memo.get(detail_key)
            if vibes is None:
                vibes = self._remember(detail_key, self.vibes_for(decision, minor, version.vibes))
        else:
            vibes = decision.vibes_by_mode[minor]
        if title_components or version.components:
            found = (*version.components, *title_components) if version.components else title_components
            detail_key = (found, decision.attrs.components)
            components = self._detail_memo.get(detail_key)
            if components is None:
                components = self._remember(detail_key, self.components_for(found, decision.attrs.components))
        else:
            components = decision.default_components

        profile_key = (decision, energy, energy_source, vibes, components, era)
        profile = self._profile_memo.get(profile_key)
        if profile is None:
            # The memos hold exactly these types (one dict of object values serves both).
            profile = self._build(decision, energy, energy_source, vibes, components, era)  # type: ignore[arg-type]
            if len(self._profile_memo) < 500_000:
                self._profile_memo[profile_key] = profile
        return profile

    def _build(self, decision: _GenreDecision, energy: int, energy_source: str,
               vibes_and_source: tuple[tuple[str, ...], str],
               components_and_source: tuple[tuple[str, ...], str | None], era: str | None) -> TagProfile:
        vibes, vibe_source = vibes_and_source
        components, component_source = components_and_source
        situations = decision.situations[energy]
        sources = {"primary_genre": decision.source, "energy": energy_source}
        if decision.subs:
            sources["sub_genres"] = decision.source
        if vibes:
            sources["vibes"] = vibe_source
        if situations:
            sources["situations"] = SOURCE_ENERGY
        if components and component_source:
            sources["components"] = component_source
        if era:
            sources["era"] = SOURCE_YEAR
        profile = TagProfile(
            primary_genre=decision.primary,
            sub_genres=decision.subs,
            energy=energy,
            vibes=vibes,
            situations=situations,
            components=components,
            era=era,
            sources=sources,
        )
        # Nothing off-list leaves here. Energy is clamped, era and situations come from the
        # checked data, so one check per genre/vibes/components combination covers the rest.
        checked = (decision, vibes_and_source, components_and_source)
        if checked not in self._checked:
            validate_profile(profile, self.vocab)
            self._checked.add(checked)
        return profile

    def _remember(self, key: tuple[object, ...], value: Any) -> Any:
        if len(self._detail_memo) < 100_000:
            self._detail_memo[key] = value
        return value

    # -- genre ---------------------------------------------------------------------------

    def _genre_entry(self, raw: str) -> _GenreDecision | _Weak:
        """The decision for a genre string, or a _Weak when it names no specific genre."""
        analysis = self.genres.analyze(raw)
        specific = [n for n in analysis.names if not self.genres.is_vague(n)]
        entry: _GenreDecision | _Weak
        if specific:
            entry = self._decision(specific, SOURCE_GENRE_TAG, analysis.energy_delta, analysis.vibes)
        else:
            entry = _Weak(analysis.names[0] if analysis.names else None, analysis.energy_delta, analysis.vibes)
        if len(self._genre_memo) < 200_000:
            self._genre_memo[raw] = entry
        return entry

    def _decision(
        self, names: Sequence[str], source: str, energy_delta: int = 0, hint_vibes: tuple[str, ...] = ()
    ) -> _GenreDecision:
        # One object per distinct outcome: profiles are memoized on the decision's identity.
        memo_key = (tuple(names), source, energy_delta, hint_vibes)
        decision = self._decision_memo.get(memo_key)
        if decision is None:
            decision = self._new_decision(names, source, energy_delta, hint_vibes)
            self._decision_memo[memo_key] = decision
        return decision

    def _new_decision(
        self, names: Sequence[str], source: str, energy_delta: int, hint_vibes: tuple[str, ...]
    ) -> _GenreDecision:
        genres = self.genres
        primary = genres.primary_of(names[0])
        subs = tuple(n for n in names if n != primary)[:MAX_VALUES_PER_CATEGORY]
        # Defaults come from the most specific named genre under the primary genre
        # ("House, Deep House" plays like deep house).
        under = [n for n in names if genres.descends_from(n, primary)] or [primary]
        detail = max(under, key=lambda n: (genres.depth(n), -names.index(n)))
        return _GenreDecision(self, primary, subs, genres.attributes(detail), source, energy_delta, hint_vibes)

    def _fallback(
        self, weak: _Weak, title_genres: tuple[str, ...], folder_genres: tuple[str, ...], bpm: float
    ) -> _GenreDecision:
        """A best guess when the Genre field names no specific genre (see module doc)."""
        memo_key = (title_genres, folder_genres, int(bpm + 0.5))
        decision = weak.fallbacks.get(memo_key)
        if decision is not None:
            return decision
        delta, vibes, vague = weak.energy_delta, weak.hint_vibes, weak.vague
        if title_genres:
            decision = self._decision(title_genres, SOURCE_TITLE, delta, vibes)
        elif folder_genres:
            decision = self._decision(folder_genres, SOURCE_FOLDER, delta, vibes)
        else:
            home = self.genres.primary_of(vague) if vague else None
            by_tempo = self._genre_for_tempo(bpm) if bpm > 0 else None
            if home and by_tempo and by_tempo != home:
                low, high = self.genres.attributes(home).bpm
                if low <= bpm <= high:
                    by_tempo = home
            if by_tempo:
                decision = self._decision([by_tempo], SOURCE_TEMPO, delta, vibes)
            elif home:
                decision = self._decision([home], SOURCE_GENRE_TAG, delta, vibes)
            else:
                decision = self._decision([self._default_genre], SOURCE_GENRE_DEFAULT, delta, vibes)
        if len(weak.fallbacks) < 10_000:
            weak.fallbacks[memo_key] = decision
        return decision

    def _folder_genres(self, location: str) -> tuple[str, ...]:
        """Genres named by the folders a track sits in ("/Music/Deep House/x.mp3"), nearest
        folder first. Only folder names that are a genre name as a whole count: artist and
        album folders ("Daft Punk", "House of Pain") must not pass for genres."""
        folder = location[: location.rfind("/")]
        found = self._folder_memo.get(folder)
        if found is None:
            found = _NONE
            if "%2F" in folder or "%2f" in folder:  # an escaped "/" inside a folder name
                for name in reversed(unquote(folder).split("/")[-FOLDER_LEVELS:]):
                    found = self._folder_name_genres(name)
                    if found:
                        break
            else:
                # Memoized per raw folder name: a library has a folder per album but far
                # fewer distinct names ("Music", artists). Decoding name by name gives the
                # names decoding the whole path would: "/" is never part of an escaped
                # UTF-8 sequence, and an escaped "/" itself took the branch above.
                name_memo = self._folder_name_memo
                for name in reversed(folder.split("/")[-FOLDER_LEVELS:]):
                    genres = name_memo.get(name)
                    if genres is None:
                        genres = self._folder_name_genres(unquote(name))
                        if len(name_memo) < 100_000:
                            name_memo[name] = genres
                    if genres:
                        found = genres
                        break
            if len(self._folder_memo) < 100_000:
                self._folder_memo[folder] = found
        return found

    def _folder_name_genres(self, name: str) -> tuple[str, ...]:
        """The specific genres one whole folder name names (() for "Daft Punk")."""
        return tuple(n for n in self.genres.lookup_all(name) if not self.genres.is_vague(n))

    def _genre_for_tempo(self, bpm: float) -> str | None:
        for low, high, name in self._tempo_table:
            if low <= bpm < high:
                return name
        return None

    # -- title ---------------------------------------------------------------------------

    def _read_version(self, text: str) -> _VersionInfo:
        key = genre_key(text)
        folded = key.replace("(", " ").replace(")", " ")
        found = [match.lastgroup for match in _VERSION_COMPONENT_RE.finditer(folded)]
        for word in _NAMED_MIX_RE.findall(folded):
            if word not in _PLAIN_MIXES and "Remix" not in found:
                found.append("Remix")
        energy = 0
        if self._energy_words_re is not None:
            energy = sum(self._energy_words[w] for w in self._energy_words_re.findall(folded))
        vibes = tuple(dict.fromkeys(
            v for w in folded.split() if w in _VIBE_WORDS and (v := self.vocab.lookup("vibes", w))
        ))
        info = _VersionInfo(
            components=tuple(c for c in _COMPONENT_ORDER if c in found),
            energy_delta=max(-2, min(2, energy)),
            vibes=vibes,
            genres=self.genres.find_in_key(key, self._title_stopwords),
        )
        if len(self._version_memo) < 100_000:
            self._version_memo[text] = info
        return info

    @staticmethod
    def _title_components(words: list[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_TITLE_WORD_COMPONENT[w] for w in words))

    def components_for(
        self, found_in_title: tuple[str, ...], defaults: tuple[str, ...]
    ) -> tuple[tuple[str, ...], str | None]:
        """Title components first (best first), then the genre's usual ones, without
        contradictions (an acapella has no instrumental, an instrumental no vocal)."""
        found = list(dict.fromkeys(found_in_title))
        if "Acapella" in found:
            found = [c for c in found if c not in ("Vocal", "Instrumental")]
        elif "Instrumental" in found and "Vocal" in found:
            found.remove("Vocal")  # "Instrumental" in the version beats a "feat." credit
        found.sort(key=lambda c: _COMPONENT_ORDER.index(c) if c in _COMPONENT_ORDER else len(_COMPONENT_ORDER))
        source = SOURCE_TITLE if found else None
        for component in defaults:
            if len(found) >= MAX_VALUES_PER_CATEGORY:
                break
            if component in found or (component == "Instrumental" and ("Vocal" in found or "Acapella" in found)):
                continue
            if component == "Vocal" and ("Instrumental" in found or "Acapella" in found):
                continue
            found.append(component)
            source = source or SOURCE_GENRE_DEFAULT
        return tuple(found[:MAX_VALUES_PER_CATEGORY]), source

    # -- vibes and situations ------------------------------------------------------------

    def vibes_for(
        self, decision: _GenreDecision, minor: bool | None, title_vibes: tuple[str, ...]
    ) -> tuple[tuple[str, ...], str]:
        """Hint vibes first, then the genre's defaults nudged by the key's mode."""
        attrs = decision.attrs
        defaults = list(attrs.vibes)
        source = SOURCE_GENRE_DEFAULT
        if minor is not None:
            nudged = [v for v in defaults if v not in self._clash[minor]]
            mode_vibe = attrs.minor_vibe if minor else attrs.major_vibe
            if mode_vibe and mode_vibe not in nudged[:2]:
                if mode_vibe in nudged:
                    nudged.remove(mode_vibe)
                nudged.insert(min(1, len(nudged)), mode_vibe)
            if nudged != defaults:
                source = SOURCE_KEY
            defaults = nudged
        if title_vibes:
            source = SOURCE_TITLE
        elif decision.hint_vibes:
            source = SOURCE_GENRE_TAG
        vibes = tuple(dict.fromkeys((*decision.hint_vibes, *title_vibes, *defaults)))[:MAX_VALUES_PER_CATEGORY]
        return vibes, source

    def situations_for(self, energy: int, genre_places: tuple[str, ...]) -> tuple[str, ...]:
        """The energy's best situation, then the genre's own places, then the energy's others."""
        by_energy = self._situations_by_energy[energy]
        return tuple(dict.fromkeys((*by_energy[:1], *genre_places, *by_energy[1:])))[:MAX_VALUES_PER_CATEGORY]


_MISSING: object = object()
# Version-part words that name a vibe ("Dark Mix", "Sunrise Dub" does not).
_VIBE_WORDS = frozenset({"dark", "happy", "funky", "groovy", "soulful", "hypnotic", "euphoric", "mellow",
                         "melancholic", "uplifting", "aggressive", "romantic", "driving", "atmospheric"})


def tempo_step(bpm: float, low: float, high: float) -> int:
    """Energy step (-2..+2) for a tempo within a genre's usual range [low, high].

    Half and double time are fixed first: of bpm, 2*bpm and bpm/2 the reading nearest the
    range is used (87 is 174 for drum & bass, 70 is 140 for dubstep).
    """
    def distance(value: float) -> float:
        return low - value if value < low else value - high if value > high else 0.0

    reading = bpm
    for candidate in (bpm * 2, bpm / 2):
        if distance(candidate) < distance(reading):
            reading = candidate
    middle = (low + high) / 2
    half_width = (high - low) / 2
    position = (reading - middle) / half_width
    if position > 1.5:
        return 2
    if position > 0.5:
        return 1
    if position < -1.5:
        return -2
    if position < -0.5:
        return -1
    return 0


def _biggest_mover(tempo: int, title: int, genre_hints: int, comment: int) -> str:
    movers = ((abs(tempo), SOURCE_TEMPO), (abs(title), SOURCE_TITLE), (abs(genre_hints), SOURCE_GENRE_TAG),
              (abs(comment), SOURCE_USER))
    size, source = max(movers, key=lambda m: m[0])
    return source if size else SOURCE_GENRE_DEFAULT


_RULES: dict[str, OfflineRules] = register("tagging.offline.rules", {})


def rules_for(vocab: Vocabulary | None = None) -> OfflineRules:
    """The compiled rules for ``vocab`` (the bundled vocabulary by default), built once."""
    if vocab is None:
        vocab = load_vocabulary()
    rules = _RULES.get(vocab.version)
    if rules is None or rules.vocab is not vocab:
        rules = OfflineRules(vocab)
        _RULES[vocab.version] = rules
    return rules


def profile_for(track: TrackInfo, vocab: Vocabulary | None = None) -> TagProfile:
    """The offline profile of one track (valid against the vocabulary by construction).

    Tracks with the same outcome share one TagProfile object: treat it, and its
    ``sources`` mapping, as immutable (``dataclasses.replace`` makes an edited copy).
    """
    if vocab is None:
        rules = _RULES.get("")  # the bundled vocabulary never changes within a process
        if rules is None:
            rules = _RULES[""] = rules_for()
        return rules.profile(track)
    return rules_for(vocab).profile(track)


class OfflineTagger(Tagger):
    """Tags from metadata alone: instant, free, deterministic; never cached."""

    name = Provider.OFFLINE.value
    uses_cache = False

    def __init__(self, vocab: Vocabulary | None = None) -> None:
        super().__init__()
        self._rules = rules_for(vocab)

    @property
    def cache_key(self) -> str:
        return f"offline:{self._rules.vocab.version}.{RULES_VERSION}"

    def tag(self, tracks: Sequence[TrackInfo], on_results: ResultSink, is_cancelled: IsCancelled) -> None:
        profile = self._rules.profile
        for start in range(0, len(tracks), CHUNK):
            if is_cancelled():
                return
            results: list[TagResult] = []
            for track in tracks[start : start + CHUNK]:
                try:
                    results.append(TagResult(track.track_id, profile(track)))
                except Exception as error:  # one odd track must not stop a 100,000-track job
                    results.append(TagResult(track.track_id, error=f"offline tagger failed: {error}"))
            on_results(results)
