"""The offline tagger's rules compiled for one vocabulary: a profile per track.

See the package docstring for what each value is read from. Speed matters (a benchmark
tags 100,000 tracks): everything that depends on a genre string, a version text, a note
or a BPM is memoized, and identical profiles are shared (they are immutable).
"""

from __future__ import annotations

import re
from typing import Any, Sequence
from urllib.parse import unquote

from ...vocabulary import Vocabulary, validate_profile
from ...vocabulary.genres import GenreAttributes, genre_key
from ...vocabulary.keys import parse_key
from ...vocabulary.profile import (
    ENERGY_MAX,
    ENERGY_MIN,
    MAX_VALUES_PER_CATEGORY,
    SOURCE_ALBUM_LABEL,
    SOURCE_COMMENTS,
    SOURCE_ENERGY,
    SOURCE_FOLDER,
    SOURCE_GENRE_DEFAULT,
    SOURCE_GENRE_TAG,
    SOURCE_GROUPING,
    SOURCE_KEY,
    SOURCE_MIXED_IN_KEY,
    SOURCE_TEMPO,
    SOURCE_TITLE,
    SOURCE_YEAR,
    TagProfile,
    TrackInfo,
)
from .evidence import GENRE_CONFIDENCE, HIGH, LOW, MEDIUM, machine_text_removed, profile_confidence
from .words import (
    COMPONENT_ORDER,
    FEAT_RE,
    LEVEL_ENERGY_RE,
    LEVEL_STEP,
    MIK_ENERGY_RE,
    MIK_KEY_RE,
    NAMED_MIX_RE,
    NO_VERSION,
    NONE,
    PLAIN_MIXES,
    REMIXED,
    TITLE_WORDS_RE,
    VERSION_COMPONENT_RE,
    VERSION_PART_RE,
    VERSION_WORD_RE,
    VIBE_WORDS,
    VersionInfo,
    biggest_mover,
    components_for,
    tempo_step,
    title_components as components_in_title,
)

FOLDER_LEVELS = 4  # folders above a file that may name its genre (GENRE/House/Artist/Album)
_MISSING: object = object()
#: what a weak genre string's fallback depends on besides the string itself
_FallbackKey = tuple[tuple[str, ...], tuple[str, tuple[str, ...]], tuple[str, ...], tuple[str, ...], int]


class _GenreDecision:
    """Primary genre, sub-genres and the genre whose defaults apply, with their source,
    plus everything that depends on them alone (computed once per decision)."""

    __slots__ = ("primary", "subs", "attrs", "source", "confidence", "energy_delta", "hint_vibes",
                 "tempo_steps", "situations", "vibes_by_mode", "default_components")

    def __init__(self, rules: "OfflineRules", primary: str, subs: tuple[str, ...], attrs: GenreAttributes,
                 source: str, confidence: str, energy_delta: int, hint_vibes: tuple[str, ...]) -> None:
        self.primary = primary
        self.confidence = confidence
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
        self.default_components = components_for(NONE, attrs.components)


class _Weak:
    """A genre string that names no specific genre: its vague bucket (if any) and hints,
    with the fallback decisions already taken for it."""

    __slots__ = ("vague", "energy_delta", "hint_vibes", "fallbacks")

    def __init__(self, vague: str | None, energy_delta: int, hint_vibes: tuple[str, ...]) -> None:
        self.vague = vague
        self.energy_delta = energy_delta
        self.hint_vibes = hint_vibes
        self.fallbacks: dict[_FallbackKey, _GenreDecision] = {}


