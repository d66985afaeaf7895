"""``taggenius --self-test``: prove that a build works, end to end, without a window.

Run against the frozen app on every CI build (and by users asked for diagnostics), it
checks what unit tests cannot: that PyInstaller collected everything the real code paths
import. In a throwaway data folder (``TAGGENIUS_HOME``), it

1. finds the bundled resources and parses the sample library;
2. runs a tag job through the real worker pool (two spawned processes) with the offline
   tagger, and reads the output back;
3. runs a job with the OpenAI provider against an in-process loopback responder on
   127.0.0.1 (real ``openai`` client and HTTP stack; the API key travels to the worker);
4. encodes, decodes and analyses an MP3 and a FLAC in an analysis process (audio energy);
5. reports the keyring backend the build found (a frozen macOS/Windows build that found
   none has lost its backends);
6. loads Qt's libraries and checks the platform and SVG plugins are present (no window);
7. checks no worker process is left running.

It prints one PASS/FAIL/INFO line per check and returns non-zero when any check failed.
Windowed Windows builds have no stdout: the report also goes to the file named by
``TAGGENIUS_SELFTEST_REPORT``, or to ``taggenius-selftest.txt`` in the temp folder.
On failure the temporary data folder (database, logs, outputs) is kept for diagnosis.
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from . import APP_NAME, __version__

if TYPE_CHECKING:  # only for annotations: the checks import what they test lazily
    from .jobs.specs import JobSpec
    from .store.jobs_log import JobRecord

REPORT_ENV = "TAGGENIUS_SELFTEST_REPORT"
SAMPLE_LIBRARY = "sample_library.xml"
WORKERS = 2
JOB_TIMEOUT_S = 120.0
FAKE_API_KEY = "sk-selftest"
FAKE_MODEL = "gpt-4o-mini"

PASS, FAIL, INFO = "PASS", "FAIL", "INFO"


class CheckFailed(Exception):
    """A check's expectation was not met; the message says what was seen."""


@dataclass
class Outcome:
    name: str
    status: str
    detail: str
    seconds: float = 0.0


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.outcomes) and all(o.status != FAIL for o in self.outcomes)

    def run(self, name: str, check: Callable[[], tuple[str, str] | str]) -> bool:
        """Run one check; an exception is a FAIL with its message, never an abort."""
        started = time.perf_counter()
        try:
            result = check()
            status, detail = result if isinstance(result, tuple) else (PASS, result)
        except CheckFailed as exc:
            status, detail = FAIL, str(exc)
        except Exception as exc:  # noqa: BLE001 - a self-test reports every failure
            status, detail = FAIL, f"{type(exc).__name__}: {exc}"
            tb = traceback.format_exc().strip().splitlines()
            detail += "\n        " + "\n        ".join(tb[-6:])
        self.outcomes.append(Outcome(name, status, detail, time.perf_counter() - started))
        return status != FAIL

    def lines(self, header: str) -> Iterator[str]:
        yield header
        for o in self.outcomes:
            yield f"{o.status:<5} {o.name:<16} {o.detail} ({o.seconds:.2f} s)"
        failed = sum(o.status == FAIL for o in self.outcomes)
        verdict = PASS if self.passed else FAIL
        yield f"RESULT: {verdict} ({len(self.outcomes)} checks, {failed} failed)"


# --------------------------------------------------------------------------- checks
def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def _track_rows(path: Path) -> list[dict[str, str]]:
    """TRACK attributes of the collection, in order, read with the app's own reader."""
    from .library import read_library

    library = read_library(path)
    return [dict(track.attrs) for track in library.tracks]


def check_resources() -> str:
    from .paths import resource_path, resources_dir

    root = resources_dir()
    _expect(root.is_dir(), f"no resources folder at {root}")
    missing = [name for name in (SAMPLE_LIBRARY, "icons") if not resource_path(name).exists()]
    _expect(not missing, f"missing from {root}: {', '.join(missing)}")
    return f"{root}"


def check_sample_library(sample: Path) -> str:
    rows = _track_rows(sample)
    _expect(len(rows) > 0, f"{sample.name}: no tracks read")
    ids = [row.get("TrackID", "") for row in rows]
    _expect(len(set(ids)) == len(ids), f"{sample.name}: duplicate TrackIDs")
    return f"{len(rows)} tracks read from {sample.name}"


def _run_tag_job(spec: JobSpec) -> JobRecord:
    """Submit one job to a fresh pool of real worker processes and wait for its end."""
    from .jobs import JobManager

    with JobManager(workers=WORKERS) as manager:
        job_id = manager.submit(spec)
        record = manager.wait(job_id, timeout=JOB_TIMEOUT_S)
    return record


