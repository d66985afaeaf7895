"""How a job ends, in words and exit codes a DJ can trust.

A job that tagged nothing writes no output and fails (exit 1) with the most common
reason; a partly failed one writes what succeeded, exits 0 and says how many failed and
why. The LLM cases run against a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import json

from taggenius_desktop.cli.main import run_cli
from taggenius_desktop.library import read_library
from tests.support.libraries import track_xml, write_library

MODEL = "gpt-4o-mini"


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = run_cli(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_job_where_every_track_failed_writes_nothing_and_exits_1(tmp_path, capsys, fake_openai):
    library = write_library(tmp_path / "lib.xml", n=8)
    output = tmp_path / "lib_tagged.xml"
    server = fake_openai(drop_id_fraction=1.0)  # answers, but never for our tracks
    code, out, err = _run(capsys, "tag", str(library), "--base-url", server.base_url, "--model", MODEL,
                          "--json")
    assert code == 1, err
    summary = json.loads(out)
    assert summary["status"] == "Failed"
    assert summary["output"] is None, "no output was written, so none may be named"
    assert not output.exists(), "an untagged copy must never look like a tagged library"
    assert "8" in summary["error"] and "failed" in summary["error"].lower()
    assert "done" not in err
    code, out, _ = _run(capsys, "jobs", "--json")
    assert json.loads(out)[0]["status"] == "Failed"


def test_a_partly_failed_job_writes_what_succeeded_and_says_why(tmp_path, capsys, fake_openai):
    tracks = [track_xml(i, name=("Broken " if i <= 2 else "Fine ") + str(i)) for i in range(1, 11)]
    library = write_library(tmp_path / "lib.xml", tracks=tracks)
    server = fake_openai(title_faults={"Broken": "drop"})
    code, out, err = _run(capsys, "tag", str(library), "--base-url", server.base_url, "--model", MODEL,
                          "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["status"] == "Completed"
    assert summary["failed"] == 2 and summary["tagged"] == 8
    reasons = summary["failure_reasons"]
    assert reasons and reasons[0]["tracks"] == 2 and reasons[0]["reason"]
    warning = [line for line in err.splitlines() if "2 of 10 tracks failed" in line]
    assert len(warning) == 1, err
    assert reasons[0]["reason"].rstrip(".") in warning[0]
    tagged = {t.attrs["Name"]: t.attrs.get("Comments", "") for t in read_library(summary["output"]).tracks}
    assert "/* E: " not in tagged["Broken 1"] and "/* E: " in tagged["Fine 3"]
