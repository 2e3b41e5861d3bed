"""Audits on a Dask cluster: the same bytes, problems and exit codes as the local audit.

The cluster (``tests/dask_cluster.py``: two worker processes) and every Dask client run in child
processes, so this test process never holds Dask's threads.
"""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap

import pytest

from cli_process import ROOT, cli, env

needs_dask = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                reason="dask[distributed] is not installed (pip install 'tp-compliance[dask]')")


@pytest.fixture(scope="module")
def scheduler():
    cluster = subprocess.Popen([sys.executable, str(ROOT / "tests" / "dask_cluster.py"), "2"], env=env(),
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        address = cluster.stdout.readline().strip()
        assert address.startswith("tcp://"), f"the test cluster did not start ({address!r})"
        yield address
    finally:
        cluster.stdin.close()
        try:
            cluster.wait(timeout=30)
        except subprocess.TimeoutExpired:
            cluster.kill()
            cluster.wait()


def _archive(tmp_path, clean_session):
    """Every kind of input: records, logs with bad lines, a session over two logs, an unreadable
    file, a file of another suffix, a session dated after the audit date."""
    archive = tmp_path / "archive"
    archive.mkdir()
    for name in ("session-conforme.yaml", "session-avec-manquements.yaml", "session-deux-jours.yaml"):
        (archive / name).write_bytes((ROOT / "examples" / name).read_bytes())
    records = [e.to_record() for e in clean_session.events]
    first = [json.dumps(dict(r, session=f"S{s:03d}"), ensure_ascii=False) for s in range(12) for r in records]
    first += ["not json", '{"session": "S001", "type": "no_such_event"}']
    (archive / "a.jsonl").write_text("\n".join(first) + "\n", encoding="utf-8")
    half = len(records) // 2            # S010 and S011 go on in b.jsonl: merged; S012 is b's own
    second = [json.dumps(dict(r, session=sid), ensure_ascii=False)
              for sid in ("S010", "S011", "S012") for r in (records[half:] if sid != "S012" else records)]
    (archive / "b.jsonl").write_text("\n".join(second) + "\n", encoding="utf-8")
    (archive / "zz-bad.yaml").write_bytes(b"session: X\nevents: [\xff\n")
    (archive / "notes.txt").write_text("not an input\n", encoding="utf-8")
    return archive


@needs_dask
@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "text"])
def test_the_cli_on_a_dask_cluster_writes_the_local_audit_byte_for_byte(tmp_path, clean_session, scheduler, fmt):
    archive = _archive(tmp_path, clean_session)
    argv = ("audit", str(archive), str(archive / "a.jsonl"), "--as-of", "2026-04-30", "--format", fmt)
    local = cli(*argv, "--jobs", "2")
    on_dask = cli(*argv, "--scheduler", scheduler)
    assert (on_dask.returncode, on_dask.stdout, on_dask.stderr) == (local.returncode, local.stdout, local.stderr)
    assert local.returncode == 2        # the unreadable file, the bad lines, the session after --as-of
    if fmt == "jsonl":
        lines = [json.loads(line) for line in on_dask.stdout.splitlines()]
        summary = lines[-1]
        # 6 files; 3 records (one dated after the audit date: not checked) + S000..S012, S010/S011 merged
        assert (summary["files"], summary["sessions"], summary["sessions_not_checked"]) == (6, 15, 1)
        assert summary["unreadable_files"] == [str(archive / "zz-bad.yaml")] and summary["not_read"] == 1
        assert summary["notes"] == [f"{archive / 'a.jsonl'}: named twice: audited once"]
        merged = [line for line in lines if line.get("session") == "S010"]
        assert [m["source"] for m in merged] == [f"{archive / 'a.jsonl'}, {archive / 'b.jsonl'}"]
        problems = [line["error"] for line in lines if line["kind"] == "problem"]
        assert any(p.startswith(f"{archive / 'a.jsonl'}:") and "invalid JSON" in p for p in problems)


_ENTRY_POINT = textwrap.dedent("""
    import datetime as dt, io, sys
    import compliance.audit
    from compliance.audit_output import AuditOptions, write_audit

    archive, scheduler, fault = sys.argv[1:4]
    compliance.audit.BIG_LOG = 1000       # split the logs by session into slices of tasks
    compliance.audit.SLICE = 3

    def plant():                          # a bug met on one session, in whichever process checks it
        import compliance.audit
        def hook(session):
            if session.id == "S004":
                raise ZeroDivisionError("planted bug")
        compliance.audit._fault_hook = hook if fault == "raise" else None
        run_task = compliance.audit.__dict__.setdefault("_unplanted_run_task", compliance.audit._run_task)
        def escaping(task, beat):         # a bug outside any session: the task fails as a whole
            if "S004" in [getattr(item, "session", None) for item in getattr(task, "items", ())]:
                raise ZeroDivisionError("planted escape")
            return run_task(task, beat)
        compliance.audit._run_task = escaping if fault == "escape" else run_task

    def audit(**where):
        out = io.StringIO()
        options = AuditOptions(paths=[archive], as_of=dt.datetime(2026, 4, 30, tzinfo=dt.timezone.utc),
                               format="jsonl", **where)
        code = write_audit(options, out, io.StringIO())
        return f"{code}\\n{out.getvalue()}"

    plant()
    local = audit(jobs=2)                 # first: this process has one thread, its workers fork
    from distributed import Client
    with Client(scheduler, set_as_default=False) as client:
        client.run(plant)
        on_dask = audit(scheduler=client)
    sys.stdout.write(local + "\\0" + on_dask)
""")