def _check_output(record: JobRecord, source: Path, output: Path) -> str:
    """The job completed and its output round-trips: same tracks, tags written."""
    from .store.jobs_log import Status
    from .writeback.block import parse_block
    from .writeback.options import COLOUR_RED, WriteOptions

    _expect(record.status == Status.COMPLETED, f"job ended {record.status}: {record.error or 'no error recorded'}")
    _expect(output.is_file(), f"no output at {output}")
    _expect(
        record.output_file_path is None or Path(record.output_file_path).resolve() == output.resolve(),
        f"job recorded output {record.output_file_path}, expected {output}",
    )
    before = _track_rows(source)
    after = _track_rows(output)
    _expect(len(after) == len(before), f"output has {len(after)} tracks, input {len(before)}")
    _expect(
        [row.get("TrackID") for row in after] == [row.get("TrackID") for row in before],
        "output TrackIDs differ from the input's",
    )
    done, total = record.tracks_done, record.tracks_total
    _expect(total > 0 and done == total, f"progress says {done}/{total} tracks")
    _expect(not record.failed, f"{record.failed} tracks failed")

    # With default options a Red track is the DJ's own "review" mark: left alone.
    protect_red = WriteOptions().protect_red
    protected = {i for i, row in enumerate(before) if protect_red and row.get("Colour") == COLOUR_RED}
    eligible = [i for i in range(len(before)) if i not in protected]
    tagged = [i for i in eligible if parse_block(after[i].get("Comments")) is not None]
    _expect(
        bool(tagged) and len(tagged) >= len(eligible) - record.skipped,
        f"only {len(tagged)} of {len(eligible)} tracks carry a Tag Genius block ({record.skipped} skipped)",
    )
    genreless = [after[i].get("TrackID", "?") for i in tagged if not after[i].get("Genre", "").strip()]
    _expect(not genreless, f"tagged tracks without a genre: {', '.join(genreless)}")
    changed_protected = [before[i].get("TrackID", "?") for i in protected if after[i] != before[i]]
    _expect(not changed_protected, f"Red (protected) tracks were changed: {', '.join(changed_protected)}")
    rewritten = sum(after[i].get("Genre") != before[i].get("Genre") for i in eligible)
    return (
        f"{done}/{total} tracks, {len(tagged)} of {len(eligible)} unprotected tracks tagged, "
        f"{rewritten} genres rewritten"
    )


def check_offline_job(sample: Path, out_dir: Path) -> str:
    from .jobs import build_tag_job
    from .tagging.choice import Provider

    output = out_dir / "sample_offline.xml"
    spec = build_tag_job(sample, output_path=output, level="recommended", provider=Provider.OFFLINE.value)
    record = _run_tag_job(spec)
    return f"{WORKERS} workers: " + _check_output(record, sample, output)


def check_openai_job(sample: Path, out_dir: Path) -> str:
    from .jobs import build_tag_job
    from .selftest_server import LoopbackResponder
    from .tagging.choice import Provider

    output = out_dir / "sample_openai.xml"
    with LoopbackResponder(api_key=FAKE_API_KEY, models=(FAKE_MODEL,)) as server:
        spec = build_tag_job(
            sample,
            output_path=output,
            level="recommended",
            provider=Provider.OPENAI.value,
            model=FAKE_MODEL,
            base_url=server.base_url,
            api_key=FAKE_API_KEY,
            use_cache=False,  # the offline run must not answer for the provider
        )
        record = _run_tag_job(spec)
        base_url = server.base_url
        requests = server.request_count
        statuses = dict(server.status_counts)
    detail = _check_output(record, sample, output)
    _expect(requests > 0, "the job completed without a request to the loopback responder")
    _expect(statuses.get(401, 0) == 0, "the loopback responder refused the API key (it did not reach the worker)")
    return f"{requests} requests to {base_url}: {detail}"


def check_keyring() -> tuple[str, str]:
    from importlib.metadata import entry_points

    import keyring
    from keyring.backends import fail

    # keyring discovers its backends through entry points: without the copied package
    # metadata a frozen build silently falls back to "no keyring" on every OS.
    registered = sorted(ep.name for ep in entry_points(group="keyring.backends"))
    _expect(bool(registered), "no keyring backends registered (keyring's package metadata is missing)")
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__qualname__}"
    priority = getattr(backend, "priority", "?")
    frozen = getattr(sys, "frozen", False)
    if isinstance(backend, fail.Keyring):
        if frozen and sys.platform in ("darwin", "win32"):
            # macOS and Windows always have a system keyring: finding none means the
            # build lost keyring's backends or their entry-point metadata.
            return FAIL, f"{name}: no usable backend in a frozen {sys.platform} build"
        return INFO, f"{name}: no system keyring here, keys are kept for the session only ({len(registered)} backends registered)"
    return PASS, f"{name} (priority {priority}; {len(registered)} backends registered)"


