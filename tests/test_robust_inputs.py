"""Never falling over on odd input (stop 20): each case was found by attacking the real CLI, and
fails on the code before its fix. Every input is accounted for, bad input is one clear line
(file, line, what was expected, what was written) and the exit code is the documented one."""
from __future__ import annotations

import json
import unicodedata

import pytest

from cli_process import clean_records, cli, jsonl, write_log

AS_OF = ("--as-of", "2026-04-30")
LATE = "TP-01345-2026-05-18"      # examples/session-deux-jours.yaml: its last event is on 2026-05-26
EXAMPLE_IDS = {"TP-00417-2026-03-10", "TP-00417-2026-03-10-B", "TP-00302-2026-04-14", "TP-00186-2026-03-03",
               "TP-00378-2026-04-02"}


def test_check_goes_on_past_a_session_dated_after_the_audit_date():
    """It stopped there, with no file named: the sessions after it were never checked."""
    result = cli("check", "examples", *AS_OF, "--format", "json", "--lang", "en")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert {r["session"] for r in json.loads(result.stdout)["reports"]} == EXAMPLE_IDS
    assert result.stderr.splitlines() == [
        f"compliance: error: examples/session-deux-jours.yaml: session '{LATE}' not checked: audit date: expected "
        "no earlier than the last event (2026-05-26T09:30:00+02:00), got '2026-04-30T23:59:59+02:00'"]


def _split_accents(tmp_path):
    """One compliant session whose id is written composed (NFC) on some lines, decomposed on others."""
    composed = "Café-2026"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    records = clean_records("X")
    return write_log(tmp_path / "cafe.jsonl", [dict(r, session=composed if i % 2 else decomposed)
                                               for i, r in enumerate(records)])


@pytest.mark.parametrize("argv", [("check", "--format", "jsonl"), ("audit", "--format", "jsonl", "--jobs", "1"),
                                  ("audit", "--format", "jsonl", "--jobs", "2")])
def test_a_session_id_written_in_two_unicode_forms_is_one_session(tmp_path, argv):
    """Ids are NFC once read; the log was grouped by the id as written, so the decomposed half
    failed as 'event of session Café: expected session Café' and the session went unchecked."""
    log = _split_accents(tmp_path)
    result = cli(argv[0], str(log), *AS_OF, *argv[1:])
    assert (result.returncode, result.stderr) == (0, "")
    sessions = [line for line in jsonl(result.stdout) if line["kind"] == "session"]
    assert [s["session"] for s in sessions] == ["Café-2026"] and sessions[0]["events"] == len(clean_records("X"))
    assert [line for line in jsonl(result.stdout) if line["kind"] == "problem"] == []


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_audit_counts_an_event_it_left_out_as_a_problem(tmp_path, jobs):
    """README: a malformed event is a D2 finding and a problem line, exit 2. The audit gave only
    the finding: exit 1, or 0 under --fail-on never, with an event silently not checked."""
    records = clean_records("TP-1")
    records[0] = dict(records[0], zzz=1)
    log = write_log(tmp_path / "a.jsonl", records)
    result = cli("audit", str(log), *AS_OF, "--fail-on", "never", "--lang", "en", "--jobs", jobs)
    assert result.returncode == 2
    problems = [line for line in result.stdout.splitlines() if line.startswith("!! ")]
    assert problems == [f"!! {log}:1: event 'manager_designated': unknown field 'zzz'"]
    assert "files: 1 (unreadable: 0, problems: 1)" in result.stdout


@pytest.mark.parametrize("written", ["2026-03-10T08:00:00+24:00", "2026-03-10T08:00:00-2400",
                                     "2026-03-10T08:00:00+99:00", "2026-03-10T08:00:00+01:60"])
def test_an_offset_out_of_range_is_refused_in_words(tmp_path, written):
    """+24:00 was worded in timedelta's terms ('offset must be a timedelta strictly between
    -timedelta(hours=24)...'), and +01:60 was taken for +02:00."""
    records = clean_records("TP-1")
    index = next(i for i, r in enumerate(records) if r["type"] == "session_opened")
    records[index] = dict(records[index], at=written)
    log = write_log(tmp_path / "a.jsonl", records)
    result = cli("check", str(log), *AS_OF, "--format", "json")
    assert result.returncode == 2
    assert result.stderr == (f"compliance: error: {log}:{index + 1}: event 'session_opened': field 'at': expected "
                             f"a UTC offset from -23:59 to +23:59, got '{written}'\n")


def test_an_audit_date_with_an_offset_out_of_range_is_refused_in_words():
    result = cli("check", "examples/session-conforme.yaml", "--as-of", "2026-04-30T12:00:00+24:00")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("compliance: error: --as-of: expected a UTC offset from -23:59 to +23:59, "
                             "got '2026-04-30T12:00:00+24:00'\n")


@pytest.mark.parametrize("name, content, got", [
    ("list.yaml", b"- a\n- b\n", "a list of 2 item(s)"),
    ("text.yaml", b"hello\n", "'hello'"),
    ("comments.yaml", b"# nothing yet\n", "no data (only comments, or nothing)"),
    ("number.json", b"42", "42"),
])
def test_a_record_that_is_not_a_mapping_says_what_it_is(tmp_path, name, content, got):
    """It said "got 'YamlList'" or "got 'NoneType'": the name of a class of ours."""
    (tmp_path / name).write_bytes(content)
    result = cli("check", str(tmp_path / name), *AS_OF, "--format", "json")
    assert result.returncode == 2
    assert result.stderr == (f"compliance: error: {tmp_path / name}:1: session record: expected a mapping with "
                             f"'session', 'declarations' and 'events', got {got}\n")


def test_a_byte_that_is_not_utf8_is_shown_with_its_line_and_column(tmp_path):
    records = clean_records("TP-1")
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records[:3]).encode()
    bad = tmp_path / "a.jsonl"
    bad.write_bytes(text + b'{"session": "TP\xe9-1"}\n')
    result = cli("check", str(bad), *AS_OF, "--format", "json")
    assert result.returncode == 2
    assert result.stderr == f"compliance: error: {bad}:4:16: not UTF-8 text (byte 0xe9): expected a UTF-8 encoded file\n"



@pytest.mark.parametrize("command", ["check", "audit"])
def test_a_session_too_large_to_check_is_counted_as_a_session_not_checked(tmp_path, command):
    """It was a problem of the file only: the summary said 'sessions: 1, not checked: 0' for a log
    of two sessions, one of them never checked."""
    records = clean_records("TP-1")
    big = [{"session": "BIG", "type": "display_checked", "at": f"2026-03-10T{8 + i // 3600:02d}:{i // 60 % 60:02d}:"
            f"{i % 60:02d}+01:00", "timetable": True, "general_rules": True} for i in range(50_001)]
    log = write_log(tmp_path / "a.jsonl", big + records)
    result = cli(command, str(log), *AS_OF, "--format", "jsonl", timeout=300)
    assert result.returncode == 2
    lines = jsonl(result.stdout)
    (problem,) = [line for line in lines if line["kind"] == "problem"]
    assert problem == {"kind": "problem", "file": str(log), "line": 50_001, "session": "BIG",
                       "error": f"{log}:50001: session 'BIG' has more than 50,000 events: expected a session of "
                                "plausible size; it is not checked"}
    summary = lines[-1]
    assert (summary["sessions"], summary["sessions_not_checked"], summary["file_problems"]) == (1, 1, 0)
