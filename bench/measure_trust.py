"""How far the offline tagger's tags can be trusted, measured on the real exports.

    python bench/measure_trust.py [--fixtures ../shared/fixtures/rekordbox] [--show 15]

Prints, over every track of every export (offline tagger, default write options):

1. **Right family**: tracks whose Genre names a genre, tagged into the family that
   ``bench/real_genre_families.json`` gives for their string (hand-checked; strings on
   one track only are not labelled and are counted apart). Target >= 99%.
2. **Junk genres** ("Other", "no genre", download sites, slang): how many got a Genre
   written from the tempo alone (target 0), and from which other evidence the rest did.
3. **The known mistakes**, each counted by its pattern: a folder named "Beats" read as a
   genre, "pop house" not House, a title's non-version parenthesis read as a genre,
   "Dub/Tech House/Minimal" as Reggae, genre words in Comments ignored, test tones tagged,
   the DJ's own Genre labels lost, full Comments not reported. Target 0 for each.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from taggenius_desktop.jobs.summary import SummaryBuilder  # noqa: E402
from taggenius_desktop.library import read_library  # noqa: E402
from taggenius_desktop.tagging.offline import OfflineTagger, rules_for  # noqa: E402
from taggenius_desktop.tagging.offline.evidence import machine_text_removed  # noqa: E402
from taggenius_desktop.tagging.offline.words import VERSION_WORD_RE  # noqa: E402
from taggenius_desktop.vocabulary import load_vocabulary  # noqa: E402
from taggenius_desktop.vocabulary.genres import genre_key  # noqa: E402
from taggenius_desktop.vocabulary.profile import SOURCE_COMMENTS, SOURCE_GROUPING, SOURCE_TITLE, TrackInfo  # noqa: E402
from taggenius_desktop.writeback import WriteOptions, plan_fields  # noqa: E402
from taggenius_desktop.writeback.plan import own_labels  # noqa: E402

_PARENS_RE = re.compile(r"[(\[]([^)\]]*)[)\]]")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", default=str(ROOT.parent / "shared" / "fixtures" / "rekordbox"))
    parser.add_argument("--show", type=int, default=15, help="mismatches to list")
    args = parser.parse_args()
    files = sorted(Path(args.fixtures).glob("*.xml"))
    if not files:
        print(f"no exports in {args.fixtures}", file=sys.stderr)
        return 2
    labels = json.loads((ROOT / "bench" / "real_genre_families.json").read_text(encoding="utf-8"))["families"]
    genres = load_vocabulary().genres
    options = WriteOptions()
    tagger = OfflineTagger()
    right = wrong = unlabelled = excluded = 0
    mismatches: Counter[tuple[str, str]] = Counter()
    junk_tracks = junk_from_tempo = 0
    junk_evidence: Counter[str] = Counter()
    mistakes: Counter[str] = Counter()
    checked: Counter[str] = Counter()
    summary = SummaryBuilder(options)
    tracks_total = 0
    for path in files:
        library = read_library(path)
        infos = [TrackInfo.from_attributes(t.attrs) for t in library.tracks]
        results: list = []
        tagger.tag(infos, results.extend, lambda: False)
        for info, result in zip(infos, results, strict=True):
            tracks_total += 1
            attrs = library.track_by_id(info.track_id).attrs
            profile = result.profile
            if profile is None:
                summary.add(info.track_id, attrs, None, {}, (result.skipped or result.error or "",))
                checked["test tones and samples skipped"] += 1
                continue
            changes, notes, _ = plan_fields(attrs, profile, options)
            summary.add(info.track_id, attrs, profile, changes, notes)
            genre = info.genre
            analysis = genres.analyze(genre)
            specific = [n for n in analysis.names if not genres.is_vague(n)]
            family = profile.primary_genre
            source = profile.sources.get("primary_genre")
            level = profile.confidence.get("primary_genre")
            # 1. right family
            if specific:
                accepted = labels.get(genre, ...)
                if accepted is ...:
                    unlabelled += 1
                elif accepted is None:
                    excluded += 1
                elif family in accepted:
                    right += 1
                else:
                    wrong += 1
                    mismatches[(genre, family)] += 1
            # 2. junk genres
            if genre.strip() and not analysis.names:
                junk_tracks += 1
                if "Genre" in changes:
                    if level == "guess":
                        junk_from_tempo += 1
                    else:
                        junk_evidence[f"{source} ({level})"] += 1
            # 3. the known mistakes, by pattern
            folders = [unquote(part) for part in info.location.split("/")[:-1]]
            if "Genre" in changes and source == "folder" and any(genre_key(f) == "beats" for f in folders):
                mistakes["folder 'Beats' read as a genre"] += 1
            if not specific and any(genre_key(f) == "beats" for f in folders):
                checked["tracks in a folder named Beats"] += 1
            key = genre_key(genre)
            if key.startswith("pop ") and ("house" in key.split() or "trap" in key.split()):
                checked["'pop house'/'pop trap' compounds"] += 1
                if family == "Pop":
                    mistakes["'pop house'/'pop trap' read as Pop"] += 1
            if source == SOURCE_TITLE and not any(VERSION_WORD_RE.search(genre_key(p))
                                                  for p in _PARENS_RE.findall(info.title) + [info.mix]):
                mistakes["title parenthesis that is not a version read as a genre"] += 1
            if _PARENS_RE.search(info.title):
                checked["titles with a parenthesis"] += 1
            if {"Dub", "Tech House"} <= set(specific):
                checked["Dub + Tech House lists"] += 1
                if family == "Reggae":
                    mistakes["'Dub/Tech House/...' read as Reggae"] += 1
            if not specific and (info.comments or info.grouping):
                # the DJ's words only: links and everyday words ("bass line", "film") are not genres
                text = machine_text_removed(info.comments + " " + info.grouping)
                note_genres = genres.find_in_text(text, rules_for()._note_stopwords)
                if note_genres and source not in (SOURCE_COMMENTS, SOURCE_GROUPING, SOURCE_TITLE, "folder"):
                    mistakes["genre words in Comments/Grouping ignored"] += 1
                if source in (SOURCE_COMMENTS, SOURCE_GROUPING):
                    checked["genre read from Comments/Grouping"] += 1
            labels_now = own_labels(attrs.get("Genre"))
            if labels_now:
                checked["tracks with the DJ's own Genre labels"] += 1
                new = changes.get("Genre")
                if new is not None and not all(label in new for label in labels_now):
                    mistakes["DJ's own Genre label lost"] += 1

    result = summary.result()
    labelled = right + wrong
    print(f"real exports: {len(files)} files, {tracks_total:,} tracks")
    print(f"1. right family: {right:,} of {labelled:,} labelled tracks = {100 * right / max(1, labelled):.2f}% "
          f"(target >= 99%); {unlabelled:,} tracks with one-track strings not labelled, {excluded} ambiguous excluded")
    for (genre, family), count in mismatches.most_common(args.show):
        print(f"   {count:4d}  {genre!r} -> {family} (expected {labels[genre]})")
    print(f"2. junk genres: {junk_tracks:,} tracks; Genre written from the tempo alone: {junk_from_tempo} (target 0); "
          f"from other evidence: {sum(junk_evidence.values())} {dict(junk_evidence.most_common())}")
    print("3. known mistakes (target 0 each):")
    names = ["folder 'Beats' read as a genre", "'pop house'/'pop trap' read as Pop",
             "title parenthesis that is not a version read as a genre", "'Dub/Tech House/...' read as Reggae",
             "genre words in Comments/Grouping ignored", "DJ's own Genre label lost"]
    for name in names:
        print(f"   {mistakes.get(name, 0):4d}  {name}")
    print("   patterns seen: " + ", ".join(f"{name} {count:,}" for name, count in checked.items()))
    print(f"summary: unsure (not written) {result['unsure']:,}, skipped {result['skipped']:,} "
          f"{result['skipped_reasons']}, full Comments reported {result['comments_full']:,}, "
          f"own labels kept {result['labels_kept']:,}, needs a look {result['needs_a_look']:,}")
    print(f"   genre confidence: {result['genre_confidence']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
