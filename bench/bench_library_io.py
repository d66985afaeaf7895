"""Library read/write speed and memory, side by side with a bare lxml parse + serialize.

    python bench/bench_library_io.py                  # 100,000 tracks, 3 runs per phase
    python bench/bench_library_io.py --tracks 20000 --runs 5 --keep /tmp/lib.xml

Every phase runs in a fresh subprocess, so peak memory (``ru_maxrss``) is that phase's
own. Phases:

* ``lxml``    bare lxml: ``etree.parse`` + ``tree.write`` (the baseline)
* ``untouched``  ``read_library`` + ``write_library`` with no change
* ``tagged``  ``read_library``, read every track's attributes (``attrs``, what a tagger
  reads), set Genre / Comments / Colour on every track (``set``), ``write_library``:
  what a tagging job does around its tagger. ``core x`` is read + set + write against
  the baseline, ``all x`` adds the attribute reads.

Wall time is the best of ``--runs`` (the machine is shared); CPU time is user + system.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

GENRES = ["Techno", "House", "Deep House", "Tech House", "Drum & Bass", "Dubstep", "Ambient"]


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_phase(phase: str, source: Path, out: Path) -> dict[str, float]:
    """Run one phase in this process and return its figures."""
    figures: dict[str, float] = {}
    cpu0, wall0 = _cpu(), time.perf_counter()
    if phase == "lxml":
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
        tree = etree.parse(str(source), parser)
        figures["read_s"] = time.perf_counter() - wall0
        mark = time.perf_counter()
        tree.write(str(out), encoding="UTF-8", xml_declaration=True)
        figures["write_s"] = time.perf_counter() - mark
    else:
        from taggenius_desktop.library import read_library, write_library

        lib = read_library(source)
        figures["read_s"] = time.perf_counter() - wall0
        if phase == "tagged":
            mark = time.perf_counter()
            energies = [1 + len(track.attrs.get("Name", "")) % 10 for track in lib.tracks]  # what a tagger reads
            figures["attrs_s"] = time.perf_counter() - mark
            mark = time.perf_counter()
            for number, track in enumerate(lib.tracks):
                lib.set_track_attributes(
                    track.track_id,
                    {
                        "Genre": GENRES[number % len(GENRES)],
                        "Comments": f"/* E{energies[number]} Peak Time, Driving */",
                        "Colour": "0xFF0000",
                    },
                )
            figures["set_s"] = time.perf_counter() - mark
        mark = time.perf_counter()
        write_library(lib, out)
        figures["write_s"] = time.perf_counter() - mark
    figures["wall_s"] = time.perf_counter() - wall0
    figures["cpu_s"] = _cpu() - cpu0
    figures["peak_mb"] = _peak_mb()
    return figures


def _in_subprocess(phase: str, source: Path, out: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--source", str(source), "--out", str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate the library here (reused if present)")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--source", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:
        print(json.dumps(run_phase(args.phase, args.source, args.out)))
        return 0

    from generate_library import generate_library

    with tempfile.TemporaryDirectory(prefix="tg-bench-") as scratch:
        source = args.keep or Path(scratch) / f"library-{args.tracks}.xml"
        if not source.exists():
            generate_library(args.tracks, source)
        size_mb = source.stat().st_size / 1e6
        out = Path(scratch) / "out.xml"
        print(f"library: {args.tracks} tracks, {size_mb:.1f} MB, {args.runs} runs per phase (best wall time shown)")
        results: dict[str, list[dict[str, float]]] = {}
        for _ in range(args.runs):  # interleaved, so a noisy moment hits every phase alike
            for phase in ("lxml", "untouched", "tagged"):
                results.setdefault(phase, []).append(_in_subprocess(phase, source, out))
        if source.read_bytes() == out.read_bytes():
            print("warning: tagged output equals the input")

    base = min(run["wall_s"] for run in results["lxml"])
    print(
        f"{'phase':<11}{'wall s':>8}{'median':>8}{'cpu s':>8}{'read':>7}{'attrs':>7}{'set':>7}{'write':>7}"
        f"{'core x':>8}{'all x':>7}{'peak MB':>9}"
    )
    for phase, runs in results.items():
        best = min(runs, key=lambda run: run["wall_s"])
        median = statistics.median(run["wall_s"] for run in runs)
        cpu = min(run["cpu_s"] for run in runs)
        peak = max(run["peak_mb"] for run in runs)
        core = best["read_s"] + best.get("set_s", 0.0) + best["write_s"]
        print(
            f"{phase:<11}{best['wall_s']:>8.2f}{median:>8.2f}{cpu:>8.2f}{best['read_s']:>7.2f}"
            f"{best.get('attrs_s', 0.0):>7.2f}{best.get('set_s', 0.0):>7.2f}{best['write_s']:>7.2f}"
            f"{core / base:>8.2f}{best['wall_s'] / base:>7.2f}{peak:>9.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
