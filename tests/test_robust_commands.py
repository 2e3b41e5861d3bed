"""watch, rules, docs under odd input (stop 20): each case hung, changed the input silently or
said something untrue before its fix."""
from __future__ import annotations

import json
import os
import subprocess

from cli_process import clean_records, cli, command, env, ROOT


def _in_time_order(session_id: str) -> list[dict]:
    from compliance._time import parse_time
    return sorted(clean_records(session_id), key=lambda r: parse_time(r["at"]))


def _log(path, records, prefix: bytes = b"") -> str:
    path.write_bytes(prefix + "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode())
    return str(path)


def test_watch_shows_a_byte_that_is_not_utf8_instead_of_replacing_it(tmp_path):
    """It read the log with errors='replace': 'S\\xff1' became 'S\\ufffd1', exit 0, nothing said."""
    records = _in_time_order("TP-1")
    log = tmp_path / "a.jsonl"
    _log(log, records)
    text = log.read_bytes().split(b"\n")
    text[0] = text[0].replace(b'"TP-1"', b'"TP\xff1"')
    log.write_bytes(b"\n".join(text))
    result = cli("watch", str(log), "--lang", "en")
    assert result.returncode == 2
    column = text[0].index(b"\xff") + 1
    assert result.stderr.splitlines()[0] == (f"compliance: error: {log}:1:{column}: not UTF-8 text (byte 0xff): "
                                             "expected a UTF-8 encoded log")
    assert "\ufffd" not in result.stdout


def test_watch_takes_a_byte_order_mark_as_check_does(tmp_path):
    """The first line failed as invalid JSON (Expecting value), and exit 2."""
    log = _log(tmp_path / "a.jsonl", _in_time_order("TP-1"), prefix=b"\xef\xbb\xbf")
    assert cli("check", log, "--as-of", "2026-04-30").returncode == 0
    result = cli("watch", log, "--lang", "en")
    assert (result.returncode, result.stderr) == (0, "")


def test_watch_of_an_empty_log_says_so(tmp_path):
    """It printed nothing at all and exit 0."""
    (tmp_path / "a.jsonl").write_bytes(b"")
    result = cli("watch", str(tmp_path / "a.jsonl"))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"compliance: error: {tmp_path / 'a.jsonl'}: empty file: expected session events\n"


def test_watch_refuses_a_fifo_without_follow_instead_of_waiting(tmp_path):
    """open() waited for a writer that never came: a hang."""
    os.mkfifo(tmp_path / "pipe.jsonl")
    result = cli("watch", str(tmp_path / "pipe.jsonl"), timeout=30)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"compliance: error: {tmp_path / 'pipe.jsonl'}: cannot read the log (a FIFO, not a "
                             "regular file)\n")


def test_watch_reads_standard_input_as_dash(tmp_path):
    """'-' was taken for a file named '-': 'cannot read the log (No such file or directory)'."""
    log = _log(tmp_path / "a.jsonl", _in_time_order("TP-1"))
    with open(log, "rb") as stream:
        piped = subprocess.run(command("watch", "-", "--lang", "en"), stdin=stream, capture_output=True, text=True,
                               env=env(), cwd=ROOT, timeout=60)
    direct = cli("watch", log, "--lang", "en")
    assert (piped.returncode, piped.stderr) == (0, "")
    assert piped.stdout == direct.stdout.replace(log, "<stdin>")


def test_watch_of_a_record_says_it_reads_logs(tmp_path):
    """A YAML record gave one 'invalid JSON' line per line of the record."""
    result = cli("watch", "examples/session-conforme.yaml")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("compliance: error: examples/session-conforme.yaml: a session record: expected a JSON "
                             "Lines log (.jsonl) (check reads records)\n")


def test_watch_reports_a_line_too_long_by_its_length(tmp_path):
    records = _in_time_order("TP-1")
    log = tmp_path / "a.jsonl"
    _log(log, records)
    with open(log, "ab") as out:
        out.write(b'{"session": "TP-1", "name": "' + b"x" * 3_000_000 + b'"}\n')
    result = cli("watch", str(log), "--lang", "en")
    assert result.returncode == 2
    assert result.stderr == (f"compliance: error: {log}:{len(records) + 1}: line of 3,000,031 characters: expected an "
                             "event of at most 1,000,000 characters\n")


def test_an_invalid_json_line_is_worded_without_a_dangling_at(tmp_path):
    """'invalid JSON (Invalid control character at)': the decoder's words, cut before its position."""
    log = tmp_path / "a.jsonl"
    log.write_bytes(b'{"session": "TP-1", "type": "session_opened", "name": "a\tb"}\n')
    result = cli("check", str(log), "--as-of", "2026-04-30", "--format", "json")
    assert result.returncode == 2
    assert result.stderr == (f"compliance: error: {log}:1:57: invalid JSON (Invalid control character): expected one "
                             "JSON object per line\n")


def test_rules_show_of_a_clause_without_rules_does_not_suggest_itself():
    """'no rule or clause 'D2' (did you mean 'D2'?)', exit 2."""
    result = cli("rules", "show", "D2")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "clause D2: no rule in the rule files checks it (compliance explain D2 describes it)\n"


def test_rules_lint_of_a_file_named_twice_lints_it_once():
    """Every rule was reported a duplicate of itself ('first defined in' the same line)."""
    once = cli("rules", "lint", "rules/D-dossier.yaml")
    twice = cli("rules", "lint", "rules/D-dossier.yaml", "rules/D-dossier.yaml")
    assert (twice.returncode, twice.stdout, twice.stderr) == (once.returncode, once.stdout, once.stderr)
    assert once.returncode == 0


def test_docs_to_an_empty_directory_name_is_refused(tmp_path):
    """It wrote the site into the current directory."""
    result = cli("docs", "-o", "", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "compliance: error: --output: expected a directory name, got ''\n"
    assert list(tmp_path.iterdir()) == []


def test_check_open_names_a_session_it_cannot_find(tmp_path):
    """check --open --session X of a log without X printed an empty line and exit 0."""
    log = _log(tmp_path / "a.jsonl", _in_time_order("TP-1"))
    result = cli("check", log, "--open", "--session", "TP-2", "--as-of", "2026-04-30", "--lang", "en")
    assert result.returncode == 2
    assert result.stderr == f"compliance: error: --session TP-2: no such session in {log}\n"
    found = cli("check", log, "--open", "--session", "TP-1", "--as-of", "2026-04-30", "--lang", "en")
    assert (found.returncode, found.stderr) == (0, "") and found.stdout.startswith("Session TP-1: ")
