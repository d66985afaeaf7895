"""Issue 13 benchmark: what measuring energy from the audio costs.

    python bench/bench_audio.py [--tracks 12] [--minutes 4] [--workers N]
    python bench/bench_audio.py --ladder     # the accuracy targets instead

On a dozen generated four-minute MP3s (kept in the temp folder between runs, since
encoding them takes longer than the measurement), printed in one run:

* decode floor: reading the three 30-second excerpt windows of every file and nothing
  else, in one process (the baseline);
* analysis in one process: the same decode plus every feature, and its ratio to the
  floor (target <= 1.5x);
* the tag job's audio stage on all cores (identity, cache, analysis processes), first
  run and cached re-run (target <= 25% of the first), and the projection for 10,000
  tracks.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def _files(count: int, minutes: float) -> list[Path]:
    from tests.support import audio_synth

    folder = Path(tempfile.gettempdir()) / f"taggenius-bench-audio-{count}x{minutes:g}min"
    folder.mkdir(exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"track {index:02d}.mp3"
        if not path.exists():
            partial = path.with_suffix(".part.mp3")
            audio_synth.write(partial, audio_synth.track(index % audio_synth.LEVELS, minutes * 60.0, seed=index))
            os.replace(partial, path)
        paths.append(path)
    return paths


def ladder() -> int:
    """The issue's accuracy targets on the synthetic ladder (one tempo, one genre)."""
    from scipy.stats import spearmanr

    from taggenius_desktop.audio import analyse, energy
    from taggenius_desktop.audio.measures import AudioFeatures
    from tests.support import audio_synth

    prior = 7  # what the offline tagger gives every techno track at 126 BPM
    folder = Path(tempfile.mkdtemp(prefix="taggenius-ladder-"))
    sets = [(ext, False) for ext in audio_synth.FORMATS] + [(".flac", True)]
    print(f"intensity 0..{audio_synth.LEVELS - 1}; written = combine(audio, genre prior {prior}); 60 s tracks")
    for ext, normalised in sets:
        paths = audio_synth.ladder(folder / f"{ext[1:]}{'-norm' if normalised else ''}", ext, 60.0, normalised)
        audio = [energy.audio_energy(AudioFeatures.from_dict(analyse.analyse_file(str(p))[1])) for p in paths]
        written = [energy.combine(a, prior).energy for a in audio]
        rho = spearmanr(range(len(written)), written)[0]
        label = f"{ext} normalised to -16 LUFS" if normalised else ext
        print(f"{label:28s} written {written}  Spearman {rho:.3f}  calmest {written[0]}  most intense {written[-1]}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=12)
    parser.add_argument("--minutes", type=float, default=4.0)
    parser.add_argument("--workers", type=int, default=None, help="analysis processes (default: one per core)")
    parser.add_argument("--ladder", action="store_true", help="print the accuracy targets instead of timings")
    args = parser.parse_args()
    if args.ladder:
        return ladder()

    started = time.perf_counter()
    paths = _files(args.tracks, args.minutes)
    print(f"{len(paths)} MP3s of {args.minutes:g} min ready in {time.perf_counter() - started:.1f} s "
          f"({sum(p.stat().st_size for p in paths) / 1e6:.0f} MB; {os.cpu_count()} cores)")

    from taggenius_desktop.audio import decode, features

    started = time.perf_counter()
    excerpts = [decode.read_excerpt(str(p)) for p in paths]
    floor = time.perf_counter() - started
    seconds = sum(e.seconds for e in excerpts)
    del excerpts
    started = time.perf_counter()
    for path in paths:
        features.compute(decode.read_excerpt(str(path)))
    single = time.perf_counter() - started
    print(f"decode floor (excerpts only, 1 process):   {floor:7.2f} s  ({seconds / floor:5.0f}x real time)  baseline")
    print(f"analysis (decode + features, 1 process):   {single:7.2f} s  ratio {single / floor:4.2f}x the floor (target <= 1.5x)")

    os.environ["TAGGENIUS_HOME"] = tempfile.mkdtemp(prefix="taggenius-bench-audio-home-")
    from taggenius_desktop.jobs import build_tag_job
    from taggenius_desktop.jobs.audio_stage import run_audio_stage
    from taggenius_desktop.jobs.progress import Reporter
    from taggenius_desktop.library import read_library
    from taggenius_desktop.store.db import connect
    from tests.support import audio_synth

    xml = Path(os.environ["TAGGENIUS_HOME"]) / "bench.xml"
    audio_synth.library_for(xml, [audio_synth.location(p) for p in paths])
    library = read_library(xml)
    spec = build_tag_job(xml, audio="on", audio_workers=args.workers)
    scope = [t.track_id for t in library.tracks]
    conn = connect()
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        stage = run_audio_stage(spec, library, scope, Reporter(), conn)
        timings.append(time.perf_counter() - started)
        print(f"  audio stage: {stage.summary()['analysed']} analysed, {stage.summary()['cached']} cached")
    conn.close()
    first, cached = timings
    workers = os.cpu_count() or 1 if args.workers is None else args.workers
    where = f"{workers} processes" if workers else "in-process"
    print(f"audio stage, first run ({where}):   {first:7.2f} s  ({first / len(paths) * 1000:.0f} ms per track)")
    print(f"audio stage, cached re-run:                {cached:7.2f} s  {cached / first * 100:5.1f}% of the first (target <= 25%)")
    print(f"projection for 10,000 tracks:              {first / len(paths) * 10_000 / 60:7.1f} min first run, "
          f"{cached / len(paths) * 10_000:.0f} s cached")
    return 0


if __name__ == "__main__":
    sys.exit(main())
