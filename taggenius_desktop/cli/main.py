"""``taggenius``: tag, restore, split and follow jobs from the command line.

Exit codes (defined in :mod:`.report`): 0 done (some tracks may have failed: said on
stderr), 1 the job did not finish (failed, nothing tagged, output not writable, worker
died, cancelled elsewhere), 2 bad input or usage (one line naming the file and the
problem; nothing written), 130 Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn, Sequence

from .. import __version__
from ..audio import AUDIO_MODES
from ..tagging.choice import PROVIDER_NAMES, Provider
from ..vocabulary.profile import Level

from .report import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, run_and_report

COMMANDS = ("tag", "restore", "jobs", "cancel", "resume", "split")


class UsageError(Exception):
    """Bad input or usage: printed as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, like every other bad input
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
        epilog="Keys: OPENAI_API_KEY (or the key saved in the app) is sent only to --provider openai. "
        "An OpenAI-compatible server gets only TAGGENIUS_SERVER_API_KEY (or the key saved for its address). "
        "Exit codes: 0 done (failed tracks are reported on stderr), 1 the job did not finish, "
        "2 bad input or usage, 130 Ctrl-C.",
    )
    parser.add_argument("--version", action="version", version=f"taggenius {__version__}")
    parser.add_argument("--self-test", action="store_true", help="check this installation end to end and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    tag = sub.add_parser("tag", help="tag a library (output next to it as NAME_tagged.xml)")
    tag.add_argument("library", metavar="LIBRARY.xml")
    tag.add_argument("-o", "--output", metavar="OUT.xml", help="where to write the tagged library")
    tag.add_argument("--level", choices=[level.value for level in Level], default=Level.RECOMMENDED.value,
                     help="how many values per category are written: 1, 2 or 3 (default recommended)")
    tag.add_argument("--provider", choices=PROVIDER_NAMES,
                     help="offline (no key, no network), openai, or openai-compatible (Ollama, LM Studio, ...); "
                     "default: openai-compatible with --base-url, else openai when an OpenAI API key is set, "
                     "else offline. The OpenAI key goes only to openai")
    tag.add_argument("--model", help="model name (default gpt-4o-mini; a local server needs one of its own, e.g. llama3.1:8b)")
    tag.add_argument("--base-url", metavar="URL",
                     help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1; without --provider it runs as "
                     "openai-compatible and never receives the OpenAI key (a key for that server: "
                     "TAGGENIUS_SERVER_API_KEY)")
    tag.add_argument("--batch-size", type=int, metavar="N", help="tracks per request (default 20 cloud, 5 local)")
    tag.add_argument("--concurrency", type=int, metavar="N", help="requests in flight at once")
    tag.add_argument("--no-cache", action="store_true", help="ask again even for tracks tagged before")
    tag.add_argument("--estimate", action="store_true", help="print requests, tokens, cost and time; tag nothing")
    tag.add_argument("--playlist", action="append", default=[], metavar="PATH",
                     help="only tracks in this playlist (Folder/Sub/Name); repeatable")
    tag.add_argument("--audio", choices=AUDIO_MODES, default=AUDIO_MODES[0],
                     help="measure energy from the audio files (auto: when the library's files are here)")
    tag.add_argument("--music-root", action="append", default=[], metavar="OLD=NEW",
                     help="the music folder the XML names, and where it is on this computer (repeatable)")
    tag.add_argument("--json", action="store_true", help="print one JSON summary on stdout")
    tag.add_argument("--report", metavar="FILE.csv", help="also write a per-track report (CSV, UTF-8 with BOM)")
    tag.add_argument("--fill-unknown-genres", action="store_true",
                     help="also write genres, colours and ratings that are only a guess from the tempo "
                     "(default: such tracks are left as they were and listed as unsure)")
    tag.add_argument("--replace-genre-labels", action="store_true",
                     help="replace your own words in Genre (\"Dance Floor Filth\") instead of keeping them after the genres")

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
    # Checked here, before a job is recorded: bad input must not leave a Failed job behind.
    folder = target.parent if str(target.parent) else Path(".")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{path}: {folder} is a file, not a folder")
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{path}: the folder {folder} cannot be written (permission denied)")


def _cmd_tag(args: argparse.Namespace) -> int:
    from ..jobs import SpecError
    from ..jobs.from_settings import MissingApiKey, build_tag_spec, choices_from_args

    source = _check_input(args.library)
    _check_output(args.output)
    _check_output(args.report)
    for name in ("batch_size", "concurrency"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise UsageError(f"--{name.replace('_', '-')} must be at least 1")
    from ..audio.locate import Remap, RemapError

    try:
        remaps = [Remap.parse(text) for text in args.music_root]
    except RemapError as error:
        raise UsageError(str(error)) from None
    try:
        spec = build_tag_spec(choices_from_args(args), source, args.output)
    except MissingApiKey as error:
        raise UsageError(f"{error} Set OPENAI_API_KEY or save one in the app's Settings, or use --provider offline") from None
    except SpecError as error:
        raise UsageError(str(error)) from None
    if args.estimate:
        return _print_estimate(spec, args)
    if args.audio != "off" and not args.json:
        _print_audio_found(source, remaps)
    return run_and_report(args, spec)


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
    provider = Provider.parse(estimate["provider"])
    free = "" if provider.costs_money else " (offline: free)" if not provider.is_llm else " (local server: free)"
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
    return run_and_report(args, spec)


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
    return run_and_report(args, spec)


def _cmd_resume(args: argparse.Namespace) -> int:
    from ..jobs import SpecError
    from ..store import connect, jobs_log

    conn = connect()
    jobs_log.mark_interrupted_jobs(conn)
    record = jobs_log.get_job(conn, args.job_id)
    conn.close()
    if record is None:
        raise UsageError(f"there is no job {args.job_id}")
    from ..credentials import api_key_for
    from ..jobs.specs import JOB_TAG, TagJobSpec, spec_from_json

    try:
        spec = spec_from_json(record.spec) if record.job_type == JOB_TAG else None
    except (ValueError, KeyError, TypeError):
        raise UsageError(f"job {args.job_id} cannot be resumed: its stored settings are not readable") from None
    base_url = spec.provider.base_url if isinstance(spec, TagJobSpec) else None
    key = api_key_for(record.provider or Provider.OFFLINE.value, base_url)  # the same rule as a new job
    try:
        return run_and_report(args, resume_id=args.job_id, api_key=key)
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
        try:
            return _HANDLERS[args.command](args)
        finally:
            _print_store_notices()
    except UsageError as error:
        print(f"taggenius: {error}".replace("taggenius: taggenius", "taggenius"), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _print_store_notices() -> None:
    """What happened to the data folder on the way (a broken database moved aside, a
    temporary folder used): one line each, never a traceback."""
    from ..paths import take_notices

    for notice in take_notices():
        print(f"taggenius: {notice}", file=sys.stderr)
