"""Evidence of compliance: a compliant clause cites the events that met its rules (the test and
the identity check before it), in the JSON and HTML reports of ``check``; a clause that fails
cites none; nothing changes for a report that did not ask for it."""
from __future__ import annotations

import datetime as dt
import io
import json
from collections import defaultdict

import attrs
from hypothesis import given, settings

from compliance import check_session, read_path
from compliance.checker import default_rulebook
from compliance.cli import main
from compliance.model import Report, Status
from compliance.witness import source_rule, witness_checks
from conftest import EXAMPLES
from strategies import scenarios

CLEAN = EXAMPLES / "session-conforme.yaml"
BREACHES = EXAMPLES / "session-avec-manquements.yaml"
AS_OF = dt.datetime(2026, 4, 30, 23, 59, tzinfo=dt.timezone.utc)


def _clauses(report: Report):
    return {c.clause: c for c in report.clauses}


def test_witnesses_turn_the_obligation_not_the_scoping():
    """S3.1's rule reads "a first test start, and no identity check before it": its witness
    turns the identity check into a match and leaves the "first" (an earlier start) alone."""
    witnesses = [w for w in witness_checks(default_rulebook()) if source_rule(w.id) == "S3.1-identite-non-controlee"]
    # the valid check turned; the failed check before the test (which only hands the case to
    # S3.1-piece-d-identite-non-conforme) turned too, but beside the valid check's absence it
    # matches no compliant session (the next test counts one way per candidate)
    assert len(witnesses) == 2
    w, failed = witnesses
    matched = [p.event for p in w.patterns if not p.absent]
    absent = [p.event for p in w.patterns if p.absent]
    assert matched == ["test_started", "identity_checked"]
    assert absent == ["test_started", "identity_checked"]
    assert set(w.evidence) == {p.alias for p in w.patterns if not p.absent}
    kept = [c.text for p in failed.patterns if p.absent and p.event == "identity_checked" for c in p.conditions]
    assert "valid == true" in kept


def test_each_candidate_s_first_test_is_met_by_their_identity_check():
    (session,) = read_path(CLEAN)
    report = check_session(session, as_of=AS_OF, compliance_evidence=True)
    s31 = _clauses(report)["S3.1"]
    assert s31.status is Status.COMPLIANT
    starters = {e.candidate for e in session.events if e.TYPE == "test_started"}
    assert starters and len(s31.satisfied_by) == len(starters)
    for way in s31.satisfied_by:
        assert way.rule == "S3.1-identite-non-controlee"
        kinds = [e.type for e in way.evidence]
        assert kinds == ["identity_checked", "test_started"]          # in time order
        check, start = way.evidence
        assert dict(check.details)["candidate"] == dict(start.details)["candidate"]
        assert check.at <= start.at
    assert {dict(w.evidence[1].details)["candidate"] for w in s31.satisfied_by} == starters


def test_a_failing_clause_cites_no_evidence_of_compliance():
    (session,) = read_path(BREACHES)
    report = check_session(session, as_of=AS_OF, compliance_evidence=True)
    clauses = _clauses(report)
    assert clauses["S3.1"].status is Status.VIOLATION
    assert clauses["S3.1"].satisfied_by == ()
    assert all(c.satisfied_by == () for c in report.clauses if c.status is not Status.COMPLIANT)
    assert clauses["S4.1"].status is Status.COMPLIANT and clauses["S4.1"].satisfied_by   # the seals checked


def test_without_the_option_the_report_is_unchanged():
    (session,) = read_path(CLEAN)
    plain = check_session(session, as_of=AS_OF)
    asked = check_session(session, as_of=AS_OF, compliance_evidence=True)
    assert all(c.satisfied_by == () for c in plain.clauses)
    assert "satisfied_by" not in json.dumps(plain.to_json())
    strip = [attrs.evolve(c, satisfied_by=()) for c in asked.clauses]
    assert tuple(strip) == plain.clauses
    assert asked.findings == plain.findings


def test_the_json_report_round_trips_the_evidence():
    (session,) = read_path(CLEAN)
    report = check_session(session, as_of=AS_OF, compliance_evidence=True)
    back = Report.from_json(json.loads(json.dumps(report.to_json())))
    for mine, read in zip(report.clauses, back.clauses):
        assert [w.rule for w in mine.satisfied_by] == [w.rule for w in read.satisfied_by]
        assert [[e.event_id for e in w.evidence] for w in mine.satisfied_by] == \
            [[e.event_id for e in w.evidence] for w in read.satisfied_by]


def _cli(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", str(CLEAN), "--as-of", "2026-04-30", *args], out, err)
    assert err.getvalue() == ""
    return code, out.getvalue()


def test_check_json_and_html_show_it_by_default_and_the_option_turns_it_off():
    code, text = _cli("--format", "json")
    assert code == 0
    clauses = {c["clause"]: c for c in json.loads(text)["reports"][0]["clauses"]}
    ids = {e["event_id"] for w in clauses["S3.1"]["satisfied_by"] for e in w["evidence"]}
    assert ids and all(isinstance(i, str) for i in ids)
    _, text = _cli("--format", "json", "--no-compliance-evidence")
    assert "satisfied_by" not in text
    _, page = _cli("--format", "html")
    assert 'id="s1-met-S3.1"' in page and 'href="#s1-met-S3.1"' in page
    _, page = _cli("--format", "html", "--no-compliance-evidence")
    assert 'id="s1-met' not in page


@settings(max_examples=10, deadline=None)
@given(scenarios())
def test_generated_compliant_sessions_show_each_first_test_met_by_an_identity_check(scenario):
    """Across the shapes the generator draws: every candidate who starts a test has S3.1
    evidence made of their own identity check at or before their first start; every cited event
    is one of the session's."""
    session = scenario.session()
    report = check_session(session, as_of=scenario.as_of, compliance_evidence=True)
    ids = {e.id for e in session.events}
    first_start: dict[str, dt.datetime] = {}
    for e in session.events:
        if e.TYPE == "test_started":
            first_start[e.candidate] = min(first_start.get(e.candidate, e.at), e.at)
    clauses = _clauses(report)
    assert clauses["S3.1"].status is Status.COMPLIANT
    met = defaultdict(list)
    for way in clauses["S3.1"].satisfied_by:
        check, start = way.evidence
        candidate = dict(start.details)["candidate"]
        assert dict(check.details)["candidate"] == candidate and check.at <= start.at
        met[candidate].append(start.at)
    assert set(met) == set(first_start)
    for clause in report.clauses:
        for way in clause.satisfied_by:
            assert {e.event_id for e in way.evidence} <= ids
            assert [e.at for e in way.evidence] == sorted(e.at for e in way.evidence)
