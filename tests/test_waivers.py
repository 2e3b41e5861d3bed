"""Waivers: a matching finding is waived, an expired waiver says so, an unused one is reported."""
from __future__ import annotations

import json

import pytest

from compliance import ProblemList
from compliance.waivers import load_waivers
from conftest import EXAMPLES
from test_cli import run


def _breach(tmp_path):
    """The clean example without its jury briefing: one S2.3 warning; with C2's identity check
    removed too: one S3.1 violation."""
    text = (EXAMPLES / "session-conforme.yaml").read_text(encoding="utf-8")
    lines = [l for l in text.splitlines() if "jury_briefed" not in l and "identity_checked" not in l or "C1" in l]
    path = tmp_path / "breach.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _waivers(tmp_path, expires="2026-12-31", session="TP-00417-2026-03-10", clause="S3.1"):
    path = tmp_path / "waivers.yaml"
    path.write_text(f"""waivers:
  - session: {session}
    clause: {clause}
    justification: "Identité vérifiée par le surveillant, registre signé joint."
    accepted_by: "M. Lenoir, DDETS du Rhône"
    expires: "{expires}"
""", encoding="utf-8")
    return path


def test_a_matching_waiver_waives_the_violation_and_the_exit_code_follows(tmp_path):
    record = _breach(tmp_path)
    assert run("check", str(record), "--as-of", "2026-04-30")[0] == 1
    code, out, _ = run("check", str(record), "--as-of", "2026-04-30", "--format", "json",
                       "--waivers", str(_waivers(tmp_path)))
    assert code == 0
    (report,) = json.loads(out)["reports"]
    (s31,) = [f for f in report["findings"] if f["clause"] == "S3.1"]
    assert s31["waived"]["accepted_by"] == "M. Lenoir, DDETS du Rhône"
    assert {c["clause"]: c["status"] for c in report["clauses"]}["S3.1"] == "waived"
    assert [w["outcome"] for w in report["waivers"]] == ["applied"]


def test_an_expired_waiver_no_longer_applies_and_says_so(tmp_path):
    code, out, _ = run("check", str(_breach(tmp_path)), "--as-of", "2026-04-30",
                       "--waivers", str(_waivers(tmp_path, expires="2026-04-01")))
    assert code == 1
    assert "EXPIRÉE" in out


def test_a_waiver_for_no_checked_session_is_reported_unused(tmp_path):
    code, _, err = run("check", str(EXAMPLES / "session-conforme.yaml"), "--as-of", "2026-04-30",
                       "--waivers", str(_waivers(tmp_path, session="AUTRE")), "--lang", "en")
    assert code == 0 and "unused" in err and "waivers.yaml:2" in err


def test_a_waiver_matching_nothing_in_its_session_is_unused(tmp_path):
    code, out, _ = run("check", str(EXAMPLES / "session-conforme.yaml"), "--as-of", "2026-04-30",
                       "--waivers", str(_waivers(tmp_path)))
    assert code == 0 and "inutilisée" in out


