"""One owner for the job log: only ``store/jobs_log.py`` (and the schema in ``store/db.py``)
names ``processing_log`` in code; everything else calls jobs_log's functions."""

from __future__ import annotations

import ast

from taggenius_desktop.store import connect, jobs_log
from taggenius_desktop.store.jobs_log import Status
from tests.conftest import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "taggenius_desktop"
OWNERS = {PACKAGE / "store" / "jobs_log.py", PACKAGE / "store" / "db.py"}


def _code_strings(tree: ast.AST) -> list[str]:
    """String constants that are not docstrings."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_only_the_job_log_module_names_its_table():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in OWNERS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any("processing_log" in text for text in _code_strings(tree)):
            offenders.append(str(path.relative_to(PROJECT_ROOT)))
    assert offenders == []


def _job(conn, **values) -> int:
    return jobs_log.insert_job(conn, {"job_display_name": "t", "original_filename": "a.xml",
                                      "input_file_path": "/a.xml", "job_type": "tag", "spec": '{"x": 1}',
                                      **values})


def test_the_functions_the_other_modules_now_call():
    conn = connect()
    running = _job(conn, status=Status.IN_PROGRESS)
    done = _job(conn, status=Status.COMPLETED, output_sha256="abc")
    assert jobs_log.cancel_requested(conn, running) is False
    jobs_log.request_cancel(conn, running)
    assert jobs_log.cancel_requested(conn, running) is True
    assert jobs_log.cancel_requested(conn, 999) is False

    jobs_log.heartbeat(conn, running, now=1234.5)
    assert jobs_log.get_job(conn, running).heartbeat_at == 1234.5

    assert jobs_log.job_for_output_hash(conn, "abc") == done
    assert jobs_log.job_for_output_hash(conn, "nope") is None

    # The bridge's reads: without the (large) spec, the whole list or what changed.
    summaries = jobs_log.list_jobs(conn, limit=10, with_spec=False)
    assert [r.id for r in summaries] == [done, running] and {r.spec for r in summaries} == {""}
    new = _job(conn)
    changed = jobs_log.changed_since(conn, max_id=done, watched=[running])
    assert sorted(r.id for r in changed) == sorted([running, new])
    # Active rows are always read; a finished one only while it is watched.
    assert sorted(r.id for r in jobs_log.changed_since(conn, max_id=new, watched=[])) == sorted([running, new])
    assert sorted(r.id for r in jobs_log.changed_since(conn, max_id=new, watched=[done])) == [running, done, new]

    assert jobs_log.finish_abandoned(conn, running, Status.INTERRUPTED, "gone", now=99.0) is True
    record = jobs_log.get_job(conn, running)
    assert (record.status, record.error, record.finished_at) == (Status.INTERRUPTED, "gone", 99.0)
    assert jobs_log.finish_abandoned(conn, done, Status.INTERRUPTED, "gone") is False, "a finished job keeps its end"
    assert jobs_log.get_job(conn, done).status == Status.COMPLETED
