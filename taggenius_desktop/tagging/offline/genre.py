"""Which genre a track is, from the surest evidence it has (see the package docstring):
the DJ's genre string, else a version part of the title, Comments or Grouping, a folder
named after a genre, the album or label, and last the tempo or the default genre, each
decision carrying its source and confidence. Mixed into :class:`.rules.OfflineRules`.
"""

from __future__ import annotations

from typing import Sequence
from urllib.parse import unquote

from ...vocabulary.genres import GenreAttributes, GenreMap, genre_key
from ...vocabulary.profile import (
    ENERGY_MAX,
    MAX_VALUES_PER_CATEGORY,
    SOURCE_ALBUM_LABEL,
    SOURCE_COMMENTS,
    SOURCE_FOLDER,
    SOURCE_GENRE_DEFAULT,
    SOURCE_GENRE_TAG,
    SOURCE_GROUPING,
    SOURCE_TEMPO,
    SOURCE_TITLE,
)
from .evidence import GENRE_CONFIDENCE, HIGH, LOW, MEDIUM, machine_text_removed
from .words import NONE, components_for

FOLDER_LEVELS = 4  # folders above a file that may name its genre (GENRE/House/Artist/Album)
#: what a weak genre string's fallback depends on besides the string itself
_FallbackKey = tuple[tuple[str, ...], tuple[str, tuple[str, ...]], tuple[str, ...], tuple[str, ...], int]


class _GenreDecision:
    """Primary genre, sub-genres and the genre whose defaults apply, with their source,
    plus everything that depends on them alone (computed once per decision)."""

    __slots__ = ("primary", "subs", "attrs", "source", "confidence", "energy_delta", "hint_vibes",
                 "tempo_steps", "situations", "vibes_by_mode", "default_components")

    def __init__(self, rules: "GenreEvidence", primary: str, subs: tuple[str, ...], attrs: GenreAttributes,
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



class GenreEvidence:
    """The genre half of the rules; :class:`.rules.OfflineRules` sets these up."""

    genres: GenreMap
    _tempo_table: tuple[tuple[float, float, str], ...]
    _default_genre: str
    _title_stopwords: frozenset[str]
    _folder_generic: frozenset[str]
    _note_stopwords: frozenset[str]
    _note_memo: dict[str, tuple[str, ...]]
    _genre_memo: dict[str, "_GenreDecision | _Weak"]
    _decision_memo: dict[tuple[object, ...], "_GenreDecision"]
    _folder_memo: dict[str, tuple[str, ...]]
    _folder_name_memo: dict[str, tuple[str, ...]]

    def situations_for(self, energy: int, genre_places: tuple[str, ...]) -> tuple[str, ...]:
        raise NotImplementedError

    def vibes_for(self, decision: "_GenreDecision", minor: bool | None,
                  title_vibes: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
        raise NotImplementedError

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
            if len(self._decision_memo) < 100_000:
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
