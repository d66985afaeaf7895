"""Following a job from the command line and saying how it ended: progress on stderr,
one ``--json`` summary on stdout, and the exit code.

Exit codes: 0 done (some tracks may have failed: said on stderr), 1 the job did not
finish, 2 bad input found by the job, 130 Ctrl-C only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


def _follow(manager: Any, job_id: int, quiet: bool) -> Any:
    """Print progress until the job ends; Ctrl-C cancels it and keeps finished work."""
    from .progress import ProgressPrinter

    printer = ProgressPrinter(quiet=quiet)
    try:
        while True:
            record = manager.get(job_id)
            if record.status in ("Completed", "Failed", "Cancelled", "Interrupted"):
                printer.done()
                return record
            printer.update(record)
            time.sleep(0.1)
    except KeyboardInterrupt:
        printer.done()
        manager.cancel(job_id)
        try:
            # A job whose tracks are all done finishes its write first (finished work is
            # kept); a second Ctrl-C stops waiting.
            record = manager.wait(job_id, timeout=600)
        except TimeoutError:
            record = manager.get(job_id)
        raise _Interrupted(record) from None


class _Interrupted(Exception):
    def __init__(self, record: Any) -> None:
        super().__init__("interrupted")
        self.record = record


def _summary(record: Any) -> dict[str, Any]:
    result = json.loads(record.result_data) if record.result_data else {}
    seconds = (record.finished_at - record.started_at) if record.finished_at and record.started_at else None
    return {
        "job_id": record.id,
        "status": record.status,
        "job_type": record.job_type,
        # Only a completed job wrote its output: never name a file that was not written.
        "output": record.output_file_path if record.status == "Completed" else None,
        "tracks_total": record.tracks_total,
        "tagged": record.tagged,
        "cached": record.cached,
        "skipped": record.skipped,
        "failed": record.failed,
        "requests": record.requests,
        "input_tokens": record.input_tokens,
        "output_tokens": record.output_tokens,
        "cost_usd": round(record.cost_usd, 6),
        "seconds": round(seconds, 3) if seconds is not None else None,
        "error": record.error,
        **({"outputs": result["outputs"]} if "outputs" in result else {}),
        **({key: result[key] for key in ("failure_reasons", "warnings") if key in result}),
        **({"summary": result["summary"]} if "summary" in result else {}),
        **({"audio": result["audio"]} if "audio" in result else {}),
        **({"report": result["report_file_path"]} if "report_file_path" in result else {}),
    }


def run_and_report(
    args: argparse.Namespace, spec: Any = None, resume_id: int | None = None, api_key: str | None = None
) -> int:
    """Run a new job (``spec``) or resume one (``resume_id``) through the job manager."""
    from ..jobs import JobManager

    with JobManager(workers=1) as manager:
        job_id = manager.resume(resume_id, api_key=api_key) if resume_id else manager.submit(spec)
        try:
            record = _follow(manager, job_id, quiet=False)
        except _Interrupted as stop:
            record = stop.record
            if record is None or record.status != "Completed":  # else: finished work, reported below
                print(f"taggenius: job {job_id} cancelled; finished tracks are kept (taggenius resume {job_id})",
                      file=sys.stderr)
                if args.json and record is not None:
                    print(json.dumps(_summary(record), ensure_ascii=False))
                return EXIT_INTERRUPTED
    if args.json:
        print(json.dumps(_summary(record), ensure_ascii=False))
    result = json.loads(record.result_data) if record.result_data else {}
    if record.status == "Completed":
        _print_warnings(record, result)
        if not args.json:
            print(f"{record.job_display_name}: done -> {record.output_file_path}", file=sys.stderr)
            _print_summary(result)
            _print_audio_counts(result)
        return EXIT_OK
    print(f"taggenius: {record.error or record.status}", file=sys.stderr)
    if result.get("error_kind") == "bad_input":
        return EXIT_BAD_INPUT
    # 130 belongs to Ctrl-C alone (handled above): a worker that died, a cancel from
    # another terminal or the app, and every failure are a job that did not finish.
    return EXIT_FAILED


def _print_warnings(record: Any, result: dict[str, Any]) -> None:
    """What a completed job must still tell the user: failed tracks, unsaved restore data."""
    if record.failed:
        from ..jobs.errors import partly_failed_message

        reasons = result.get("failure_reasons", [])
        print(f"taggenius: {partly_failed_message(record.failed, record.tracks_total, reasons)}", file=sys.stderr)
    for warning in result.get("warnings", []):
        print(f"taggenius: {warning}", file=sys.stderr)


def _print_summary(result: dict[str, Any]) -> None:
    """The library-wide summary (what changed, what was not written and why) and the report."""
    from ..jobs.summary import summary_lines

    if "summary" in result:
        for line in summary_lines(result["summary"]):
            print(f"  {line}", file=sys.stderr)
    if "report_file_path" in result:
        print(f"  report -> {result['report_file_path']}", file=sys.stderr)


def _print_audio_counts(result: dict[str, Any]) -> None:
    audio = result.get("audio") or {}
    if audio.get("enabled"):
        from ..audio.describe import AUDIO_COUNTS

        print("audio: " + ", ".join(f"{audio.get(n, 0):,} {n}" for n in AUDIO_COUNTS)
              + f"; {audio.get('flagged', 0):,} to review (audio and metadata disagree)", file=sys.stderr)
