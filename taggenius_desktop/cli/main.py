"""``taggenius``: tag, restore, split and follow jobs from the command line.

Exit codes: 0 done, 1 the job failed, 2 bad input or usage (one line naming the file
and the problem; nothing written), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Sequence

from .. import __version__

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
COMMANDS = ("tag", "restore", "jobs", "cancel", "resume", "split")


class UsageError(Exception):
    """Bad input or usage: printed as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other bad input
        raise UsageError(f"{self.prog}: {message}")


def wants_gui(args: Sequence[str]) -> bool:
    """No arguments, ``--gui``, or just a library path: open the window."""
    if not args or args[0] == "--gui":
        return True
    return len(args) == 1 and not args[0].startswith("-") and args[0] not in COMMANDS


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="taggenius",
        description="Tag a Rekordbox XML library with genre, energy, vibe, situation, components and era. "
        "Run without arguments (or with a library path) to open the app.",
    )
    parser.add_argument("--version", action="version", version=f"taggenius {__version__}")
    parser.add_argument("--self-test", action="store_true", help="check this installation end to end and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    tag = sub.add_parser("tag", help="tag a library (output next to it as NAME_tagged.xml)")
    tag.add_argument("library", metavar="LIBRARY.xml")
    tag.add_argument("-o", "--output", metavar="OUT.xml", help="where to write the tagged library")
    tag.add_argument("--level", choices=("essential", "recommended", "detailed"), default="recommended",
                     help="how many values per category are written: 1, 2 or 3 (default recommended)")
    tag.add_argument("--provider", choices=("offline", "openai", "openai-compatible"),
                     help="offline (no key, no network), openai, or openai-compatible (Ollama, LM Studio, ...); "
                     "default: openai when an API key is set, else offline")
    tag.add_argument("--model", help="model name (default gpt-4o-mini; a local server needs one of its own, e.g. llama3.1:8b)")
    tag.add_argument("--base-url", metavar="URL", help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1")
    tag.add_argument("--batch-size", type=int, metavar="N", help="tracks per request (default 20 cloud, 5 local)")
    tag.add_argument("--concurrency", type=int, metavar="N", help="requests in flight at once")
    tag.add_argument("--no-cache", action="store_true", help="ask again even for tracks tagged before")
    tag.add_argument("--estimate", action="store_true", help="print requests, tokens, cost and time; tag nothing")
    tag.add_argument("--playlist", action="append", default=[], metavar="PATH",
                     help="only tracks in this playlist (Folder/Sub/Name); repeatable")
    tag.add_argument("--audio", choices=("auto", "on", "off"), default="auto",
                     help="measure energy from the audio files (auto: when the library's files are here)")
    tag.add_argument("--music-root", action="append", default=[], metavar="OLD=NEW",
                     help="the music folder the XML names, and where it is on this computer (repeatable)")
    tag.add_argument("--json", action="store_true", help="print one JSON summary on stdout")

    restore = sub.add_parser("restore", help="give back the values a tagged library had before tagging")
    restore.add_argument("library", metavar="TAGGED.xml")
    restore.add_argument("-o", "--output", metavar="OUT.xml", help="default: NAME_restored.xml next to it")
    restore.add_argument("--json", action="store_true", help="print one JSON summary on stdout")

    jobs = sub.add_parser("jobs", help="list jobs with their progress")
    jobs.add_argument("--json", action="store_true", help="a JSON array of job objects")
    jobs.add_argument("--limit", type=int, default=50, help="newest N jobs (default 50)")

    cancel = sub.add_parser("cancel", help="cancel a queued or running job (from any terminal)")
    cancel.add_argument("job_id", type=int, metavar="ID")

    resume = sub.add_parser("resume", help="continue an interrupted, failed or cancelled job")
    resume.add_argument("job_id", type=int, metavar="ID")
    resume.add_argument("--json", action="store_true", help="print one JSON summary on stdout")

    split = sub.add_parser("split", help="add a 'Tag Genius' playlist folder by genre, energy and situation")
    split.add_argument("library", metavar="LIBRARY.xml")
    target = split.add_mutually_exclusive_group()
    target.add_argument("-o", "--output", metavar="OUT.xml", help="default: NAME_split.xml next to it")
    target.add_argument("--out-dir", metavar="DIR", help="instead: one library file per genre in DIR")
    split.add_argument("--json", action="store_true", help="print one JSON summary on stdout")
    return parser


def _check_input(path: str) -> Path:
    source = Path(path).expanduser()
    if not source.exists():
        raise UsageError(f"{path}: no such file")
    if source.is_dir():
        raise UsageError(f"{path}: is a folder, not a rekordbox XML file")
    if not os.access(source, os.R_OK):
        raise UsageError(f"{path}: cannot be read (permission denied)")
    return source


def _check_output(path: str | None) -> None:
    if path is None:
        return
    target = Path(path).expanduser()
    if not target.parent.exists() and str(target.parent) not in ("", "."):
        raise UsageError(f"{path}: the folder {target.parent} does not exist")
    if target.is_dir():
        raise UsageError(f"{path}: is a folder; give a file name")


def _resolve_provider(args: argparse.Namespace) -> tuple[str, str | None]:
    """Provider and key: an explicit --provider wins; otherwise OpenAI only with a key."""
    from ..credentials import get_api_key

    key = get_api_key()
    provider = args.provider or ("openai-compatible" if args.base_url else ("openai" if key else "offline"))
    if provider == "openai" and not key and not args.base_url:
        raise UsageError(
            "no OpenAI API key: set OPENAI_API_KEY or save one in the app's Settings, or use --provider offline"
        )
    return provider, key


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
        record = manager.wait(job_id, timeout=10)
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
        "output": record.output_file_path,
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
        **({"audio": result["audio"]} if "audio" in result else {}),
    }


def _run_and_report(
    args: argparse.Namespace, spec: Any = None, resume_id: int | None = None, api_key: str | None = None
) -> int:
    """Run a new job (``spec``) or resume one (``resume_id``) through the job manager."""
    from ..jobs import JobManager

    with JobManager(workers=1) as manager:
        job_id = manager.resume(resume_id, api_key=api_key) if resume_id else manager.submit(spec)
        try:
            record = _follow(manager, job_id, quiet=False)
        except _Interrupted as stop:
            print(f"taggenius: job {job_id} cancelled; finished tracks are kept (taggenius resume {job_id})",
                  file=sys.stderr)
            if args.json:
                print(json.dumps(_summary(stop.record)))
            return EXIT_INTERRUPTED
    if args.json:
        print(json.dumps(_summary(record), ensure_ascii=False))
    if record.status == "Completed":
        if not args.json:
            print(f"{record.job_display_name}: done -> {record.output_file_path}", file=sys.stderr)
            _print_audio_counts(record)
        return EXIT_OK
    result = json.loads(record.result_data) if record.result_data else {}
    print(f"taggenius: {record.error or record.status}", file=sys.stderr)
    if result.get("error_kind") == "bad_input":
        return EXIT_BAD_INPUT
    return EXIT_INTERRUPTED if record.status in ("Cancelled", "Interrupted") else EXIT_FAILED


def _cmd_tag(args: argparse.Namespace) -> int:
    from ..jobs import SpecError, build_tag_job

    source = _check_input(args.library)
    _check_output(args.output)
    for name in ("batch_size", "concurrency"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise UsageError(f"--{name.replace('_', '-')} must be at least 1")
    provider, key = _resolve_provider(args)
    from ..audio.locate import Remap, RemapError

    try:
        remaps = [Remap.parse(text) for text in args.music_root]
    except RemapError as error:
        raise UsageError(str(error)) from None
    try:
        spec = build_tag_job(
            source, args.output, level=args.level, provider=provider, model=args.model or "",
            base_url=args.base_url, api_key=key, batch_size=args.batch_size,
            concurrency=args.concurrency, use_cache=not args.no_cache, playlists=args.playlist,
            audio=args.audio, music_roots=[(r.old, r.new) for r in remaps],
        )
    except SpecError as error:
        raise UsageError(str(error)) from None
    if args.estimate:
        return _print_estimate(spec, args)
    if args.audio != "off" and not args.json:
        _print_audio_found(source, remaps)
    return _run_and_report(args, spec)


def _print_audio_counts(record: Any) -> None:
    audio = (json.loads(record.result_data) if record.result_data else {}).get("audio") or {}
    if audio.get("enabled"):
        names = ("analysed", "cached", "missing", "unsupported", "failed")
        print("audio: " + ", ".join(f"{audio.get(n, 0):,} {n}" for n in names)
              + f"; {audio.get('flagged', 0):,} to review (audio and metadata disagree)", file=sys.stderr)


def _print_audio_found(source: Path, remaps: Sequence[Any]) -> None:
    """Before the job: how many of the library's files are here (and where the rest were)."""
    from ..audio.locate import count_found
    from ..library import LibraryError, read_library

    try:
        library = read_library(source)
    except LibraryError:
        return  # the job reports the bad file
    found = count_found((t.attrs.get("Location", "") for t in library.tracks), remaps)
    line = f"audio: {found.found:,} of {found.total:,} files found"
    if found.missing and found.missing_folders:
        line += f"; missing ones were in {found.missing_folders[0][0]} (point --music-root OLD=NEW at their folder)"
    print(line, file=sys.stderr)


def _print_estimate(spec: Any, args: argparse.Namespace) -> int:
    from ..jobs.estimate import estimate_job

    try:
        estimate = estimate_job(spec)
    except Exception as error:  # a bad library is bad input
        raise UsageError(str(error)) from None
    if args.json:
        print(json.dumps(estimate, ensure_ascii=False))
        return EXIT_OK
    from .progress import format_duration

    model = f" ({estimate['model']})" if estimate.get("model") else ""
    print(f"Tagger:          {estimate['provider']}{model}")
    print(f"Tracks:          {estimate['tracks']:,} ({estimate['tracks_cached']:,} already cached, "
          f"{estimate['tracks_to_send']:,} to send)")
    print(f"Requests:        {estimate['requests']:,}")
    print(f"Tokens:          {estimate['input_tokens']:,} in / {estimate['output_tokens']:,} out")
    free = {"offline": " (offline: free)", "openai-compatible": " (local server: free)"}.get(estimate["provider"], "")
    print(f"Cost:            ${estimate['cost_usd']:.2f}{free}")
    print(f"Time:            about {format_duration(estimate['seconds'])}")
    return EXIT_OK


def _cmd_restore(args: argparse.Namespace) -> int:
    from ..jobs import SpecError, build_restore_job

    source = _check_input(args.library)
    _check_output(args.output)
    try:
        spec = build_restore_job(source, args.output)
    except SpecError as error:
        raise UsageError(str(error)) from None
    return _run_and_report(args, spec)


def _cmd_split(args: argparse.Namespace) -> int:
    from ..jobs import SpecError, build_split_job

    source = _check_input(args.library)
    _check_output(args.output)
    if args.out_dir and not Path(args.out_dir).is_dir():
        raise UsageError(f"{args.out_dir}: no such folder")
    try:
        spec = build_split_job(source, args.output, args.out_dir)
    except SpecError as error:
        raise UsageError(str(error)) from None
    return _run_and_report(args, spec)


def _cmd_resume(args: argparse.Namespace) -> int:
    from ..jobs import SpecError
    from ..store import connect, jobs_log

    conn = connect()
    jobs_log.mark_interrupted_jobs(conn)
    record = jobs_log.get_job(conn, args.job_id)
    conn.close()
    if record is None:
        raise UsageError(f"there is no job {args.job_id}")
    key = None
    if record.provider in ("openai", "openai-compatible"):
        from ..credentials import get_api_key

        key = get_api_key()
    try:
        return _run_and_report(args, resume_id=args.job_id, api_key=key)
    except SpecError as error:
        raise UsageError(str(error)) from None


def _cmd_jobs(args: argparse.Namespace) -> int:
    from ..store import connect, jobs_log
    from .progress import format_duration

    conn = connect()
    jobs_log.mark_interrupted_jobs(conn)
    records = jobs_log.list_jobs(conn, limit=args.limit)
    conn.close()
    if args.json:
        print(json.dumps([r.to_json_dict() for r in records], ensure_ascii=False))
        return EXIT_OK
    if not records:
        print("No jobs yet.")
        return EXIT_OK
    print(f"{'ID':>5}  {'STATUS':<12} {'TYPE':<8} {'PROGRESS':>17}  {'ETA':>7}  NAME")
    for r in records:
        progress = f"{r.tracks_done:,}/{r.tracks_total:,}"
        eta = format_duration(r.eta_seconds()) if r.status == "In Progress" else ""
        line = f"{r.id:>5}  {r.status:<12} {r.job_type:<8} {progress:>17}  {eta:>7}  {r.job_display_name}"
        if r.error:
            line += f"  ({r.error})"
        print(line)
    return EXIT_OK


def _cmd_cancel(args: argparse.Namespace) -> int:
    from ..store import connect, jobs_log

    conn = connect()
    jobs_log.mark_interrupted_jobs(conn)
    record = jobs_log.get_job(conn, args.job_id)
    if record is None:
        conn.close()
        raise UsageError(f"there is no job {args.job_id}")
    requested = jobs_log.request_cancel(conn, args.job_id)
    conn.close()
    if not requested:
        raise UsageError(f"job {args.job_id} is already {record.status}")
    print(f"Cancel requested for job {args.job_id}; it stops within a few seconds.", file=sys.stderr)
    return EXIT_OK


_HANDLERS = {
    "tag": _cmd_tag,
    "restore": _cmd_restore,
    "jobs": _cmd_jobs,
    "cancel": _cmd_cancel,
    "resume": _cmd_resume,
    "split": _cmd_split,
}


def run_cli(argv: Sequence[str]) -> int:
    from ..audio.child import CHILD_FLAG

    if list(argv[:1]) == [CHILD_FLAG]:  # an analysis process of the frozen app
        from ..audio.child import main as analysis_child

        return analysis_child()
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv))
        if args.self_test:
            from ..selftest import main as self_test

            return self_test()
        if not args.command:
            parser.print_help(sys.stderr)
            return EXIT_BAD_INPUT
        from ..logs import setup_logging

        setup_logging("cli")
        return _HANDLERS[args.command](args)
    except UsageError as error:
        print(f"taggenius: {error}".replace("taggenius: taggenius", "taggenius"), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
