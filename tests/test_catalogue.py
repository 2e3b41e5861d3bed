"""Every clause of the catalogue is checked: a rule, embedded examples, and a mutation."""
from __future__ import annotations

import pytest

from compliance import load_rulebook
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
                + ["D1", "D2", "D3", "D4"] + [f"R{i}" for i in range(1, 13)])
    assert [c.id for c in RULEBOOK.clauses] == expected


@pytest.mark.parametrize("rule", [r.id for r in RULEBOOK.checks])
def test_each_rule_severity_is_one_its_clause_allows(rule):
    """The catalogue's columns are the law of severities (domain notes, severity policy)."""
    check = RULEBOOK.rule(rule)
    clause = RULEBOOK.clause(check.clause)
    assert check.severity in {clause.breach, clause.no_evidence}


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
            "    breach: violation\n    no_evidence: none\n").replace(f"{column}: ", f"{column}: {value} #")
    problems = Problems()
    clauses, _ = read_catalogue("c.yaml", load_yaml(text), problems)
    line = 6 if column == "breach" else 7
    assert [str(p) for p in problems.items] == [f"c.yaml:{line}: clause X1: '{column}': {expected}"]
    assert clauses == {}
