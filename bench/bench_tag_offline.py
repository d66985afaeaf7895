"""Issue 2 benchmark: tag a generated 100,000-track library with the offline tagger.

Prints, in one run, wall time and peak memory of
  baseline  a bare lxml parse + serialize + write of the same file, and
  ours      the real tag job (read, tag every track, plan changes, store originals for
            restore, write atomically), run the way ``taggenius tag`` runs it in a worker,
each in a fresh subprocess so peak memory (ru_maxrss) is that phase's alone.

    python bench/bench_tag_offline.py [--tracks 100000]
Targets: ours <= 2x baseline wall time; ours peak memory < 600 MB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

_BASELINE = r"""
import json, resource, sys, time
from lxml import etree
src, dst = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
tree = etree.parse(src, parser)
data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
with open(dst, "wb") as f:
    f.write(data)
wall = time.perf_counter() - t0
print(json.dumps({"wall": wall, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_OURS = r"""
import json, os, resource, sys, time
src, dst, home = sys.argv[1], sys.argv[2], sys.argv[3]
os.environ["TAGGENIUS_HOME"] = home
from taggenius_desktop.jobs.specs import build_tag_job
from taggenius_desktop.jobs.tagging import run_tag_job
from taggenius_desktop.jobs.progress import Reporter
from taggenius_desktop.store import connect, jobs_log
conn = connect()
spec = build_tag_job(src, dst, provider="offline")
job_id = jobs_log.insert_job(conn, {"job_display_name": "bench", "original_filename": "bench.xml",
    "input_file_path": src, "job_type": "tag", "spec": "{}"})
t0 = time.perf_counter()
result = run_tag_job(spec, Reporter(), conn, job_id)
wall = time.perf_counter() - t0
print(json.dumps({"wall": wall, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "changed": result["tracks_changed"], "total": result["tracks_total"]}))
"""


def _run(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True,
                         cwd=HERE.parent)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the best is reported")
    args = parser.parse_args()
    from generate_library import generate_library

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "library.xml"
        t0 = time.perf_counter()
        generate_library(args.tracks, src)
        size_mb = src.stat().st_size / 1e6
        print(f"generated {args.tracks:,} tracks, {size_mb:.1f} MB in {time.perf_counter() - t0:.1f} s")
        base = min((_run(_BASELINE, str(src), str(Path(tmp) / "bare.xml")) for _ in range(args.repeat)),
                   key=lambda r: r["wall"])
        ours_runs = []
        for i in range(args.repeat):
            home = Path(tmp) / f"home{i}"
            home.mkdir()
            ours_runs.append(_run(_OURS, str(src), str(Path(tmp) / f"tagged{i}.xml"), str(home)))
        ours = min(ours_runs, key=lambda r: r["wall"])
        print(f"{'':<34}{'wall s':>9}{'peak MB':>10}")
        print(f"{'baseline: lxml parse+serialize':<34}{base['wall']:>9.2f}{base['rss_mb']:>10.0f}")
        print(f"{'ours: offline tag job':<34}{ours['wall']:>9.2f}{ours['rss_mb']:>10.0f}")
        ratio = ours["wall"] / base["wall"]
        print(f"ratio ours/baseline: {ratio:.2f}x (target <= 2x); peak {ours['rss_mb']:.0f} MB (target < 600 MB); "
              f"{ours['changed']:,} of {ours['total']:,} tracks changed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
