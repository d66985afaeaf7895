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
profiles are shared (they are immutable). The rules live in :mod:`.rules`, word tables
in :mod:`.words`, confidence and the not-music rule in :mod:`.evidence`.
"""

from .evidence import MIN_MUSIC_SECONDS, NOT_MUSIC, SKIP_NO_EVIDENCE, SKIP_TOO_SHORT
from .genre import FOLDER_LEVELS
from .rules import OfflineRules
from .tagger import _RULES, CHUNK, RULES_VERSION, OfflineTagger, profile_for, rules_for
from .words import tempo_step

__all__ = [
    "CHUNK",
    "FOLDER_LEVELS",
    "MIN_MUSIC_SECONDS",
    "NOT_MUSIC",
    "RULES_VERSION",
    "SKIP_NO_EVIDENCE",
    "SKIP_TOO_SHORT",
    "OfflineRules",
    "OfflineTagger",
    "_RULES",
    "profile_for",
    "rules_for",
    "tempo_step",
]
