"""The command line: exit codes, one-line errors, formats, determinism."""
from __future__ import annotations

import io
import json
from pathlib import Path

from compliance import read_path
from compliance.cli import main
from conftest import EXAMPLES, ROOT


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_clean_example_exits_0_with_no_finding():
    code, out, err = run("check", str(EXAMPLES / "session-conforme.yaml"), "--as-of", "2026-04-30")
    assert (code, err) == (0, "")
    assert "Aucun constat." in out


def test_json_report_is_deterministic_and_parses():
    argv = ("check", str(EXAMPLES / "session-conforme.yaml"), "--as-of", "2026-04-30", "--format", "json")
    first, second = run(*argv), run(*argv)
    assert first == second
    document = json.loads(first[1])
    assert document["schema"] == "tp-compliance/report/1"
    (report,) = document["reports"]
    assert report["session"] == "TP-00417-2026-03-10"
    assert {c["status"] for c in report["clauses"]} <= {"compliant", "not_applicable"}


def test_english_report():
    code, out, _ = run("check", str(EXAMPLES / "session-conforme.yaml"), "--as-of", "2026-04-30", "--lang", "en")
    assert code == 0 and "No finding." in out and "compliant" in out


def test_broken_record_is_one_line_error_with_exit_2_and_still_a_report():
    """An unusable event is one located line on stderr and exit 2; the rest of the record is
    still checked and reported, the event left out as a D2 finding (as audits do)."""
    bad = ROOT / "tests" / "data" / "bad_records" / "missing-field.yaml"
    code, out, err = run("check", str(bad), "--as-of", "2026-04-30", "--format", "json")
    assert code == 2
    assert err.count("\n") == 1 and f"{bad}:4" in err
    (report,) = json.loads(out)["reports"]
    d2 = [f for f in report["findings"] if f["clause"] == "D2"]
    assert len(d2) == 1 and f"{bad}:4" in d2[0]["message"]["en"]


def test_an_unreadable_file_is_a_report_of_its_d1_finding():
    bad = ROOT / "tests" / "data" / "bad_records" / "not-utf8.yaml"
    code, out, err = run("check", str(bad), "--as-of", "2026-04-30", "--format", "json")
    assert code == 2 and "not UTF-8" in err
    (report,) = json.loads(out)["reports"]
    assert [f["clause"] for f in report["findings"]] == ["D1"] and report["source"] == str(bad)


def test_session_picks_sessions_out_of_a_log_and_names_one_it_cannot_find(tmp_path):
    (session,) = read_path(EXAMPLES / "session-conforme.yaml")
    log = tmp_path / "two.jsonl"
    log.write_text("".join(json.dumps(dict(e.to_record(), session=sid), ensure_ascii=False) + "\n"
                           for sid in ("A", "B") for e in session.events), encoding="utf-8")
    code, out, _ = run("check", str(log), "--as-of", "2026-04-30", "--format", "json", "--session", "B")
    assert code == 0 and [r["session"] for r in json.loads(out)["reports"]] == ["B"]
    code, out, err = run("check", str(log), "--as-of", "2026-04-30", "--format", "json", "--session", "C")
    assert code == 2 and json.loads(out)["reports"] == [] and "--session C : aucune session de ce nom dans" in err


def test_check_reads_a_directory_as_audits_do():
    code, out, _ = run("check", str(EXAMPLES), "--as-of", "2026-06-30", "--format", "json")
    sessions = {r["session"] for r in json.loads(out)["reports"]}
    assert len(sessions) == len(list(EXAMPLES.glob("*.yaml"))) and code == 1   # one example has breaches


def test_broken_rule_directory_is_one_line_error_with_exit_2(tmp_path):
    (tmp_path / "S1-bad.yaml").write_text((ROOT / "tests/data/bad_rules/unknown-clause.yaml").read_text())
    code, _, err = run("check", str(EXAMPLES / "session-conforme.yaml"), "--rules", str(tmp_path))
    assert code == 2
    assert err.strip().count("\n") == 0 and "S1-bad.yaml:4" in err and "unknown clause" in err


def test_audit_date_before_the_events_is_a_usage_error():
    code, _, err = run("check", str(EXAMPLES / "session-conforme.yaml"), "--as-of", "2026-03-01")
    assert code == 2 and "audit date" in err


def test_bad_option_is_a_usage_error():
    code, _, err = run("check", "--format", "pdf", str(EXAMPLES / "session-conforme.yaml"))
    assert code == 2 and "invalid choice" in err


def test_rules_test_passes_on_the_shipped_rules():
    code, out, _ = run("rules", "test")
    assert code == 0 and " 0 failed" in out


