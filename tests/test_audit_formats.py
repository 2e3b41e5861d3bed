"""The audit's and the check's outputs read by their consumers, through the real CLI in a child
process: JSON Lines with the clause catalogue once, every format for many sessions, the shared
options (--output, --fail-on, stdin, --quiet, --only-failing), parsed as their readers would."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import PurePosixPath

from cli_process import ROOT, clean_records, cli, jsonl, write_log

from compliance._yaml import load_yaml

AS_OF = ("--as-of", "2026-06-30")      # every example's events are before it
CONFORME = "examples/session-conforme.yaml"
MANQUEMENTS = "examples/session-avec-manquements.yaml"


def _catalogue() -> list[str]:
    """The clause ids of rules/clauses.yaml (retired ones excepted), read apart from the tool."""
    document = load_yaml((ROOT / "rules" / "clauses.yaml").read_text(encoding="utf-8"))
    return [c["id"] for c in document["clauses"] if not c.get("retired")]


def test_jsonl_audit_gives_the_clause_catalogue_once_and_lean_session_lines():
    result = cli("audit", "examples", *AS_OF, "--format", "jsonl")
    assert result.returncode == 1, result.stderr
    lines = jsonl(result.stdout)
    head, sessions = lines[0], [line for line in lines if line["kind"] == "session"]
    assert head["kind"] == "audit" and head["schema"] == "tp-compliance/audit/2"
    assert [c["clause"] for c in head["clauses"]] == _catalogue()
    s31 = next(c for c in head["clauses"] if c["clause"] == "S3.1")
    assert s31["section"] == "S3" and s31["title"]["fr"] and s31["title"]["en"]
    assert {s["section"] for s in head["sections"]} == {c["section"] for c in head["clauses"]}
    assert len(sessions) == 6
    for session in sessions:
        assert "timeline" not in session
        assert [c["clause"] for c in session["clauses"]] == _catalogue()
        assert all(set(c) == {"clause", "status", "findings"} for c in session["clauses"])
        if not session["findings"]:       # 12 KB of titles before: now about 4 KB
            assert len(result.stdout.splitlines()[lines.index(session)]) < 6_000
    info = next(s["info"] for s in sessions if s["session"] == "TP-00186-2026-03-03")
    assert (info["title"], info["centre"], info["site"], info["first_day"]) == \
        ("TP-00186", "GRETA du Doubs", "Besançon", "2026-03-03")
    # the titles appear once in the whole output, in the head
    assert result.stdout.count(s31["title"]["en"]) == 1


def test_json_audit_has_the_catalogue_in_its_envelope():
    result = cli("audit", CONFORME, *AS_OF, "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schema"] == "tp-compliance/audit/2"
    assert [c["clause"] for c in document["clauses"]] == _catalogue()
    (session,) = document["sessions"]
    assert session["session"] == "TP-00417-2026-03-10"
    assert {c["status"] for c in session["clauses"]} <= {"compliant", "not_applicable"}
    assert all("title" not in c for c in session["clauses"])


# -- one CLI: every format for many sessions, in both commands ------------------------------------

def _warning_only_log(tmp_path):
    """A log of one session whose only finding is S2.3's warning (the jury was not briefed)."""
    records = [r for r in clean_records("TP-WARN-1") if r["type"] != "jury_briefed"]
    return write_log(tmp_path / "warn.jsonl", records)


def test_audit_sarif_is_one_run_with_every_session():
    result = cli("audit", "examples", *AS_OF, "--format", "sarif")
    assert result.returncode == 1
    sarif = json.loads(result.stdout)
    (run,) = sarif["runs"]
    sessions = [r["session"] for r in run["properties"]["reports"]]
    assert len(sessions) == 6 and "TP-00186-2026-03-03" in sessions
    by_session = {}
    for r in run["results"]:
        by_session.setdefault(r["properties"]["session"], []).append(r["ruleId"])
    assert sorted(by_session["TP-00417-2026-03-10-B"]) == sorted(
        ["S1.1", "S2.3", "S3.1", "S3.2", "S5.2", "S5.3", "S6.2", "S7.1", "S8.5", "S8.6", "S8.7"])
    assert by_session["TP-00378-2026-04-02"] == ["S8.5"]
    # the page has no room for the summary: it is on stderr, with the files not read named
    assert "Résumé" in result.stderr and "examples/session-vae.expected" in result.stderr


