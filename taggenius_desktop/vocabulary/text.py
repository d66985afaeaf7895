"""Text folding shared by the genre map, the vocabulary look-ups and the offline tagger.

Real genre strings differ in case, accents, punctuation and even encoding (a cp1251 string
read as cp1252 turns "Танцевальная музыка" into "Òàíöåâàëüíàÿ ìóçûêà"); everything that
compares user text with the vocabulary goes through these functions so that both sides are
folded the same way.
"""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "＆": "&", "／": "/", "\u00a0": " "})
# Cyrillic mojibake: text that is all Latin-1 and mostly in the accented-letter block.
_LATIN1_HIGH = re.compile(r"[\u00c0-\u00ff]")


def fix_mojibake(text: str) -> str:
    """Undo the commonest genre-tag mojibake (cp1251 bytes decoded as cp1252).

    Only applied when most letters are accented Latin-1 letters, which no real Western
    genre name is ("Reggaetón" has one in nine).
    """
    if not text or max(text) > "\u00ff":
        return text
    letters = sum(ch.isalpha() for ch in text)
    high = len(_LATIN1_HIGH.findall(text))
    if letters == 0 or high * 2 <= letters:
        return text
    try:
        return text.encode("cp1252").decode("cp1251")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def fold(text: str) -> str:
    """Case-fold, strip accents and invisible format characters (BOMs, zero-width spaces),
    unify quote characters."""
    if text.isascii():  # the common case, ten times cheaper than decomposing
        return text.lower().replace("`", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        ch for ch in decomposed if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf"
    )
    return kept.casefold().translate(_QUOTES)


_NON_ALNUM = re.compile(r"[^0-9a-z\u0400-\u04ff&]+")


def compact_key(text: str) -> str:
    """Key for matching a vocabulary value: folded, spaces and punctuation dropped
    ("Peak-Hour", "peak hour" and "PEAKHOUR" are one key)."""
    return _NON_ALNUM.sub("", fold(text))