def _entry_point(archive, scheduler, fault="none") -> tuple[str, str]:
    done = subprocess.run([sys.executable, "-c", _ENTRY_POINT, str(archive), scheduler, fault], env=env(),
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    local, on_dask = done.stdout.split("\0")
    return local, on_dask


@needs_dask
def test_the_python_entry_point_splits_large_logs_into_the_same_slices(tmp_path, clean_session, scheduler):
    archive = _archive(tmp_path, clean_session)
    local, on_dask = _entry_point(archive, scheduler)
    assert on_dask == local
    code, *lines = local.splitlines()
    assert code == "2" and json.loads(lines[-1])["sessions"] == 15


@needs_dask
def test_a_bug_met_on_a_dask_worker_is_that_sessions_internal_error_as_locally(tmp_path, clean_session, scheduler):
    archive = _archive(tmp_path, clean_session)
    local, on_dask = _entry_point(archive, scheduler, fault="raise")
    assert on_dask == local
    code, *lines = local.splitlines()
    problems = [json.loads(line) for line in lines if json.loads(line)["kind"] == "problem"]
    (planted,) = [p for p in problems if p.get("session") == "S004"]
    assert code == "70" and planted["internal"] is True
    assert planted["error"].endswith("session 'S004' not checked: internal error: ZeroDivisionError: planted bug")
    assert json.loads(lines[-1])["sessions"] == 14          # every other session still checked


@needs_dask
def test_a_task_that_fails_on_a_dask_worker_reports_each_of_its_sessions_as_locally(tmp_path, clean_session,
                                                                                    scheduler):
    archive = _archive(tmp_path, clean_session)
    local, on_dask = _entry_point(archive, scheduler, fault="escape")
    assert on_dask == local
    code, *lines = local.splitlines()
    errors = [json.loads(line)["error"] for line in lines if json.loads(line)["kind"] == "problem"]
    a = str(archive / "a.jsonl")
    assert f"{a}: not read: internal error: ZeroDivisionError: planted escape" in errors
    assert [e for e in errors if "its task failed" in e] == \
        [f"{a}: session 'S{n:03d}' not checked: its task failed" for n in (3, 4, 5)]   # the slice of S004
    assert code == "70" and json.loads(lines[-1])["sessions"] == 12


def test_without_dask_the_scheduler_option_is_one_line_naming_the_extra(monkeypatch, tmp_path, capsys):
    from compliance.cli import main
    monkeypatch.setitem(sys.modules, "distributed", None)     # import distributed fails
    (tmp_path / "s.yaml").write_bytes((ROOT / "examples" / "session-conforme.yaml").read_bytes())
    code = main(["audit", str(tmp_path), "--scheduler", "tcp://127.0.0.1:8786"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err == ("compliance: error: --scheduler needs Dask distributed, which is not installed "
                   "(pip install 'tp-compliance[dask]')\n")


@needs_dask
@pytest.mark.parametrize("address, said", [
    ("tcp://127.0.0.1:1", "cannot reach the Dask scheduler at 'tcp://127.0.0.1:1' (Timed out trying to connect"),
    ("nowhere", "--scheduler: not a Dask scheduler address: expected tcp://HOST:PORT (or HOST:PORT), got 'nowhere'"),
])
def test_an_unreachable_scheduler_is_one_line_and_exit_2(tmp_path, address, said):
    (tmp_path / "s.yaml").write_bytes((ROOT / "examples" / "session-conforme.yaml").read_bytes())
    out = tmp_path / "audit.jsonl"
    program = ("import sys, compliance.dask_backend as d; d.CONNECT_TIMEOUT = 1\n"
               "from compliance.cli import main; sys.exit(main(sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", program, "audit", str(tmp_path), "--scheduler", address,
                           "--output", str(out)], env=env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(f"compliance: error: {said}") and done.stderr.count("\n") == 1
    assert not out.exists()            # nothing written: the scheduler is reached before any work


_WORKER_FAULTS = textwrap.dedent("""
    import datetime as dt, io, sys
    from distributed import Client
    from compliance.audit_output import AuditOptions, write_audit

    archive, scheduler = sys.argv[1:3]

    def faults():
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

    def set_up():                         # what a worker's first task would add: modules, the compiled rule base
        import compliance.audit, compliance.dask_backend
        from compliance.checker import _prepare, default_rulebook
        _prepare(default_rulebook())

    def audit(client):
        options = AuditOptions(paths=[archive], as_of=dt.datetime(2026, 4, 30, tzinfo=dt.timezone.utc),
                               format="jsonl", scheduler=client)
        return write_audit(options, io.StringIO(), io.StringIO())

    with Client(scheduler, set_as_default=False) as client:
        audit(client)
        client.run(set_up)                # on every worker, whichever runs the next task
        before = sum(client.run(faults).values())
        code = audit(client)
        print(code, sum(client.run(faults).values()) - before)
""")


@needs_dask
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="page faults as Linux counts them")
def test_a_dask_worker_does_not_fault_each_sessions_engine_state_in_afresh(tmp_path, clean_session, scheduler):
    # Dask's nanny fixes glibc's malloc thresholds; each session's engine state (5 MiB, some 1,300
    # pages) was then mapped and faulted in afresh: about 1,500 page faults a session, against a
    # few now (counted, not timed)
    records = [e.to_record() for e in clean_session.events]
    log = tmp_path / "eighty.jsonl"           # ids of their own: other tests plant faults on S004 in these workers
    log.write_text("".join(json.dumps(dict(r, session=f"F{s:03d}"), ensure_ascii=False) + "\n"
                           for s in range(80) for r in records), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", _WORKER_FAULTS, str(log), scheduler], env=env(),
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    code, faults = (int(n) for n in done.stdout.split())
    assert code == 0 and faults < 80 * 250, f"{faults:,} page faults for 80 sessions"
