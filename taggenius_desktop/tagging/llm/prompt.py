"""The messages of one request: a byte-stable system prompt, then the batch's tracks.

Prompt caching (automatic at 1,024+ identical leading tokens) and the per-track token
budget both depend on this shape: instructions and vocabulary first and identical for
every request of a job; track data last, compact JSON with empty fields left out and
short batch-local ids ("1".."20") instead of rekordbox TrackIDs.

Bump PROMPT_VERSION whenever the wording, the fields sent or the schema change: it is
part of the cache key, so old cached tags are not mistaken for answers to the new prompt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

from ...caches import registered
from ...vocabulary import Vocabulary
from ...vocabulary.profile import TrackInfo
from .schema import sub_genre_names

PROMPT_VERSION = "2"

#: Field values longer than this are cut: long album names add tokens, not information.
MAX_FIELD_CHARS = 80
#: Mix names that say nothing about the version.
_UNINFORMATIVE_MIX = frozenset({"original mix", "original", "original version", "main mix"})

_INSTRUCTIONS = """\
You tag DJ tracks. For every track in the user's JSON, return exactly one item with the same "id"; never skip or add tracks.
Input fields (empty ones are left out): artist, title, mix (version), remixer, album, label, genre (the user's own tag: may be vague, wrong or junk such as a website name or "Other"; judge it), year, bpm, key, duration (seconds).
Use what you know about the artist, label and release, and the metadata. Choose values only from the allowed lists.
- primary_genre: the main genre family.
- sub_genres: up to 3 more specific genres, most fitting first, never the primary genre itself; [] when unsure.
- energy: integer 1-10 on one absolute scale for all genres (ambient 1-2, deep house 4, house 5, tech house 6, techno 7, drum & bass 8, hard techno 9, hardcore 10); tempo and words such as Peak Time, Rave (+) or Dub, Chill, Intro, Acapella (-) move it.
- vibes: up to 3 moods, strongest first.
- situations: up to 3 moments of a DJ set the track suits.
- components: up to 3 notable elements (vocal or instrumental, version type, lead instruments); only what the title, mix or your knowledge supports.
- era: decade of the original release (from year when given), or null when unknown.
"""


def _allowed_values(vocab: Vocabulary) -> str:
    lines = [
        "Allowed values:",
        "primary_genre: " + " | ".join(vocab.primary_genres),
        "sub_genres: " + " | ".join(sub_genre_names(vocab)),
        "vibes: " + " | ".join(vocab.vibes),
        "situations: " + " | ".join(vocab.situations),
        "components: " + " | ".join(vocab.components),
        "era: " + " | ".join(vocab.eras) + " | null",
    ]
    return "\n".join(lines) + "\n"


@registered("tagging.llm.system_prompt")
@lru_cache(maxsize=8)
def system_prompt(vocab: Vocabulary, list_values: bool) -> str:
    """The shared prefix of every request.

    ``list_values`` spells the vocabulary out in the prompt. OpenAI shows the strict
    schema (whose enums are the same lists) to the model and bills it as input, so for
    OpenAI the lists would be paid twice; servers that may ignore the schema need them.
    """
    text = _INSTRUCTIONS
    if list_values:
        text += _allowed_values(vocab)
    else:
        text += "Allowed values: the enums of the response schema.\n"
    return text + 'Reply with JSON only: {"tracks": [...]}.'


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_FIELD_CHARS else text[: MAX_FIELD_CHARS - 1] + "…"


def track_payload(local_id: str, track: TrackInfo) -> dict[str, Any]:
    """One track as sent: only fields that carry information, numbers kept short."""
    item: dict[str, Any] = {"id": local_id}
    for name, value in (("artist", track.artist), ("title", track.title), ("mix", track.mix),
                        ("remixer", track.remixer), ("album", track.album), ("label", track.label),
                        ("genre", track.genre)):
        value = _short(value or "")
        if not value:
            continue
        if name == "mix" and value.casefold() in _UNINFORMATIVE_MIX:
            continue
        if name == "album" and value.casefold() == (track.title or "").strip().casefold():
            continue  # a single named after its track repeats the title
        item[name] = value
    if track.year and track.year > 0:
        item["year"] = track.year
    if track.bpm and track.bpm > 0:
        bpm = round(track.bpm, 1)
        item["bpm"] = int(bpm) if bpm == int(bpm) else bpm
    if track.key:
        item["key"] = _short(track.key)
    if track.duration_s and track.duration_s > 0:
        item["duration"] = track.duration_s
    return item


@dataclass(frozen=True, slots=True)
class BatchMessage:
    """The user message of one request and how its local ids map back to TrackIDs."""

    content: str
    tracks_by_local_id: dict[str, TrackInfo]


def user_message(tracks: Sequence[TrackInfo]) -> BatchMessage:
    by_id = {str(index): track for index, track in enumerate(tracks, start=1)}
    payload = {"tracks": [track_payload(local_id, track) for local_id, track in by_id.items()]}
    content = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return BatchMessage(content, by_id)


def messages(vocab: Vocabulary, list_values: bool, batch: BatchMessage) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": system_prompt(vocab, list_values)},
        {"role": "user", "content": batch.content},
    ]
