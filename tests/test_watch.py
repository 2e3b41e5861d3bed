"""`compliance watch LOG --follow`: a growing log, read as it grows, ended by Ctrl-C with the
final report and the exit code of its findings (run in a real subprocess)."""
from __future__ import annotations

import json
import signal
import subprocess
import time

from cli_process import ROOT, command, env
from compliance import read_path
from conftest import EXAMPLES


def _lines(path) -> list[str]:
    (session,) = read_path(path)
    return [json.dumps(e.to_record(), ensure_ascii=False) + "\n" for e in sorted(session.events, key=lambda e: e.at)]


def _wait_for(proc, out_path, text: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = out_path.read_text(encoding="utf-8")
        if text in seen:
            return seen
        assert proc.poll() is None, seen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not printed within {timeout} s: {out_path.read_text(encoding='utf-8')!r}")


def test_follow_prints_as_the_log_grows_and_ends_on_sigint_with_the_report(tmp_path):
    lines = _lines(EXAMPLES / "session-avec-manquements.yaml")
    # up to the first test start: the manager's late arrival (S1.1) is certain by then
    first_start = next(i for i, line in enumerate(lines) if '"test_started"' in line)
    log = tmp_path / "live.jsonl"
    log.write_text("".join(lines[:first_start]), encoding="utf-8")
    out_path = tmp_path / "out.txt"
    with out_path.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(command("watch", str(log), "--follow"), env=env(), cwd=ROOT, stdout=out,
                                stderr=subprocess.PIPE, text=True)
        try:
            _wait_for(proc, out_path, "VIOLATION S1.1")
            assert "Session TP-00417" not in out_path.read_text(encoding="utf-8")   # no report yet
            with log.open("a", encoding="utf-8") as grow:     # the session goes on
                grow.writelines(lines[first_start:])
            _wait_for(proc, out_path, "VIOLATION S3.1")        # C2 started without an identity check
            proc.send_signal(signal.SIGINT)
            _, stderr = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
    text = out_path.read_text(encoding="utf-8")
    assert proc.returncode == 1, stderr          # violations found: the exit code says so
    assert stderr == ""
    assert "Session TP-00417-2026-03-10-B" in text and "Constats" in text   # the final report


def test_without_follow_the_watch_reads_the_log_once_and_reports(tmp_path):
    log = tmp_path / "done.jsonl"
    log.write_text("".join(_lines(EXAMPLES / "session-conforme.yaml")) + "not json\n", encoding="utf-8")
    done = subprocess.run(command("watch", str(log)), env=env(), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2                  # the bad last line, reported; the session still judged
    assert done.stderr.count("\n") == 1 and f"{log}:79" in done.stderr
    assert "0 violation" in done.stdout


def test_a_line_left_out_shows_in_its_sessions_report_and_words_follow_the_language():
    """A line of a known session that cannot be used is said on stderr and also makes its
    session's report say so: D2 for a malformed event, D4 for a reused id, as ``check`` reads a
    record. Severities are worded in the report's language."""
    from compliance.watch import Watch
    lines = _lines(EXAMPLES / "session-avec-manquements.yaml")
    session = json.loads(lines[0])["session"]
    last = json.loads(lines[-1])
    lines.append(json.dumps({"type": "bogus", "at": last["at"], "session": session}) + "\n")
    lines.append(json.dumps(dict(last)) + "\n")           # its id again
    said, warned = [], []
    watch = Watch("log.jsonl", None, "fr", said.append, warned.append)
    for line in lines:
        watch.take(line.removesuffix("\n"))
    (report,) = watch.reports()
    assert len(warned) == 2 and watch.problems == 2
    left_out = sorted((f.clause, f.rule) for f in report.findings if f.clause in ("D2", "D4"))
    assert left_out == [("D2", "D2-evenement-mal-forme"), ("D4", "D4-identifiant-en-double")]
    assert any(" AVERTISSEMENT " in line for line in said)
    assert not any(" WARNING " in line for line in said)
