"""Reading genre names inside free text and finding the DJ's own words in a Genre value:
the phrase-level half of :class:`~.genres.GenreMap` (mixed into it; it owns the data)."""

from __future__ import annotations

import re
from typing import Callable, Pattern

from .text import fix_mojibake, fold

#: the separators a genre list is split on (also what a phrase never spans)
SPLIT_RE = re.compile(r"[/;,|()]")
_SPLIT_RE = SPLIT_RE
_LABEL_SPLIT_RE = re.compile(r"[/;,|]")
#: words that carry no meaning of their own in a genre string ("House Music", "Drum & Bass")
_FILLER_WORDS = frozenset({"music", "musica", "musik", "muzyka", "musique", "and", "&", "n", "y", "e", "et", "und"})


class PhraseReading:
    """Set up by GenreMap: its aliases, junk, vague buckets and word tables."""

    _aliases: dict[str, tuple[str, ...]]
    _junk: frozenset[str]
    _vague: frozenset[str]
    _first_words: frozenset[str]
    _max_words: int
    _protected_re: Pattern[str] | None
    _label_memo: dict[str, tuple[str, ...]]
    _correct: Callable[[str], str]
    _url_re: Pattern[str]
    _genre_key: Callable[[str], str]

    def label_parts(self, raw: str) -> tuple[str, ...]:
        """The parts of a Genre value that are the DJ's own words rather than genres, as
        written ("Dance Floor Filth", "trap banger", "pop radio"); () when every part names
        genres or is junk. A part is a genre only if each of its words belongs to a genre
        name (typos forgiven) or is a filler such as "music"."""
        found = self._label_memo.get(raw)
        if found is not None:
            return found
        labels: list[str] = []
        whole = self._genre_key(self._url_re.sub(" ", fold(fix_mojibake(raw)))) if raw else ""
        if whole and whole not in self._aliases and whole not in self._junk:
            for part in _LABEL_SPLIT_RE.split(raw):
                text = part.strip()
                if text and self._is_label(text):
                    labels.append(text)
        found = tuple(labels)
        if len(self._label_memo) < 100_000:
            self._label_memo[raw] = found
        return found

    def _is_label(self, text: str) -> bool:
        key = self._genre_key(self._url_re.sub(" ", fold(fix_mojibake(text))))
        if not key or key in self._aliases or key in self._junk:
            return False
        if self._protected_re is not None:
            key = self._protected_re.sub(" ", key)
        tokens = [self._correct(t) for t in _SPLIT_RE.sub(" ", key).split(" ") if t]
        i = 0
        while i < len(tokens):
            for size in range(min(self._max_words, len(tokens) - i), 0, -1):
                if " ".join(tokens[i : i + size]) in self._aliases:
                    i += size
                    break
            else:
                if tokens[i] not in _FILLER_WORDS:
                    return True
                i += 1
        return False

    def find_in_text(self, text: str, stopwords: frozenset[str] = frozenset()) -> tuple[str, ...]:
        """Specific genres named as whole phrases in free text (a title's version part),
        without typo tolerance or hints: "(Techno Mix)" names Techno."""
        return self.find_in_key(self._genre_key(text), stopwords)

    def find_in_key(self, key: str, stopwords: frozenset[str] = frozenset()) -> tuple[str, ...]:
        """:meth:`find_in_text` for text already passed through :func:`genre_key`."""
        tokens = [t for t in _SPLIT_RE.sub(" ", key).split(" ") if t]
        found: list[str] = []
        i = 0
        while i < len(tokens):
            if tokens[i] not in self._first_words:
                i += 1
                continue
            for size in range(min(self._max_words, len(tokens) - i), 0, -1):
                phrase = " ".join(tokens[i : i + size])
                names = self._aliases.get(phrase)
                if names and phrase not in stopwords and names[0] not in self._vague:
                    found.extend(names)
                    i += size
                    break
            else:
                i += 1
        return tuple(dict.fromkeys(found))
