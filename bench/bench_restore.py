"""Issue 9 benchmark: restore of an edited tagged file, after the same input was tagged
three times (three levels, three jobs with the same tracks).

Prints, in one run, the wall time of
  baseline  restore of the untouched first output (its hash names its job), and
  ours      restore of the same output after the DJ edited one Rating (the hash names
            nothing: the file is matched to the job that wrote it by its tracks' values).

    python bench/bench_restore.py [--tracks 50000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tracks", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        os.environ["TAGGENIUS_HOME"] = str(work / "home")
        from taggenius_desktop.jobs.progress import Reporter
        from taggenius_desktop.jobs.restore import run_restore_job
        from taggenius_desktop.jobs.specs import build_restore_job, build_tag_job
        from taggenius_desktop.jobs.tagging import run_tag_job, sha256_of
        from taggenius_desktop.library import read_library, write_library
        from taggenius_desktop.store import connect, jobs_log

        source = work / "library.xml"
        subprocess.run([sys.executable, str(HERE / "generate_library.py"), str(args.tracks), str(source)], check=True,
                       env={**os.environ, "PYTHONPATH": str(HERE.parent)})
        conn = connect()
        outputs = []
        for level in ("essential", "recommended", "detailed"):
            out = work / f"tagged-{level}.xml"
            job_id = jobs_log.insert_job(conn, {"job_display_name": level, "original_filename": source.name,
                                                "input_file_path": str(source), "job_type": "tag", "spec": "{}",
                                                "status": "In Progress"})
            run_tag_job(build_tag_job(source, out, level=level), Reporter(), conn, job_id)
            jobs_log.update_job(conn, job_id, output_sha256=sha256_of(out), status="Completed")
            outputs.append(out)
        first = outputs[0]
        edited = work / "tagged-essential-edited.xml"
        library = read_library(first)
        library.set_track_attributes(library.tracks[0].track_id, {"Rating": "255"})
        write_library(library, edited)

        def timed(path: Path, name: str) -> tuple[float, dict[str, object]]:
            start = time.perf_counter()
            result = run_restore_job(build_restore_job(path, work / name), Reporter(), conn)
            return time.perf_counter() - start, result

        base, base_result = timed(first, "restored-by-hash.xml")
        ours, ours_result = timed(edited, "restored-edited.xml")
        print(f"tracks: {args.tracks:,}, jobs on record: 3")
        print(f"baseline  restore by file hash        {base:6.2f} s  ({base_result['matched_by']})")
        print(f"ours      restore of the edited file  {ours:6.2f} s  ({ours_result['matched_by']}, "
              f"{ours / base:.2f}x)")


if __name__ == "__main__":
    main()
