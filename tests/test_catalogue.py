"""Every clause of the catalogue is checked: a rule, embedded examples, and a mutation."""
from __future__ import annotations

import datetime as dt

import pytest

from compliance import Location, Session, check_session, load_rulebook, parse_event
from compliance.selfcheck import run_examples
from mutations import MUTATIONS

RULEBOOK = load_rulebook()
RECORD_CLAUSES = {"D1", "D2", "D3", "D4"}     # emitted by the readers and the integrity checks
CLAUSES = [c.id for c in RULEBOOK.clauses if not c.retired]


@pytest.mark.parametrize("clause", CLAUSES)
def test_every_clause_has_a_rule_and_a_mutation(clause):
    if clause not in RECORD_CLAUSES:
        assert any(r.clause == clause for r in RULEBOOK.checks), f"no rule for {clause}"
        assert clause in MUTATIONS, f"no mutation for {clause}"


@pytest.mark.parametrize("rule", [r.id for r in RULEBOOK.checks])
def test_every_rule_has_examples_that_fire_and_pass(rule):
    expects = {e.expect for e in RULEBOOK.rule(rule).examples}
    assert expects == {"fire", "pass"}


@pytest.mark.parametrize("rule", [r.id for r in RULEBOOK.checks])
def test_embedded_examples_hold(rule):
    """What `compliance rules test` runs, one rule at a time."""
    failures = [r.describe() for r in run_examples(RULEBOOK, [RULEBOOK.rule(rule)]) if not r.ok]
    assert failures == []


def test_catalogue_ids_are_the_published_ones():
    """Ids are never renumbered: the catalogue keeps exactly these (retired ones included)."""
    expected = ([f"S1.{i}" for i in range(1, 4)] + [f"S2.{i}" for i in range(1, 4)]
                + [f"S3.{i}" for i in range(1, 6)] + [f"S4.{i}" for i in range(1, 6)]
                + [f"S5.{i}" for i in range(1, 6)] + [f"S6.{i}" for i in range(1, 4)]
                + [f"S7.{i}" for i in range(1, 4)] + [f"S8.{i}" for i in range(1, 8)]
                + ["D1", "D2", "D3", "D4"] + [f"R{i}" for i in range(1, 13)] + ["R13", "R14", "R15", "R16", "R17"])
    assert [c.id for c in RULEBOOK.clauses] == expected


@pytest.mark.parametrize("rule", [r.id for r in RULEBOOK.checks])
def test_each_rule_severity_is_one_its_clause_allows(rule):
    """The catalogue's columns are the law of severities (domain notes, severity policy); a
    post-session duty (pending_before_due) may also be pending before it is due."""
    from compliance.model import Severity
    check = RULEBOOK.rule(rule)
    clause = RULEBOOK.clause(check.clause)
    allowed = {clause.breach, clause.no_evidence} | ({Severity.PENDING} if clause.pending_before_due else set())
    assert check.severity in allowed


def test_the_catalogue_columns_are_read_as_severities():
    from compliance.model import Severity
    s85, s55 = RULEBOOK.clause("S8.5"), RULEBOOK.clause("S5.5")
    assert (s85.breach, s85.no_evidence) == (Severity.VIOLATION, Severity.PENDING)
    assert (s55.breach, s55.no_evidence) == (Severity.VIOLATION, None)      # none: nothing to record


@pytest.mark.parametrize("column, value, expected", [
    ("breach", "pending", "expected violation | warning, got 'pending'"),
    ("no_evidence", "error", "expected violation | warning | pending | none, got 'error'"),
])
def test_a_catalogue_column_outside_its_values_is_refused_at_its_line(column, value, expected):
    from compliance._problems import Problems
    from compliance._yaml import load_yaml
    from compliance.catalogue import read_catalogue
    text = ("settings: {}\nclauses:\n  - id: X1\n    section: X\n    title: {fr: a, en: b}\n"
            "    basis: seed\n    breach: violation\n    no_evidence: none\n").replace(f"{column}: ", f"{column}: {value} #")
    problems = Problems()
    clauses, _ = read_catalogue("c.yaml", load_yaml(text), problems)
    line = 7 if column == "breach" else 8
    assert [str(p) for p in problems.items] == [f"c.yaml:{line}: clause X1: '{column}': {expected}"]
    assert clauses == {}


# -- calendar days across the daylight-saving changes -------------------------------------------------
# A habilitation (R4) is valid through its last day, whatever the day's length: 25 hours on the
# last Sunday of October in Paris, 23 on the last Sunday of March.

def _rule_findings(rule: str, raws: list[dict], as_of: str) -> list:
    events = [parse_event(raw, Location("<test>", event=i + 1), session="S", default_id=f"e{i + 1}")
              for i, raw in enumerate(raws)]
    report = check_session(Session(id="S", events=events, source="<test>"),
                           as_of=dt.datetime.fromisoformat(as_of))
    return [f for f in report.findings if f.rule == rule]


def _evaluated(at: str, habilitated_until: str) -> list[dict]:
    return [
        {"type": "session_planned", "at": "2024-01-15T10:00:00+01:00", "title": "TP-00417",
         "title_name": "Cuisinier", "centre": "Centre", "site": "Villeurbanne", "kind": "titre"},
        {"type": "juror_appointed", "at": "2024-01-16T10:00:00+01:00", "juror": "J1",
         "habilitation_title": "TP-00417", "habilitation_from": "2023-01-01",
         "habilitation_until": habilitated_until},
        {"type": "evaluation_recorded", "at": at, "juror": "J1", "candidate": "C1", "test": "T1"},
    ]


def test_a_habilitation_through_the_day_covers_its_last_hour_when_the_clocks_go_back():
    """Valid through 27 October 2024: an evaluation at 23:30 that evening is covered."""
    events = _evaluated("2024-10-27T23:30:00+01:00", habilitated_until="2024-10-27")
    assert _rule_findings("R4-habilitation-invalide", events, "2024-10-28T12:00:00+01:00") == []


def test_a_habilitation_through_the_day_covers_its_last_minute_on_an_ordinary_day():
    """Valid through 10 March 2026: an evaluation at 23:59 is covered, one at midnight is not."""
    covered = _evaluated("2026-03-10T23:59:00+01:00", habilitated_until="2026-03-10")
    assert _rule_findings("R4-habilitation-invalide", covered, "2026-03-12T12:00:00+01:00") == []
    after = _evaluated("2026-03-11T00:00:00+01:00", habilitated_until="2026-03-10")
    assert [sorted(e.event_id for e in f.evidence) for f in _rule_findings(
        "R4-habilitation-invalide", after, "2026-03-12T12:00:00+01:00")] == [["e2", "e3"]]   # appointment, evaluation


def test_a_habilitation_through_the_day_ends_at_midnight_when_the_clocks_go_forward():
    """Valid through 31 March 2024 (a 23-hour day): an evaluation at 00:30 on 1 April is not
    covered."""
    events = _evaluated("2024-04-01T00:30:00+02:00", habilitated_until="2024-03-31")
    assert len(_rule_findings("R4-habilitation-invalide", events, "2024-04-02T12:00:00+02:00")) == 1
