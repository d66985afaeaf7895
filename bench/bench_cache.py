"""Issue 3 benchmark: the second run of the same library is served from the tag cache.

    python bench/bench_cache.py [--tracks 10000]

A first `taggenius tag` run against the fake OpenAI server (no latency: it only fills
the cache) is printed beside a second run of the same library: requests the server saw
and wall time of the whole command (process start, worker pool, read, cache lookup,
write). Target for the second run: zero requests, under 5 s for 10,000 tracks.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=10_000)
    args = parser.parse_args()
    from generate_library import generate_library

    from tests.support.fake_openai import start_fake_server

    with tempfile.TemporaryDirectory() as tmp, start_fake_server(api_key="sk-bench") as server:
        library = generate_library(args.tracks, Path(tmp) / "library.xml")
        env = {**os.environ, "TAGGENIUS_HOME": str(Path(tmp) / "home"), "OPENAI_API_KEY": "sk-bench"}
        rows = []
        for run in ("first", "second"):
            before = server.request_count
            started = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "taggenius_desktop", "tag", str(library), "-o", str(Path(tmp) / f"{run}.xml"),
                 "--provider", "openai", "--base-url", server.base_url, "--json"],
                capture_output=True, text=True, env=env, cwd=HERE.parent,
            )
            wall = time.perf_counter() - started
            if proc.returncode != 0:
                print(proc.stderr)
                return 1
            summary = json.loads(proc.stdout)
            rows.append((run, server.request_count - before, summary["cached"], summary["tagged"], wall))
        print(f"{args.tracks:,} tracks, `taggenius tag --provider openai` against the fake server")
        print(f"{'run':<8}{'requests':>10}{'cached':>10}{'tagged':>10}{'wall s':>10}")
        for run, requests, cached, tagged, wall in rows:
            print(f"{run:<8}{requests:>10,}{cached:>10,}{tagged:>10,}{wall:>10.2f}")
        same = (Path(tmp) / "first.xml").read_bytes() == (Path(tmp) / "second.xml").read_bytes()
        print(f"second run: {rows[1][1]} requests (target 0), {rows[1][4]:.2f} s (target < 5 s); "
              f"outputs identical: {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