def test_rules_test_fails_visibly_when_an_example_is_wrong(tmp_path):
    (tmp_path / "S3-local.yaml").write_text("""section: S3
rules:
  - id: S3.1-identite-non-controlee
    clause: S3.1
    severity: violation
    title: {fr: "t", en: "t"}
    reference: {text: "r"}
    when:
      - match: t
        event: test_started
      - absent: identity_checked
        where: ["candidate == t.candidate"]
    message: {fr: "m", en: "m"}
    examples:
      - name: wrongly expected to pass
        expect: pass
        events:
          - {type: test_started, at: "2026-03-10T09:00:00+01:00", test: T1, candidate: C1}
""", encoding="utf-8")
    code, out, _ = run("rules", "test", "--rules", str(tmp_path))
    assert code == 1
    assert "FAIL" in out and "wrongly expected to pass" in out and "S3-local.yaml:15" in out


def test_schema_command_prints_the_event_schema():
    code, out, _ = run("schema")
    assert code == 0 and json.loads(out)["title"] == "Titre Professionnel session event"


def test_rules_show_names_clause_reference_and_examples():
    code, out, _ = run("rules", "show", "S3.1-identite-non-controlee")
    assert code == 0
    assert "S3.1: L'identité de chaque candidat est contrôlée avant sa première épreuve" in out
    assert "absent identity_checked where candidate == start.candidate" in out and "example   fire" in out


def test_rules_show_unknown_id_suggests_one():
    code, _, err = run("rules", "show", "S3.1-identite")
    assert code == 2 and "did you mean 'S3.1-identite-non-controlee'?" in err


def test_rules_lint_validates_files_without_running_them():
    assert run("rules", "lint", str(ROOT / "rules" / "S3-candidats.yaml"))[0] == 0
    code, _, err = run("rules", "lint", str(ROOT / "tests/data/bad_rules/unknown-field.yaml"))
    assert code == 2 and "unknown-field.yaml:11" in err


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_text_is_coloured_on_a_terminal_only(monkeypatch):
    """ANSI colours for a person at a terminal; plain text in pipes and files, or with NO_COLOR."""
    argv = ["check", str(ROOT / "examples" / "session-avec-manquements.yaml"), "--as-of", "2026-04-30"]
    monkeypatch.delenv("NO_COLOR", raising=False)
    tty, err = _Terminal(), io.StringIO()
    assert main(argv, tty, err) == 1
    assert "\033[1;31m[VIOLATION]\033[0m" in tty.getvalue()
    assert "\033[" not in run(*argv)[1]
    monkeypatch.setenv("NO_COLOR", "1")
    tty = _Terminal()
    main(argv, tty, io.StringIO())
    assert "\033[" not in tty.getvalue()


def test_audit_progress_is_shown_on_a_terminal():
    from compliance.audit import Progress
    stream = io.StringIO()
    progress = Progress(stream)
    progress(1, 2, 10)
    progress(2, 2, 25)
    text = stream.getvalue()
    assert "1/2 files · 10 sessions" in text and "2/2 files · 25 sessions" in text and text.endswith("\n")


def test_a_bug_of_ours_is_one_line_and_exit_70(monkeypatch):
    import compliance.cli

    def broken(*_args):
        raise KeyError("planted")
    monkeypatch.setattr(compliance.cli, "_run", broken)
    code, out, err = run("rules", "list")
    assert (code, out) == (70, "")
    assert err == "compliance: internal error (a bug, please report it): KeyError: 'planted' " \
                  "(--debug shows the traceback)\n"
    code, _, err = run("--debug", "rules", "list")
    assert code == 70 and err.startswith("compliance: internal error (a bug, please report it): KeyError: 'planted'\n"
                                         "Traceback (most recent call last):")


def test_check_output_is_written_atomically(tmp_path):
    out = tmp_path / "report.json"
    code, stdout, _ = run("check", str(EXAMPLES / "session-conforme.yaml"), "--as-of", "2026-04-30",
                          "--format", "json", "--output", str(out))
    assert (code, stdout) == (0, "")
    assert json.loads(out.read_text(encoding="utf-8"))["reports"][0]["session"] == "TP-00417-2026-03-10"
    (tmp_path / "bad-waivers.yaml").write_text("waivers: [1]\n", encoding="utf-8")
    code, _, _ = run("check", str(EXAMPLES / "session-conforme.yaml"), "--as-of", "2026-04-30", "--output", str(out),
                     "--waivers", str(tmp_path / "bad-waivers.yaml"))
    assert code == 2 and json.loads(out.read_text(encoding="utf-8"))["reports"]     # the previous report kept
    (tmp_path / "bad-waivers.yaml").unlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_audit_time_limit_must_be_a_positive_number():
    code, _, err = run("audit", str(EXAMPLES), "--time-limit", "0")
    assert code == 2 and err == "compliance: error: argument --time-limit: expected a positive number of " \
                                "seconds, got '0'\n"


