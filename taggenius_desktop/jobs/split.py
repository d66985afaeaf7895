"""The split job: sort a library into playlists by primary genre (and energy band and
situation where tags exist), or into one library file per genre.

A track's genre comes from the best evidence at hand: its own Genre field through the
genre map, else tags cached by an earlier job, else the offline tagger. Existing playlists
are never touched; ours live in one ``Tag Genius`` folder that a re-run replaces.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from ..library import Library, LibraryError
from ..tagging.offline import profile_for
from ..vocabulary import load_vocabulary
from ..vocabulary.profile import TagProfile, TrackInfo
from ..writeback import parse_block
from .cached import ANY_TAGGER, partition
from .errors import JobFailed
from .finish import write_output
from .progress import Reporter, open_library
from .specs import SplitJobSpec

FOLDER = "Tag Genius"
ENERGY_BANDS = ((1, 3, "Energy 1-3 (low)"), (4, 5, "Energy 4-5"), (6, 7, "Energy 6-7"), (8, 8, "Energy 8"), (9, 10, "Energy 9-10 (peak)"))


def energy_band(energy: int) -> str:
    for low, high, name in ENERGY_BANDS:
        if low <= energy <= high:
            return name
    raise ValueError(f"energy out of range: {energy}")


def _safe_file_part(text: str) -> str:
    return re.sub(r"[^\w\-]+", "_", text).strip("_") or "genre"


def classify(library: Library, conn: sqlite3.Connection | None) -> dict[str, tuple[str, int | None, str | None]]:
    """TrackID -> (primary genre, energy or None, first situation or None)."""
    vocab = load_vocabulary()
    infos = {t.track_id: TrackInfo.from_attributes(t.attrs) for t in library.tracks}
    cached: dict[str, TagProfile] = partition(conn, infos, ANY_TAGGER).hits
    result: dict[str, tuple[str, int | None, str | None]] = {}
    for track_id, info in infos.items():
        profile = cached.get(track_id)
        canonical = vocab.genres.canonicalize(info.genre)
        if canonical:
            primary = vocab.genres.primary_of(canonical[0])
        elif profile is not None:
            primary = profile.primary_genre
        else:
            primary = profile_for(info).primary_genre
        energy: int | None = None
        situation: str | None = None
        if profile is not None:
            energy, situation = profile.energy, (profile.situations[0] if profile.situations else None)
        else:
            block = parse_block(info.comments)
            if block:
                energy = block.get("energy")
                situations = block.get("situations") or ()
                situation = situations[0] if situations else None
        result[track_id] = (primary, energy, situation)
    return result


def run_split_job(spec: SplitJobSpec, reporter: Reporter, conn: sqlite3.Connection | None) -> dict[str, Any]:
    library = open_library(spec.input_path, reporter)
    counters = reporter.counters

    classes = classify(library, conn)
    vocab = load_vocabulary()
    genre_order = {name: i for i, name in enumerate(vocab.primary_genres)}
    by_genre: dict[str, list[str]] = {}
    by_energy: dict[str, list[str]] = {}
    by_situation: dict[str, list[str]] = {}
    for track in library.tracks:  # collection order inside every playlist
        primary, energy, situation = classes[track.track_id]
        by_genre.setdefault(primary, []).append(track.track_id)
        if energy is not None:
            by_energy.setdefault(energy_band(energy), []).append(track.track_id)
        if situation:
            by_situation.setdefault(situation, []).append(track.track_id)
        counters.tagged += 1
    reporter.tick(force=True)
    genres = sorted(by_genre, key=lambda g: (genre_order.get(g, len(genre_order)), g))

    outputs: list[str] = []
    try:
        if spec.out_dir:
            out_dir = Path(spec.out_dir)
            if not out_dir.is_dir():
                raise JobFailed(f"{out_dir}: the output folder does not exist")
            stem = Path(spec.input_path).stem
            for genre in genres:
                target = out_dir / f"{stem}_{_safe_file_part(genre)}.xml"
                write_output(library.subset(by_genre[genre]), target)
                outputs.append(str(target))
        else:
            assert spec.output_path is not None
            library.remove_top_level_folder(FOLDER)
            for genre in genres:
                library.add_playlist([FOLDER, "By Genre"], genre, by_genre[genre])
            for _, _, band in ENERGY_BANDS:
                if band in by_energy:
                    library.add_playlist([FOLDER, "By Energy"], band, by_energy[band])
            situation_order = {name: i for i, name in enumerate(vocab.situations)}
            for situation in sorted(by_situation, key=lambda s: situation_order.get(s, 999)):
                library.add_playlist([FOLDER, "By Situation"], situation, by_situation[situation])
            write_output(library, spec.output_path)
            outputs.append(spec.output_path)
    except LibraryError as error:
        raise JobFailed(str(error), bad_input=True) from None
    reporter.tick(force=True)
    return {
        "output_file_path": outputs[0] if len(outputs) == 1 else (spec.out_dir or ""),
        "outputs": outputs,
        "genres": {g: len(by_genre[g]) for g in genres},
        "energy_bands": {b: len(v) for b, v in by_energy.items()},
        "situations": {s: len(v) for s, v in by_situation.items()},
    }