def test_audit_junit_is_one_suite_per_session():
    result = cli("audit", "examples", *AS_OF, "--format", "junit", "--lang", "en")
    assert result.returncode == 1
    root = ET.fromstring(result.stdout)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert len(suites) == 6
    assert suites["TP-00417-2026-03-10"].get("failures") == "0"
    assert suites["TP-00378-2026-04-02"].get("failures") == "1"
    failed = [c.get("name").split()[0] for c in suites["TP-00417-2026-03-10-B"].iter("testcase")
              if c.find("failure") is not None]
    assert failed == ["S1.1", "S2.3", "S3.1", "S3.2", "S5.2", "S5.3", "S6.2", "S7.1", "S8.5", "S8.6", "S8.7"]
    assert root.get("failures") == str(sum(int(s.get("failures")) for s in suites.values())) == "13"
    assert "Summary" in result.stderr


def test_audit_html_and_markdown_show_every_session(tmp_path):
    for fmt, head in (("html", "<!DOCTYPE html>"), ("md", "# Session ")):
        out = tmp_path / f"audit.{fmt}"
        result = cli("audit", "examples", *AS_OF, "--format", fmt, "--output", str(out))
        assert result.returncode == 1 and result.stdout == ""
        text = out.read_text(encoding="utf-8")
        assert text.lstrip().lower().startswith(head.lower())
        for session in ("TP-00417-2026-03-10-B", "TP-00378-2026-04-02", "TP-00186-2026-03-03", "TP-00302-2026-04-14"):
            assert session in text, (fmt, session)


def test_check_jsonl_of_two_files_has_the_head_the_sessions_and_a_summary():
    result = cli("check", CONFORME, MANQUEMENTS, *AS_OF, "--format", "jsonl")
    assert result.returncode == 1 and result.stderr == ""
    lines = jsonl(result.stdout)
    assert [line["kind"] for line in lines] == ["audit", "session", "session", "summary"]
    assert [line["session"] for line in lines[1:3]] == ["TP-00417-2026-03-10", "TP-00417-2026-03-10-B"]
    assert lines[-1]["sessions"] == 2 and lines[-1]["sessions_with_violations"] == 1


def test_check_fail_on_chooses_the_exit_code(tmp_path):
    log = str(_warning_only_log(tmp_path))
    assert cli("check", log, *AS_OF).returncode == 0
    assert cli("check", log, *AS_OF, "--fail-on", "warning").returncode == 1
    assert cli("check", MANQUEMENTS, *AS_OF, "--fail-on", "never").returncode == 0
    assert cli("audit", MANQUEMENTS, *AS_OF, "--fail-on", "never").returncode == 0


def test_check_and_audit_read_standard_input():
    record = (ROOT / MANQUEMENTS).read_text(encoding="utf-8")
    result = cli("check", "-", *AS_OF, "--format", "json", input=record)
    assert result.returncode == 1, result.stderr
    (report,) = json.loads(result.stdout)["reports"]
    assert report["session"] == "TP-00417-2026-03-10-B" and report["source"] == "<stdin>"
    log = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in clean_records("TP-STDIN-1"))
    result = cli("audit", "-", CONFORME, *AS_OF, "--format", "csv-sessions", input=log)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["session"], r["source"], r["status"]) for r in rows] == [
        ("TP-STDIN-1", "<stdin>", "compliant"), ("TP-00417-2026-03-10", CONFORME, "compliant")]


def test_standard_input_that_is_no_record_is_one_located_line(tmp_path):
    result = cli("check", "-", *AS_OF, input="session: X\nevents: [\n")
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("compliance: error: <stdin>:") and "YAML" in line
    assert cli("check", "-", "-", *AS_OF, input="").returncode == 2