def test_audit_progress_estimates_by_bytes_and_clears_its_line_before_other_output(monkeypatch):
    from compliance import audit
    clock = iter([100.0, 110.0, 110.0])               # started at 100; 10 s later a quarter is read
    monkeypatch.setattr(audit.time, "monotonic", lambda: next(clock))
    stream = io.StringIO()
    progress = audit.Progress(stream)
    progress(1, 2, 10, 250, 1000)                     # 1 file of 2, but a quarter of the bytes
    assert stream.getvalue().endswith("1/2 files · 10 sessions · 1 sessions/s · 30 s left")
    progress.clear()
    assert stream.getvalue().endswith("30 s left\r\033[K")      # wiped before a session line
    progress.clear()                                   # nothing shown: nothing written
    assert stream.getvalue().endswith("30 s left\r\033[K")


def test_the_cli_speaks_the_chosen_language(tmp_path):
    """Under --lang fr (the default) the CLI's own words are French, under --lang en English; the
    lines keep their structure (what: expected …, got '…')."""
    from compliance.audit import Progress
    record = str(EXAMPLES / "session-conforme.yaml")
    code, _, err = run("check", record, "--as-of", "2026-04-30", "--session", "C")
    assert code == 2 and err.endswith(f"--session C : aucune session de ce nom dans {record}\n")
    code, _, err = run("check", record, "--as-of", "2026-04-30", "--session", "C", "--lang", "en")
    assert code == 2 and err.endswith(f"--session C: no such session in {record}\n")
    code, _, err = run("audit", record, "--quiet", "--format", "sarif")
    assert (code, err) == (2, "compliance: error: --quiet : attendu --format text ou jsonl, reçu 'sarif'\n")
    code, _, err = run("audit", record, "--quiet", "--format", "sarif", "--lang", "en")
    assert (code, err) == (2, "compliance: error: --quiet: expected --format text or jsonl, got 'sarif'\n")
    stream = io.StringIO()
    Progress(stream, "fr")(1, 2, 1500)
    assert "1/2 fichiers · 1\u202f500 sessions · " in stream.getvalue() and stream.getvalue().endswith(" s restantes")
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers:\n  - {session: AUTRE, clause: S3.1, justification: 'sans objet ici',"
                       " accepted_by: 'DREETS', expires: 2027-01-01}\n", encoding="utf-8")
    code, _, err = run("check", record, "--as-of", "2026-04-30", "--waivers", str(waivers), "--quiet")
    assert code == 0 and err == (f"compliance: note: {waivers}:2: dérogation pour la session 'AUTRE' (S3.1) : "
                                 "ne correspond à aucune session vérifiée, inutilisée\n")


def test_check_judges_a_session_spread_over_several_files_once_and_whole(tmp_path):
    """A session logged a file per day: ``check`` merges it as ``audit`` does (one report, in
    the place of its first file, naming every file), not a half-session per file."""
    from compliance import read_path
    (session,) = read_path(EXAMPLES / "session-deux-jours.yaml")
    days = sorted({e.at.date() for e in session.events})
    files = []
    for n, part in enumerate((days[:-1], days[-1:])):
        path = tmp_path / f"jour{n}.jsonl"
        path.write_text("".join(json.dumps(dict(e.to_record(), session=session.id), ensure_ascii=False) + "\n"
                                for e in session.events if e.at.date() in part), encoding="utf-8")
        files.append(str(path))
    assert all(Path(f).stat().st_size for f in files)
    whole = run("check", str(EXAMPLES / "session-deux-jours.yaml"), "--as-of", "2026-07-31", "--format", "json")
    code, out, err = run("check", *files, "--as-of", "2026-07-31", "--format", "json")
    (report,) = json.loads(out)["reports"]
    (expected,) = json.loads(whole[1])["reports"]
    assert (code, err) == (whole[0], "")
    assert report["source"] == ", ".join(files)
    assert [f["rule"] for f in report["findings"]] == [f["rule"] for f in expected["findings"]]


def test_debug_may_follow_the_command_and_output_has_its_short_form(tmp_path):
    out = tmp_path / "r.txt"
    code, _, err = run("check", str(EXAMPLES / "session-conforme.yaml"), "--debug", "--as-of", "2026-04-30",
                       "-o", str(out))
    assert (code, err) == (0, "")
    assert out.read_text(encoding="utf-8").startswith("Session ")
    assert run("rules", "test", "--debug")[0] == 0


def test_a_number_of_workers_below_one_is_refused_in_one_line():
    for written in ("0", "-3", "deux"):
        code, out, err = run("audit", str(EXAMPLES / "session-conforme.yaml"), "--jobs", written)
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and f"got '{written}'" in err