class OfflineRules:
    """The offline tagger's rules compiled for one vocabulary (cheap to call per track)."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.genres = vocab.genres
        rules = vocab.offline_rules
        self._tempo_table: tuple[tuple[float, float, str], ...] = tuple(
            (float(lo), float(hi), str(name)) for lo, hi, name in rules["tempo_fallback"]
        )
        self._default_genre: str = rules["default_genre"]
        self._title_stopwords = frozenset(genre_key(w) for w in rules.get("title_genre_stopwords", ()))
        self._folder_generic = frozenset(genre_key(w) for w in rules.get("folder_generic_words", ()))
        self._note_stopwords = self._title_stopwords | frozenset(
            genre_key(w) for w in rules.get("note_genre_stopwords", ()))
        self._note_memo: dict[str, tuple[str, ...]] = {}
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
        self._version_memo: dict[str, VersionInfo] = {}
        self._detail_memo: dict[tuple[object, ...], Any] = {}
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
            parts = VERSION_PART_RE.findall(title)
            version_text = " | ".join(parts) + " | " + mix if mix else " | ".join(parts)
        else:
            version_text = mix
        if version_text:
            version = self._version_memo.get(version_text)
            if version is None:
                version = self._read_version(version_text)
        else:
            version = NO_VERSION
        bpm = track.bpm
        if not 0.0 < bpm < 1000.0:  # 0, negative, NaN or absurd: unknown
            bpm = 0.0
        decision: _GenreDecision
        if entry.__class__ is _Weak:
            location = track.location
            folder = self._folder_genres(location) if location else NONE
            notes = self._notes_genres(track.comments, track.grouping)
            albums = self._album_genres(track.album) or self._album_genres(track.label)
            fallback_key = (version.genres, notes, folder, albums, int(bpm + 0.5))
            cached = entry.fallbacks.get(fallback_key)
            decision = cached if cached is not None else self._fallback(entry, fallback_key, bpm)
        else:
            decision = entry  # type: ignore[assignment]  # the class test above is the cheap isinstance

        # Energy: Mixed In Key first, else the genre's base moved by tempo and words.
        comments = track.comments
        mik = None
        says_energy = bool(comments) and ("nergy" in comments or "NERGY" in comments)
        if says_energy:
            mik = MIK_ENERGY_RE.search(comments)
        grouping = track.grouping
        if mik is None and grouping and ("nergy" in grouping or "NERGY" in grouping):
            mik = MIK_ENERGY_RE.search(grouping)
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
            level = LEVEL_ENERGY_RE.search(comments) if says_energy else None
            comment_step = LEVEL_STEP[level.group(1).lower()] if level else 0
            words = version.energy_delta + decision.energy_delta + comment_step
            energy = decision.attrs.energy + tempo + (2 if words > 2 else -2 if words < -2 else words)
            energy = ENERGY_MIN if energy < ENERGY_MIN else ENERGY_MAX if energy > ENERGY_MAX else energy
            if words:
                energy_source = biggest_mover(tempo, version.energy_delta, decision.energy_delta, comment_step)
            else:
                energy_source = SOURCE_TEMPO if tempo else SOURCE_GENRE_DEFAULT

        # Key: Tonality, else the key Mixed In Key wrote before "- Energy N".
        key = parse_key(track.key) if track.key else None
        if key is None and mik is not None and comments:
            prefix = MIK_KEY_RE.match(comments)
            key = parse_key(prefix.group(1)) if prefix else None
        minor = key.minor if key is not None else None

        lowered = title.lower()
        title_words = TITLE_WORDS_RE.findall(lowered)
        title_components = components_in_title(title_words) if title_words else NONE
        artist = track.artist
        if ("feat" in artist or "ft." in artist or "Feat" in artist or "Ft." in artist or "FEAT" in artist) \
                and "Vocal" not in title_components and FEAT_RE.search(artist):
            title_components = (*title_components, "Vocal")
        if track.remixer and "Remix" not in title_components:
            title_components = (*title_components, *REMIXED)

        year = track.year
        known = self._era_by_year.get(year, _MISSING)
        if known is _MISSING:
            era = self._era_by_year[year] = self.vocab.era_of_year(year)
        else:
            era = known  # type: ignore[assignment]  # a str or None: _MISSING was ruled out

        vibes: tuple[tuple[str, ...], str]
        components: tuple[tuple[str, ...], str | None]
        if version.vibes:
            detail_key: tuple[object, ...] = (decision, minor, version.vibes)
            hit = self._detail_memo.get(detail_key)
            vibes = hit if hit is not None else self._remember(detail_key, self.vibes_for(decision, minor, version.vibes))
        else:
            vibes = decision.vibes_by_mode[minor]
        if title_components or version.components:
            found = (*version.components, *title_components) if version.components else title_components
            detail_key = (found, decision.attrs.components)
            hit = self._detail_memo.get(detail_key)
            components = hit if hit is not None else self._remember(
                detail_key, components_for(found, decision.attrs.components))
        else:
            components = decision.default_components

        profile_key = (decision, energy, energy_source, vibes, components, era)
        profile = self._profile_memo.get(profile_key)
        if profile is None:
            profile = self._build(decision, energy, energy_source, vibes, components, era)
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
        confidence = profile_confidence(decision.confidence, sources, bool(era))
        profile = TagProfile(
            primary_genre=decision.primary,
            sub_genres=decision.subs,
            energy=energy,
            vibes=vibes,
            situations=situations,
            components=components,
            era=era,
            sources=sources,
            confidence=confidence,
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
            # Several families named side by side ("Techno / House") is less sure than one.
            families = {self.genres.primary_of(n) for n in specific}
            confidence = HIGH if len(families) == 1 else MEDIUM
            entry = self._decision(specific, SOURCE_GENRE_TAG, confidence, analysis.energy_delta, analysis.vibes)
        else:
            entry = _Weak(analysis.names[0] if analysis.names else None, analysis.energy_delta, analysis.vibes)
        if len(self._genre_memo) < 200_000:
            self._genre_memo[raw] = entry
        return entry

    def _decision(
        self, names: Sequence[str], source: str, confidence: str | None = None, energy_delta: int = 0,
        hint_vibes: tuple[str, ...] = (),
    ) -> _GenreDecision:
        # One object per distinct outcome: profiles are memoized on the decision's identity.
        if confidence is None:
            confidence = GENRE_CONFIDENCE[source]
        memo_key = (tuple(names), source, confidence, energy_delta, hint_vibes)
        decision = self._decision_memo.get(memo_key)
        if decision is None:
            decision = self._new_decision(names, source, confidence, energy_delta, hint_vibes)
            self._decision_memo[memo_key] = decision
        return decision

    def _new_decision(
        self, names: Sequence[str], source: str, confidence: str, energy_delta: int, hint_vibes: tuple[str, ...]
    ) -> _GenreDecision:
        genres = self.genres
        primary = genres.primary_of(names[0])
        subs = tuple(n for n in names if n != primary)[:MAX_VALUES_PER_CATEGORY]
        # Defaults come from the most specific named genre under the primary genre
        # ("House, Deep House" plays like deep house).
        under = [n for n in names if genres.descends_from(n, primary)] or [primary]
        detail = max(under, key=lambda n: (genres.depth(n), -names.index(n)))
        return _GenreDecision(self, primary, subs, genres.attributes(detail), source, confidence, energy_delta,
                              hint_vibes)

    def _fallback(self, weak: _Weak, memo_key: _FallbackKey, bpm: float) -> _GenreDecision:
        """A best guess when the Genre field names no specific genre, surest evidence
        first (see the package docstring); its confidence says how good a guess it is."""
        decision = weak.fallbacks.get(memo_key)
        if decision is not None:
            return decision
        title_genres, (note_source, note_genres), folder_genres, album_genres, _ = memo_key
        delta, vibes, vague = weak.energy_delta, weak.hint_vibes, weak.vague
        if title_genres:
            decision = self._decision(title_genres, SOURCE_TITLE, None, delta, vibes)
        elif note_genres:
            decision = self._decision(note_genres, note_source, None, delta, vibes)
        elif folder_genres:
            decision = self._decision(folder_genres, SOURCE_FOLDER, None, delta, vibes)
        elif album_genres:
            decision = self._decision(album_genres, SOURCE_ALBUM_LABEL, None, delta, vibes)
        else:
            home = self.genres.primary_of(vague) if vague else None
            by_tempo = self._genre_for_tempo(bpm) if bpm > 0 else None
            if home and by_tempo and by_tempo != home:
                low, high = self.genres.attributes(home).bpm
                if low <= bpm <= high:
                    by_tempo = home
            if by_tempo:
                # A vague bucket ("Electronic") is some evidence: low, not a guess.
                decision = self._decision([by_tempo], SOURCE_TEMPO, LOW if home else None, delta, vibes)
            elif home:
                decision = self._decision([home], SOURCE_GENRE_TAG, LOW, delta, vibes)
            else:
                decision = self._decision([self._default_genre], SOURCE_GENRE_DEFAULT, None, delta, vibes)
        if len(weak.fallbacks) < 10_000:
            weak.fallbacks[memo_key] = decision
        return decision

    def _notes_genres(self, comments: str, grouping: str) -> tuple[str, tuple[str, ...]]:
        """Genres the DJ wrote in Comments ("Riddim - Bangers") or Grouping, with the field."""
        if comments:
            found = self._text_genres(machine_text_removed(comments))
            if found:
                return SOURCE_COMMENTS, found
        if grouping:
            found = self._text_genres(machine_text_removed(grouping))
            if found:
                return SOURCE_GROUPING, found
        return "", NONE

    def _album_genres(self, text: str) -> tuple[str, ...]:
        return self._text_genres(machine_text_removed(text)) if text else NONE

    def _text_genres(self, text: str) -> tuple[str, ...]:
        """Specific genres named as whole phrases in free text (no typo tolerance)."""
        if not text:
            return NONE
        found = self._note_memo.get(text)
        if found is None:
            found = self.genres.find_in_text(text, self._note_stopwords)
            if len(self._note_memo) < 100_000:
                self._note_memo[text] = found
        return found

    def _folder_genres(self, location: str) -> tuple[str, ...]:
        """Genres named by the folders a track sits in ("/Music/Deep House/x.mp3"), nearest
        folder first. Only folder names that are a genre name as a whole count: artist and
        album folders ("Daft Punk", "House of Pain") must not pass for genres."""
        folder = location[: location.rfind("/")]
        found = self._folder_memo.get(folder)
        if found is None:
            found = NONE
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
        """The specific genres one whole folder name names (() for "Daft Punk", and for
        generic sorting words such as "Beats" even though Beats is a genre)."""
        if genre_key(name) in self._folder_generic:
            return NONE
        return tuple(n for n in self.genres.lookup_all(name) if not self.genres.is_vague(n))

    def _genre_for_tempo(self, bpm: float) -> str | None:
        for low, high, name in self._tempo_table:
            if low <= bpm < high:
                return name
        return None

    # -- title ---------------------------------------------------------------------------

    def _read_version(self, text: str) -> VersionInfo:
        key = genre_key(text)
        folded = key.replace("(", " ").replace(")", " ").replace("|", " ")
        found = [match.lastgroup for match in VERSION_COMPONENT_RE.finditer(folded)]
        for word in NAMED_MIX_RE.findall(folded):
            if word not in PLAIN_MIXES and "Remix" not in found:
                found.append("Remix")
        energy = 0
        if self._energy_words_re is not None:
            energy = sum(self._energy_words[w] for w in self._energy_words_re.findall(folded))
        vibes = tuple(dict.fromkeys(
            v for w in folded.split() if w in VIBE_WORDS and (v := self.vocab.lookup("vibes", w))
        ))
        info = VersionInfo(
            components=tuple(c for c in COMPONENT_ORDER if c in found),
            energy_delta=max(-2, min(2, energy)),
            vibes=vibes,
            genres=tuple(dict.fromkeys(
                name for segment in key.split("|") if VERSION_WORD_RE.search(segment)
                for name in self.genres.find_in_key(segment, self._title_stopwords)
            )),
        )
        if len(self._version_memo) < 100_000:
            self._version_memo[text] = info
        return info

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