def test_quiet_gives_the_summary_only():
    result = cli("audit", "examples", *AS_OF, "--quiet")
    assert result.returncode == 1
    assert not any(line.startswith(("✓", "✗", "!")) for line in result.stdout.splitlines())
    assert result.stdout.lstrip().startswith("Résumé") and "sessions : 6" in result.stdout
    result = cli("check", CONFORME, MANQUEMENTS, *AS_OF, "--quiet")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"✓ TP-00417-2026-03-10 ({CONFORME}) : 0 violation, 0 avertissement, 0 en attente",
        f"✗ TP-00417-2026-03-10-B ({MANQUEMENTS}) : 9 violations, 2 avertissements, 0 en attente — "
        "S1.1, S3.1, S3.2, S5.2, S5.3, S6.2, S7.1, S8.5, S8.6"]
    lines = jsonl(cli("audit", "examples", *AS_OF, "--quiet", "--format", "jsonl").stdout)
    assert [line["kind"] for line in lines] == ["audit", "summary"]
    refused = cli("check", CONFORME, *AS_OF, "--quiet", "--format", "csv", "--lang", "en")
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.splitlines() == ["compliance: error: --quiet: expected --format text or jsonl, got 'csv'"]


def test_only_failing_keeps_the_failing_sessions_and_clauses(tmp_path):
    result = cli("audit", "examples", *AS_OF, "--only-failing", "--format", "csv-sessions")
    assert result.returncode == 1
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(r["session"] for r in rows) == ["TP-00302-2026-04-14", "TP-00378-2026-04-02", "TP-00417-2026-03-10-B"]
    result = cli("check", MANQUEMENTS, *AS_OF, "--only-failing", "--format", "json")
    (report,) = json.loads(result.stdout)["reports"]
    assert [c["clause"] for c in report["clauses"]] == ["S1.1", "S3.1", "S3.2", "S5.2", "S5.3", "S6.2", "S7.1", "S8.5",
                                                        "S8.6"]
    assert {f["severity"] for f in report["findings"]} == {"violation"} and len(report["findings"]) == 9
    log = str(_warning_only_log(tmp_path))
    warned = cli("check", log, CONFORME, *AS_OF, "--only-failing", "--fail-on", "warning", "--format", "json")
    (report,) = json.loads(warned.stdout)["reports"]
    assert warned.returncode == 1 and [c["clause"] for c in report["clauses"]] == ["S2.3"]
    assert json.loads(cli("check", CONFORME, *AS_OF, "--only-failing", "--format", "json").stdout)["reports"] == []


def test_files_a_directory_holds_but_the_audit_does_not_read_are_named(tmp_path):
    archive = tmp_path / "a"
    archive.mkdir()
    write_log(archive / "s.jsonl", clean_records("TP-1"))
    (archive / "notes.txt").write_text("à lire\n", encoding="utf-8")
    result = cli("audit", str(archive), *AS_OF, "--format", "jsonl")
    summary = jsonl(result.stdout)[-1]
    assert (summary["not_read"], summary["not_read_files"]) == (1, [f"{archive}/notes.txt"])
    text = cli("audit", str(archive), *AS_OF, "--lang", "en").stdout
    assert f"  not read: 1 (other suffixes)\n    {archive}/notes.txt\n" in text


def test_sarif_and_junit_of_an_audit_carry_the_inputs_it_could_not_use(tmp_path):
    archive = tmp_path / "a"
    archive.mkdir()
    write_log(archive / "s.jsonl", clean_records("TP-1"))
    (archive / "zz.yaml").write_bytes(b"session: X\nevents: [\xff\n")
    bad = f"{archive}/zz.yaml"
    result = cli("audit", str(archive), *AS_OF, "--format", "sarif")
    assert result.returncode == 2
    (run,) = json.loads(result.stdout)["runs"]
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and note["message"]["text"] == f"{bad}:2:10: not UTF-8 text (byte 0xff): expected a UTF-8 encoded file"
    assert note["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": PurePosixPath(bad).as_uri()},
                                                        "region": {"startLine": 2}}
    assert [r["ruleId"] for r in run["results"]] == ["D1"]          # the unreadable record's finding
    result = cli("audit", str(archive), *AS_OF, "--format", "junit")
    root = ET.fromstring(result.stdout)
    problems = root.find("testsuite[@name='problems']")
    (case,) = problems.iter("testcase")
    assert case.get("name") == f"{bad}:2" and case.find("error").get("message").startswith(f"{bad}:2:10: not UTF-8")
    assert (root.get("errors"), problems.get("errors")) == ("1", "1")
    assert "!!" not in result.stderr and "Résumé" in result.stderr      # in the file, not twice
