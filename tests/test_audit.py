"""Audits: every input accounted for, deterministic whatever the number of workers."""
from __future__ import annotations

import json

import pytest
from test_cli import run


def _archive(tmp_path, clean_session, files=10, per_file=100):
    archive = tmp_path / "archive"
    archive.mkdir()
    records = [e.to_record() for e in clean_session.events]
    for f in range(files):
        lines = []
        for s in range(per_file):
            sid = f"TP-{f:02d}-{s:03d}"
            lines.extend(json.dumps(dict(r, session=sid), ensure_ascii=False) for r in records)
        (archive / f"log-{f:02d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return archive


def test_audit_of_1000_sessions_and_a_corrupt_file_accounts_for_everything(tmp_path, clean_session):
    archive = _archive(tmp_path, clean_session)
    (archive / "zz-corrupt.yaml").write_bytes(b"session: X\nevents: [\xff\xfe\n")
    out = tmp_path / "audit.jsonl"
    code, stdout, stderr = run("audit", str(archive), "--as-of", "2026-04-30", "--format", "jsonl",
                               "--output", str(out), "--jobs", "2")
    assert code == 2          # an unreadable input: the run could not do all it was asked
    assert stdout == ""         # written to --output; the person at the terminal gets the problem and summary
    assert stderr.startswith("!! ") and "zz-corrupt.yaml" in stderr.splitlines()[0] and "\nRésumé\n" in stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    kinds = [line["kind"] for line in lines]
    assert kinds[0] == "audit" and kinds[-1] == "summary"
    sessions = [line for line in lines if line["kind"] == "session" and line["session"]]
    assert len(sessions) == 1000 and len({s["session"] for s in sessions}) == 1000
    (problem,) = [line for line in lines if line["kind"] == "problem"]
    assert problem["file"].endswith("zz-corrupt.yaml") and "not UTF-8" in problem["error"]
    (unreadable,) = [line for line in lines if line["kind"] == "session" and not line["session"]]
    assert unreadable["source"] == problem["file"]
    assert [(f["clause"], f["rule"]) for f in unreadable["findings"]] == [("D1", "D1-dossier-illisible")]
    summary = lines[-1]
    assert summary["sessions"] == 1000 and summary["unreadable_files"] == [problem["file"]]
    assert summary["sessions_with_violations"] == 0 and summary["violations_by_clause"] == [["D1", 1]]
    assert list(tmp_path.glob(".audit.jsonl.*")) == []      # no temporary file left behind


def test_audit_output_does_not_depend_on_the_number_of_workers(tmp_path, clean_session):
    archive = _archive(tmp_path, clean_session, files=4, per_file=5)
    one = run("audit", str(archive), "--as-of", "2026-04-30", "--format", "json", "--jobs", "1")
    two = run("audit", str(archive), "--as-of", "2026-04-30", "--format", "json", "--jobs", "2")
    assert one == two and one[0] == 0


def test_audit_exit_code_follows_fail_on(tmp_path, clean_session):
    archive = tmp_path / "a"
    archive.mkdir()
    records = [e.to_record() for e in clean_session.events if e.TYPE != "jury_briefed"]   # S2.3: a warning
    (archive / "s.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    base = ("audit", str(archive), "--as-of", "2026-04-30")
    assert run(*base)[0] == 0
    assert run(*base, "--fail-on", "warning")[0] == 1
    code, out, _ = run(*base, "--fail-on", "never")
    assert code == 0 and "S2.3" in out


def test_missing_path_is_reported_not_skipped(tmp_path):
    code, out, _ = run("audit", str(tmp_path / "nowhere"), "--as-of", "2026-04-30")
    assert code == 2 and "nowhere: no such file or directory" in out


def test_a_large_log_split_across_workers_gives_the_same_audit(tmp_path, clean_session, monkeypatch):
    """Above a size, a log is split by session across workers: same output, in the same order."""
    archive = _archive(tmp_path, clean_session, files=2, per_file=70)
    with (archive / "log-00.jsonl").open("a", encoding="utf-8") as f:
        f.write("not json\n")
    argv = ("audit", str(archive), "--as-of", "2026-04-30", "--format", "jsonl")
    whole = run(*argv, "--jobs", "1")
    import compliance.audit
    monkeypatch.setattr(compliance.audit, "BIG_LOG", 1000)
    split_one, split_two = run(*argv, "--jobs", "1"), run(*argv, "--jobs", "2")
    assert whole == split_one == split_two
    summary = json.loads(whole[1].splitlines()[-1])
    assert summary["files"] == 2 and summary["sessions"] == 140 and summary["file_problems"] == 1


def test_summary_accounts_for_sessions_not_checked_and_files_not_read(tmp_path):
    import shutil
    from conftest import EXAMPLES
    for name in ("session-conforme.yaml", "session-deux-jours.yaml", "session-conforme.expected"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    code, out, _ = run("audit", str(tmp_path), "--as-of", "2026-04-30", "--format", "json", "--jobs", "1")
    summary = json.loads(out)["summary"]
    assert code == 2
    assert (summary["files"], summary["sessions"], summary["sessions_not_checked"], summary["not_read"],
            summary["file_problems"], summary["unreadable_files"]) == (2, 1, 1, 1, 0, [])
    code, text, _ = run("audit", str(tmp_path), "--as-of", "2026-04-30", "--lang", "en")
    assert "  sessions: 1 · not checked: 1 · with violations: 0 · with warnings: 0\n" in text
    assert "  not read: 1 (other suffixes)\n" in text


def test_merged_session_ids_given_by_position_name_their_file():
    from compliance.readers import merge_sessions
    from compliance.events import parse_event
    from compliance.errors import Location
    from compliance.model import Session

    def piece(file, lines):
        events = [parse_event({"type": "session_opened", "at": at}, Location(file, n), session="S",
                              default_id=f"L{n}") for n, at in lines]
        return Session(id="S", events=events, source=file)
    merged = merge_sessions("S", [piece("a.jsonl", [(1, "2026-03-10T08:00:00+01:00")]),
                                piece("b.jsonl", [(1, "2026-03-11T08:00:00+01:00")])])
    assert [e.id for e in merged.events] == ["a.jsonl:L1", "b.jsonl:L1"]
    assert merged.source == "a.jsonl, b.jsonl" and merged.problems == ()


def _sleepy(task, beat):
    import time
    beat(f"step-{task[0]}")
    time.sleep(task[1])
    return task[0]


def _nothing():
    pass


def test_the_pool_gives_results_in_task_order_whatever_finishes_first():
    from compliance.pool import Pool, Ready
    tasks = [(i, delay) for i, delay in enumerate([0.2, 0.0, 0.1, 0.0, 0.15, 0.0, 0.05])]
    for jobs in (1, 3):
        with Pool(jobs, _nothing, (), _sleepy) as pool:
            results = list(pool.run([*tasks[:3], Ready("ready"), *tasks[3:]]))
            assert [r.value for r in results] == [0, 1, 2, "ready", 3, 4, 5, 6]
            assert all(r.failures == () for r in results)
            pids = pool.pids
        assert len(pids) == jobs and pool.pids == []


def test_the_text_audit_escapes_control_characters_in_names(tmp_path, clean_session):
    """A file name holding ESC and CR cannot repaint the auditor's terminal."""
    archive = tmp_path / "archive"
    archive.mkdir()
    records = [dict(e.to_record(), session="TP-\x1b[2J-1") for e in clean_session.events]
    (archive / "log\x1b[31m\r.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    code, stdout, _stderr = run("audit", str(archive), "--as-of", "2026-04-30", "--jobs", "1")
    assert code == 0
    assert "\x1b" not in stdout and "\r" not in stdout
    assert "TP-\\x1b[2J-1" in stdout and "log\\x1b[31m\\r.jsonl" in stdout


# -- how the pool starts its workers (compliance/pool.py, "How workers start")
_THREADED = """import sys, threading
stop = threading.Event()
threading.Thread(target=stop.wait, daemon=True).start()   # a threaded host program
from compliance.cli import main
code = main(sys.argv[1:])
stop.set()
sys.exit(code)
"""
_EXAMPLE_SESSIONS = ["TP-00186-2026-03-03", "TP-00302-2026-04-14", "TP-00378-2026-04-02", "TP-00417-2026-03-10",
                     "TP-00417-2026-03-10-B", "TP-01345-2026-05-18"]


def _audit_in_child(*prefix: str) -> tuple[int, list[dict], str]:
    import subprocess
    import sys
    from cli_process import ROOT, env
    # Python turns a warning raised inside fork() into nothing, even under -W error: the fork
    # warning is printed instead (always), every other DeprecationWarning is an error
    warnings = ["-W", "error::DeprecationWarning", "-W", "always:This process:DeprecationWarning"]
    done = subprocess.run([sys.executable, *warnings, *prefix, "audit", "examples",
                           "--as-of", "2026-05-31", "--format", "jsonl", "--jobs", "2"],
                          env=env(), cwd=ROOT, capture_output=True, text=True, timeout=120)
    return done.returncode, [json.loads(line) for line in done.stdout.splitlines()], done.stderr


def test_a_single_threaded_process_forks_its_workers():
    """The CLI runs one thread: workers are forked (no deadlock is possible, Python does not warn)."""
    import subprocess
    import sys
    from cli_process import ROOT, env
    probe = "from compliance import cli, pool; print(pool._thread_count(), pool.start_method())"
    done = subprocess.run([sys.executable, "-c", probe], env=env(), cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert (done.stdout, done.stderr) == ("1 fork\n", "")


def test_a_threaded_process_spawns_its_workers():
    """Forking beside another thread may deadlock the child: such a process spawns its workers."""
    import threading
    from compliance import pool
    before = pool._thread_count()
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert pool._thread_count() == before + 1
        assert pool.start_method() == "spawn"
    finally:
        stop.set()
        thread.join()


def test_audits_start_workers_without_a_fork_warning_threaded_or_not():
    """Under ``-W error::DeprecationWarning``, the fork warning shown (Python 3.12+ warns when a
    multi-threaded process forks), the audit of the examples with two workers completes, alone or beside a host
    program's thread, with the same lines and no warning."""
    alone = _audit_in_child("-m", "compliance")
    threaded = _audit_in_child("-c", _THREADED)
    for code, lines, stderr in (alone, threaded):
        assert (code, stderr) == (1, "")
        assert sorted(line["session"] for line in lines if line["kind"] == "session") == _EXAMPLE_SESSIONS
        assert lines[-1]["kind"] == "summary" and lines[-1]["sessions"] == 6
    assert alone[1] == threaded[1]


_D1_MESSAGE = "Unreadable record ({file}:2:10: not UTF-8 text (byte 0xff): expected a UTF-8 encoded file)."


def _unreadable_archive(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "bad.yaml").write_bytes(b"session: X\nevents: [\xff\xfe\n")
    return archive, str(archive / "bad.yaml")


def test_an_unreadable_record_is_a_d1_finding_in_json_lines(tmp_path):
    """A record that cannot be read is reported as a file of D1 findings (no session id could be
    read: ``session`` is empty, ``source`` is the file), besides its problem; nothing else of it
    is judged; the summary counts the finding but no session; the exit code stays 2."""
    archive, bad = _unreadable_archive(tmp_path)
    code, out, err = run("audit", str(archive), "--as-of", "2026-04-30", "--format", "jsonl", "--lang", "en")
    assert (code, err) == (2, "")
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["kind"] for line in lines] == ["audit", "session", "problem", "summary"]
    report = lines[1]
    assert (report["session"], report["source"], report["events"]) == ("", bad, 0)
    (finding,) = report["findings"]
    assert (finding["clause"], finding["severity"], finding["message"]["en"]) == \
        ("D1", "violation", _D1_MESSAGE.format(file=bad))
    assert {c["status"] for c in report["clauses"] if c["clause"] != "D1"} == {"not_applicable"}
    assert [c["status"] for c in report["clauses"] if c["clause"] == "D1"] == ["violation"]
    summary = lines[-1]
    assert (summary["sessions"], summary["sessions_with_violations"], summary["unreadable_files"],
            summary["findings_by_clause"]) == (0, 0, [bad], [["D1", 1]])


def test_an_unreadable_record_is_a_d1_finding_in_json_and_text(tmp_path):
    archive, bad = _unreadable_archive(tmp_path)
    code, out, _ = run("audit", str(archive), "--as-of", "2026-04-30", "--format", "json")
    document = json.loads(out)
    assert code == 2
    assert [(r["source"], [f["clause"] for f in r["findings"]]) for r in document["sessions"]] == [(bad, ["D1"])]
    assert document["summary"]["violations_by_clause"] == [["D1", 1]]
    code, out, _ = run("audit", str(archive), "--as-of", "2026-04-30", "--format", "text", "--lang", "en")
    assert code == 2
    assert out.splitlines()[:2] == [f"✗  ({bad}): 1 violation, 0 warnings, 0 pending — D1",
                                    f"!! {bad}:2:10: not UTF-8 text (byte 0xff): expected a UTF-8 encoded file"]


def test_the_step_slot_gives_the_last_step_whole_even_if_a_write_was_cut_short():
    """The step a forked worker is on, shared with the pool (pool._StepSlot): the last beat is
    read back as written (any text up to 4 KiB, never in part), the pool's clear means no step yet, and a
    write the worker died in the middle of (into the half not in use) leaves the previous step."""
    import struct
    import time
    from compliance.pool import _HEADER, _StepSlot
    slot = _StepSlot()
    seq, label, _began = slot.read()
    assert label is None
    slot.beat("TP-00417-é-\udce9")
    seq2, label, began = slot.read()
    assert (seq2, label) == (seq + 1, "TP-00417-é-\udce9") and began <= time.monotonic()
    longest = "\U0001F600" * 1000                 # the longest id a record may give: 1,000 characters of 4 bytes
    slot.beat(longest)
    assert slot.read()[1] == longest
    with pytest.raises(ValueError):               # never kept in part: the pool matches a label whole
        slot.beat("x" * 5000)
    assert slot.read()[1] == longest
    slot.beat("S-2")
    spare = 1 - struct.unpack_from("q", slot._memory, 0)[0]
    start = _HEADER.size + spare * 4096
    slot._memory[start:start + 3] = b"S-3"                   # the next beat, written but not made current
    struct.pack_into("q", slot._memory, 16 + 8 * spare, 3)
    assert slot.read()[1] == "S-2"
    slot.clear()
    assert slot.read()[1] is None


def test_an_event_left_out_of_a_record_is_a_problem_of_the_audit_too():
    """As ``check`` says it (README): a malformed event is a D2 finding of its session's report
    and a located problem of the input, and the audit exits 2 whatever else it found."""
    from cli_process import ROOT
    bad = ROOT / "tests" / "data" / "bad_records" / "missing-field.yaml"
    code, out, _ = run("audit", str(bad), "--as-of", "2026-04-30", "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 2
    (problem,) = [r for r in rows if r["kind"] == "problem"]
    assert problem["line"] == 4 and "missing field 'candidate'" in problem["error"]
    (session,) = [r for r in rows if r["kind"] == "session"]
    assert [f["clause"] for f in session["findings"] if f["clause"] == "D2"] == ["D2"]
    (summary,) = [r for r in rows if r["kind"] == "summary"]
    assert summary["file_problems"] == 1 and summary["sessions_not_checked"] == 0
