"""The offline tagger's rules compiled for one vocabulary: a profile per track.

See the package docstring for what each value is read from. Speed matters (a benchmark
tags 100,000 tracks): everything that depends on a genre string, a version text, a note
or a BPM is memoized, and identical profiles are shared (they are immutable).
"""

from __future__ import annotations

import re
from typing import Any

from ...vocabulary import Vocabulary, validate_profile
from ...vocabulary.genres import genre_key
from ...vocabulary.keys import parse_key
from ...vocabulary.profile import (
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
    SOURCE_YEAR,
    TagProfile,
    TrackInfo,
)
from .evidence import profile_confidence
from .genre import GenreEvidence, _GenreDecision, _Weak
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

_MISSING: object = object()


class OfflineRules(GenreEvidence):
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
            era = self.vocab.era_of_year(year)
            if len(self._era_by_year) < 4096:
                self._era_by_year[year] = era
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
