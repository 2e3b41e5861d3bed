"""CSV tables for auditors: read back with the csv module, checked against the hand-written
expectations of the bundled examples (examples/*.expected) and the records' own declarations."""
from __future__ import annotations

import csv
import io

import yaml

from compliance.cli import main
from conftest import EXAMPLES

BREACHES = EXAMPLES / "session-avec-manquements.yaml"
FINDING_HEADER = ["session", "title", "centre", "site", "first_day", "clause", "rule", "severity",
                  "message", "evidence", "waived", "source"]
SESSION_HEADER = ["session", "title", "title_name", "kind", "centre", "site", "first_day", "events",
                  "violations", "warnings", "pending", "waived", "status", "source"]


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def _table(text: str) -> list[dict[str, str]]:
    assert text.endswith("\r\n")                    # RFC 4180 line ends
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_check_csv_has_one_row_per_expected_finding_with_the_session_it_belongs_to():
    expected = yaml.safe_load(BREACHES.with_suffix(".expected").read_text(encoding="utf-8"))
    code, out, _ = _run("check", str(BREACHES), "--as-of", expected["as_of"], "--format", "csv")
    assert code == 1
    assert next(csv.reader(io.StringIO(out))) == FINDING_HEADER
    rows = _table(out)
    assert sorted((r["clause"], r["severity"], r["rule"], r["evidence"]) for r in rows) == sorted(
        (f["clause"], f["severity"], f["rule"], " ".join(f["events"])) for f in expected["findings"])
    # the record's declaration: TP-00417 at Les Tilleuls, Villeurbanne, first opened on 10 March
    assert {(r["session"], r["title"], r["centre"], r["site"], r["first_day"], r["waived"]) for r in rows} == {
        ("TP-00417-2026-03-10-B", "TP-00417", "Centre de formation Les Tilleuls", "Villeurbanne", "2026-03-10", "no")}
    assert all(r["source"].endswith("session-avec-manquements.yaml") and r["message"] for r in rows)


def test_english_messages_in_the_table_under_lang_en():
    _, french, _ = _run("check", str(BREACHES), "--as-of", "2026-04-30", "--format", "csv")
    _, english, _ = _run("check", str(BREACHES), "--as-of", "2026-04-30", "--format", "csv", "--lang", "en")
    s53 = [r["message"] for r in _table(english) if r["clause"] == "S5.3"]
    assert s53 == ["F1, trainer of candidate C1 registered in the session, was assigned to supervise test C2-MSP."]
    assert french != english


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text(tmp_path):
    record = tmp_path / "formula.yaml"
    text = (EXAMPLES / "session-conforme.yaml").read_text(encoding="utf-8")
    record.write_text(text.replace("session: TP-00417-2026-03-10", "session: '=HYPERLINK(\"http://x\")'", 1),
                      encoding="utf-8")
    assert "=HYPERLINK" in record.read_text(encoding="utf-8")
    code, out, err = _run("check", str(record), "--as-of", "2026-04-30", "--format", "csv-sessions")
    assert code == 0, err
    (row,) = _table(out)
    assert row["session"] == "'" + '=HYPERLINK("http://x")'
    assert row["status"] == "compliant" and row["violations"] == "0"


def test_audit_tables_account_for_every_session_and_problem_and_keep_the_summary_off_the_table():
    code, out, err = _run("audit", str(EXAMPLES), "--as-of", "2026-04-30", "--format", "csv-sessions",
                          "--jobs", "1")
    assert code == 2          # one session's events are after the audit date: not checked
    assert next(csv.reader(io.StringIO(out))) == SESSION_HEADER
    rows = _table(out)
    by_session = {r["session"]: r for r in rows}
    records = sorted(EXAMPLES.glob("*.yaml"))
    assert len(rows) == len(records)           # every record: a session row or a problem row
    assert by_session["TP-00417-2026-03-10"]["status"] == "compliant"
    assert by_session["TP-00417-2026-03-10-B"]["violations"] == "9"        # session-avec-manquements.expected
    assert by_session["TP-00417-2026-03-10-B"]["warnings"] == "2"
    assert by_session["TP-01345-2026-05-18"]["status"] == "problem"        # session-deux-jours: in May
    assert "Résumé" in err and "Résumé" not in out


def test_audit_finding_table_streams_the_findings_of_every_session():
    code, out, _ = _run("audit", str(BREACHES), "--as-of", "2026-04-30", "--format", "csv", "--jobs", "1")
    assert code == 1
    assert len(_table(out)) == 11               # session-avec-manquements.expected lists eleven