def check_qt() -> str:
    """Qt loads and the plugins a window needs are in place; no window is opened."""
    import PySide6
    from PySide6.QtCore import QCoreApplication, QLibraryInfo
    from PySide6.QtGui import QImageReader

    # Every folder Qt would search for plugins (its own, QT_PLUGIN_PATH, the app's).
    folders = [QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath), *QCoreApplication.libraryPaths()]
    folders += [p for p in os.environ.get("QT_PLUGIN_PATH", "").split(os.pathsep) if p]
    wanted = {"darwin": "qcocoa", "win32": "qwindows"}.get(sys.platform, "qxcb")
    platforms = sorted({p.name for folder in folders for p in (Path(folder) / "platforms").glob("*")})
    _expect(
        any(wanted in name for name in platforms),
        f"platform plugin {wanted} not found under {', '.join(dict.fromkeys(folders))} "
        f"(have: {', '.join(platforms) or 'none'})",
    )
    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    _expect("svg" in formats and "png" in formats, f"image formats svg/png missing (have: {sorted(formats)})")
    import PySide6.QtWidgets  # noqa: F401 - the GUI's main module must load

    return f"PySide6 {PySide6.__version__}, platform plugin {wanted}, svg icons"


def _posix_children() -> list[str]:
    """Live children of this process, as "pid command" (POSIX; ps exists on Linux and macOS)."""
    try:
        out = subprocess.run(
            ["ps", "-A", "-o", "pid=,ppid=,stat=,command="], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    me = os.getpid()
    children = []
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) >= 3 and parts[1] == str(me) and parts[0] != str(me):
            command = parts[3] if len(parts) > 3 else ""
            if parts[2].startswith("Z") or command.startswith("ps "):
                continue  # ps itself; a zombie is already dead (reaped below)
            # multiprocessing's resource tracker lives as long as this process and
            # exits with it; it is not a worker.
            if "resource_tracker" in command:
                continue
            children.append(f"{parts[0]} {command[:80]}")
    return children


def check_no_orphans(grace_s: float = 5.0) -> str:
    deadline = time.monotonic() + grace_s
    while True:
        alive = [f"{p.pid} {p.name}" for p in multiprocessing.active_children()]  # also reaps
        if os.name == "posix":
            alive += [c for c in _posix_children() if c.split()[0] not in {a.split()[0] for a in alive}]
        if not alive:
            return "no worker process left running"
        if time.monotonic() > deadline:
            raise CheckFailed(f"still running after {grace_s:.0f} s: {'; '.join(alive)}")
        time.sleep(0.1)


# --------------------------------------------------------------------------- driver
def _emit(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    stream = sys.stdout
    if stream is not None:
        try:
            stream.write(text)
            stream.flush()
        except (OSError, ValueError):
            stream = None
    target = os.environ.get(REPORT_ENV)
    if not target and stream is None:
        target = str(Path(tempfile.gettempdir()) / "taggenius-selftest.txt")
    if target:
        try:
            Path(target).write_text(text, encoding="utf-8")
        except OSError:
            pass


def main() -> int:
    """Run every check; 0 when all passed, 1 otherwise."""
    home = Path(tempfile.mkdtemp(prefix="taggenius-selftest-"))
    saved_env = {name: os.environ.get(name) for name in ("TAGGENIUS_HOME", "NO_PROXY", "no_proxy")}
    # Before anything opens the database: everything this run writes lands in ``home``
    # (workers inherit the environment when spawned).
    os.environ["TAGGENIUS_HOME"] = str(home)
    # A system proxy must not intercept requests to the loopback responder.
    for name in ("NO_PROXY", "no_proxy"):
        hosts = [h for h in (os.environ.get(name) or "").split(",") if h]
        os.environ[name] = ",".join(hosts + ["127.0.0.1", "localhost"])

    frozen = "frozen" if getattr(sys, "frozen", False) else "from source"
    header = (
        f"{APP_NAME} {__version__} self-test ({frozen}; {platform.system()} {platform.machine()}; "
        f"Python {platform.python_version()}; data in {home})"
    )
    report = Report()
    try:
        from .paths import resource_path

        inputs = home / "input"
        outputs = home / "output"
        inputs.mkdir()
        outputs.mkdir()
        sample = inputs / SAMPLE_LIBRARY

        def copy_sample() -> str:
            # Work on a copy: the bundle may be read-only (and is signed on macOS).
            shutil.copyfile(resource_path(SAMPLE_LIBRARY), sample)
            return check_sample_library(sample)

        report.run("resources", check_resources)
        if report.run("sample library", copy_sample):
            report.run("offline job", lambda: check_offline_job(sample, outputs))
            report.run("openai job", lambda: check_openai_job(sample, outputs))
        from .audio.selfcheck import check_audio

        report.run("audio", check_audio)
        report.run("keyring", check_keyring)
        report.run("qt", check_qt)
        report.run("processes", check_no_orphans)
    finally:
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        lines = list(report.lines(header))
        if report.passed:
            shutil.rmtree(home, ignore_errors=True)
        else:
            lines.append(f"Kept the data folder for diagnosis: {home}")
        _emit(lines)
    return 0 if report.passed else 1


if __name__ == "__main__":  # python -m taggenius_desktop.selftest
    multiprocessing.freeze_support()
    sys.exit(main())