def test_a_broken_waiver_file_names_its_line(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text("waivers:\n  - session: S\n    clause: S3.1\n    justification: x\n    acepted_by: y\n    expires: '2026-01-01'\n")
    with pytest.raises(ProblemList) as caught:
        load_waivers(path)
    assert f"{path}:5" in str(caught.value) and "did you mean 'accepted_by'?" in str(caught.value)


def _waiver_file(tmp_path, *entries):
    """A waiver file of the given (session, clause, rule or None) entries, 6 lines each from line 2."""
    text = "waivers:\n"
    for session, clause, rule in entries:
        text += f"  - session: {session}\n    clause: {clause}\n"
        text += f"    rule: {rule}\n" if rule else "    rule: null\n"
        text += "    justification: \"Vu.\"\n    accepted_by: \"M. Lenoir\"\n    expires: \"2026-12-31\"\n"
    path = tmp_path / "w.yaml"
    path.write_text(text.replace("    rule: null\n", ""), encoding="utf-8")
    return path


@pytest.mark.parametrize("entries, line, message", [
    ([("S", "S3.1x", None)], 3, "unknown clause 'S3.1x': expected a clause id of the catalogue (did you mean 'S3.1'?)"),
    ([("S", "S3.1", "S3.1-identite-non-controle")], 4,
     "unknown rule 'S3.1-identite-non-controle': expected a rule of clause S3.1 "
     "(did you mean 'S3.1-identite-non-controlee'?)"),
    ([("S", "S2.3", "S3.1-identite-non-controlee")], 4,
     "rule 'S3.1-identite-non-controlee' checks clause S3.1, not S2.3: expected a rule of clause S2.3"),
    ([("S", "S3.1", "jury-quorum-atteint")], 4,
     "rule 'jury-quorum-atteint' derives facts and checks no clause: expected a rule of clause S3.1"),
    ([("S", "S3.1", None), ("T", "S3.1", None), ("S", "S3.1", None)], 12,
     "duplicate waiver (same session, clause and rule) (first at line 2)"),
])
def test_a_waiver_that_names_nothing_known_or_repeats_another_is_an_error(tmp_path, entries, line, message):
    path = _waiver_file(tmp_path, *entries)
    with pytest.raises(ProblemList) as caught:
        load_waivers(path)
    (problem,) = caught.value.problems
    assert str(problem) == f"{path}:{line}: {message}"


def test_same_session_and_clause_for_two_rules_are_two_waivers(tmp_path):
    path = _waiver_file(tmp_path, ("S", "S3.1", None), ("S", "S3.1", "S3.1-identite-non-controlee"))
    assert [w.rule for w in load_waivers(path)] == [None, "S3.1-identite-non-controlee"]


def _local_rule_dir(tmp_path):
    """A --rules directory with one local rule of clause S3.3, S3.3-regle-locale."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "S3-local.yaml").write_text("""section: S3
rules:
  - id: S3.3-regle-locale
    clause: S3.3
    severity: warning
    title: {fr: "t", en: "t"}
    reference: {text: "r"}
    when:
      - match: t
        event: test_started
    message: {fr: "m", en: "m"}
""", encoding="utf-8")
    return rules


def test_waivers_are_checked_against_the_rule_base_given(tmp_path):
    """A waiver of a local rule loads with the rule base that has it, not with the shipped one."""
    from compliance import load_rulebook
    rules = _local_rule_dir(tmp_path)
    path = _waiver_file(tmp_path, ("S", "S3.3", "S3.3-regle-locale"))
    (waiver,) = load_waivers(path, load_rulebook(rules))
    assert waiver.rule == "S3.3-regle-locale"
    with pytest.raises(ProblemList, match="unknown rule 'S3.3-regle-locale'"):
        load_waivers(path)


@pytest.mark.parametrize("command", ["check", "audit"])
def test_the_cli_checks_waivers_against_its_own_rule_base(tmp_path, command):
    """With --rules, a waiver may name a rule of that directory: check and audit both load it."""
    rules = _local_rule_dir(tmp_path)
    waivers = _waiver_file(tmp_path, ("TP-00417-2026-03-10", "S3.3", "S3.3-regle-locale"))
    code, _out, err = run(command, str(EXAMPLES / "session-conforme.yaml"), "--as-of", "2026-04-30",
                          "--rules", str(rules), "--waivers", str(waivers))
    assert (code, err) == (0, "")


def test_a_waiver_expires_on_a_calendar_day_and_its_sentence_shows_it(tmp_path):
    """``expires`` is read once into a date; reporters write it back as YYYY-MM-DD."""
    import datetime as dt

    from compliance.reporters._labels import waiver_sentence
    (waiver,) = load_waivers(_waivers(tmp_path, expires="2026-12-31"))
    assert waiver.expires == dt.date(2026, 12, 31)
    assert waiver_sentence(waiver, "fr") == ("Dérogation acceptée par M. Lenoir, DDETS du Rhône jusqu'au "
                                             "2026-12-31 : Identité vérifiée par le surveillant, registre signé joint.")
    assert waiver_sentence(waiver, "en") == ("Waived by M. Lenoir, DDETS du Rhône until 2026-12-31: "
                                             "Identité vérifiée par le surveillant, registre signé joint.")


def test_waived_and_live_findings_give_the_clause_status(tmp_path):
    """A clause whose findings are all waived is 'waived'; one live finding keeps its severity."""
    import datetime as dt

    from compliance.model import Finding, Severity, Status, Text, Waiver, judge_clause
    waiver = Waiver(session="S", clause="S3.1", justification="j", accepted_by="a", expires=dt.date(2026, 1, 1))
    def finding(severity, waived=None):
        return Finding(rule="r", clause="S3.1", severity=severity, session="S", title=Text("t", "t"),
                       message=Text("m", "m"), waived=waived)
    assert judge_clause([], Status.NOT_APPLICABLE) is Status.NOT_APPLICABLE
    assert judge_clause([finding(Severity.VIOLATION, waiver)], Status.COMPLIANT) is Status.WAIVED
    assert judge_clause([finding(Severity.VIOLATION, waiver), finding(Severity.PENDING)],
                        Status.COMPLIANT) is Status.PENDING
    assert judge_clause([finding(Severity.PENDING), finding(Severity.WARNING)], Status.COMPLIANT) is Status.WARNING


def test_a_sessions_one_line_counts_what_the_exit_code_counts(tmp_path):
    """``check --quiet`` (and each audit line): a waived violation is not counted among the
    violations nor named among the violated clauses; the line says how many were waived.
    ``--only-failing`` chooses which sessions are shown, not what their line counts."""
    record = _breach(tmp_path)
    code, out, _ = run("check", str(record), "--as-of", "2026-04-30", "--quiet")
    assert code == 1 and out.endswith(": 1 violation, 1 avertissement, 0 en attente — S3.1\n")
    code, out, _ = run("check", str(record), "--as-of", "2026-04-30", "--quiet",
                       "--waivers", str(_waivers(tmp_path)))
    assert code == 0 and out.endswith(": 0 violation, 1 avertissement, 0 en attente, 1 sous dérogation\n")
    code, out, _ = run("check", str(record), "--as-of", "2026-04-30", "--quiet", "--only-failing", "--lang", "en")
    assert code == 1 and out.endswith(": 1 violation, 1 warning, 0 pending — S3.1\n")


def test_a_sessions_one_line_names_its_violated_clauses_in_catalogue_order(tmp_path):
    """The S sections, then the record's own (D), then the further regulation (R), as reports list them."""
    text = (EXAMPLES / "session-avec-manquements.yaml").read_text(encoding="utf-8")
    record = tmp_path / "with-a-bad-event.yaml"
    record.write_text(text.rstrip("\n") + '\n  - {type: session_closed, at: "2026-03-10T18:00:00+01:00", colour: red}\n',
                      encoding="utf-8")
    code, out, _ = run("check", str(record), "--as-of", "2026-04-30", "--quiet")
    clauses = out.rstrip("\n").rsplit(" — ", 1)[1].split(", ")
    assert code == 2 and clauses == ["S1.1", "S3.1", "S3.2", "S5.2", "S5.3", "S6.2", "S7.1", "S8.5", "S8.6", "D2"]
