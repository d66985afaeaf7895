"""The offline tagger behind the common interface, and the shared compiled rules."""

from __future__ import annotations

from typing import Sequence

from ...caches import register
from ...vocabulary import Vocabulary, load_vocabulary
from ...vocabulary.profile import TagProfile, TrackInfo
from ..base import IsCancelled, ResultSink, TagResult, Tagger
from ..choice import Provider
from .evidence import not_music
from .rules import OfflineRules

#: Bumped when the rules of this package change (the data files have their own version).
RULES_VERSION = "2"
CHUNK = 2000  # results handed over per call, and how often cancellation is checked


#: vocabulary version -> its rules ("" for the bundled vocabulary); a process meets one or two
_MAX_RULES = 8
_RULES: dict[str, OfflineRules] = register("tagging.offline.rules", {}, _MAX_RULES)


def rules_for(vocab: Vocabulary | None = None) -> OfflineRules:
    """The compiled rules for ``vocab`` (the bundled vocabulary by default), built once."""
    if vocab is None:
        vocab = load_vocabulary()
    rules = _RULES.get(vocab.version)
    if rules is None or rules.vocab is not vocab:
        rules = OfflineRules(vocab)
        if len(_RULES) >= _MAX_RULES and vocab.version not in _RULES:
            _RULES.clear()
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
            rules = rules_for()
            if len(_RULES) >= _MAX_RULES:
                _RULES.clear()
            _RULES[""] = rules
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
                    tagged = profile(track)
                    reason = not_music(track, tagged.sources["primary_genre"])
                    if reason is None:
                        results.append(TagResult(track.track_id, tagged))
                    else:
                        results.append(TagResult(track.track_id, skipped=reason))
                except Exception as error:  # one odd track must not stop a 100,000-track job
                    results.append(TagResult(track.track_id, error=f"offline tagger failed: {error}"))
            on_results(results)
