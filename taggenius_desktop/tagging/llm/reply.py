"""Reading one reply: matching items back to tracks by id and validating each on its own.

A reply is never trusted as a whole: one bad item must not sink nineteen good ones, and
a missing item must be asked again rather than guessed. Every problem is reported per
track in plain words, which become the track's error if re-asking does not fix it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Mapping

from ...vocabulary import InvalidProfile, Vocabulary, coerce_profile
from ...vocabulary.profile import TagProfile, TrackInfo
from . import safe_json
from .item_check import item_problem
from .schema import llm_confidence

#: Characters of reply text per track asked for, plus slack: a 20-track answer is ~5 KB.
MAX_CHARS_PER_TRACK, MAX_CHARS_BASE = 4096, 16384
#: Keys of an item that are never the model's to set: who set a value is recorded by us.
_NOT_TAGS = frozenset({"id", "sources"})


@dataclass(slots=True)
class ParsedReply:
    profiles: dict[str, TagProfile] = field(default_factory=dict)  # local id -> profile
    problems: dict[str, str] = field(default_factory=dict)  # local id -> why it must be asked again
    unknown_ids: list[str] = field(default_factory=list)


def _all_failed(ids: Mapping[str, TrackInfo], reason: str) -> ParsedReply:
    return ParsedReply(problems={local_id: reason for local_id in ids})


def parse_reply(content: str | None, tracks_by_local_id: Mapping[str, TrackInfo], vocab: Vocabulary,
                source: str) -> ParsedReply:
    """Profiles for the items that are valid; a reason for every other track of the batch."""
    if not content or not content.strip():
        return _all_failed(tracks_by_local_id, "the model returned an empty reply")
    try:
        data = safe_json.loads(content, max_chars=MAX_CHARS_BASE + MAX_CHARS_PER_TRACK * len(tracks_by_local_id))
    except safe_json.UnsafeJSON as exc:
        return _all_failed(tracks_by_local_id, f"the model's reply was {exc.reason}")
    items = data.get("tracks") if isinstance(data, dict) else data if isinstance(data, list) else None
    if not isinstance(items, list):
        return _all_failed(tracks_by_local_id, "the model's reply did not list tracks")

    by_id: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    parsed = ParsedReply()
    for item in items:
        if not isinstance(item, dict):
            continue
        raw_id = item.get("id", "")
        local_id = str(raw_id).strip() if isinstance(raw_id, (str, int)) else ""
        if local_id in tracks_by_local_id:
            by_id[local_id].append(item)
        else:
            parsed.unknown_ids.append(local_id)

    for local_id in tracks_by_local_id:
        candidates = by_id.get(local_id)
        if not candidates:
            parsed.problems[local_id] = "the model's reply left this track out"
            continue
        profiles: list[TagProfile] = []
        error = ""
        for candidate in candidates:
            fields = {k: v for k, v in candidate.items() if k not in _NOT_TAGS}
            problem = item_problem(fields)
            if problem is not None:
                error = problem
                continue
            if "confidence" in fields:
                fields["confidence"] = llm_confidence(fields["confidence"])
            try:
                profiles.append(coerce_profile(fields, vocab, source=source))
            except InvalidProfile as exc:
                error = str(exc)
            except (ArithmeticError, ValueError, TypeError, RecursionError) as exc:
                # A value the checks above did not foresee: this track fails, the batch goes on.
                error = f"unusable value ({type(exc).__name__})"
        distinct = {p.to_json() for p in profiles}
        if len(candidates) > 1 and (len(distinct) > 1 or error):
            # Two different answers for one id: neither can be trusted to be this track's.
            parsed.problems[local_id] = "the model's reply answered this track twice, differently"
        elif profiles:
            parsed.profiles[local_id] = profiles[0]
        else:
            parsed.problems[local_id] = f"the model's answer was off the vocabulary ({error})"
    return parsed
