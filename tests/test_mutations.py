"""The backbone: compliant sessions give nothing; each clause's mutation gives exactly that clause."""
from __future__ import annotations

import pytest
from hypothesis import given

from compliance import Severity, check_session
from mutations import MUTATIONS
from strategies import scenarios


def _clauses(report, *severities):
    return {f.clause for f in report.findings if f.severity in severities}


@given(scenarios())
def test_compliant_session_has_no_violation_and_no_warning(scenario):
    """A session built compliant by construction gives no violation and no warning."""
    report = check_session(scenario.session(), as_of=scenario.as_of)
    assert [(f.rule, f.message.en) for f in report.findings if f.severity is not Severity.PENDING] == []


@pytest.mark.parametrize("clause", sorted(MUTATIONS))
def test_mutation_triggers_exactly_its_clause(clause):
    """Breaking one clause gives a finding of that clause, and no violation of any other."""
    mutation = MUTATIONS[clause]

    @given(mutation.strategy())
    def check(scenario):
        session = scenario.session()
        report = check_session(session, as_of=scenario.as_of)
        assert clause in _clauses(report, Severity.VIOLATION, Severity.WARNING)
        others = _clauses(report, Severity.VIOLATION) - {clause} - mutation.also
        assert others == set()
        ids = {e.id for e in session.events}
        for finding in report.findings:
            assert {ev.event_id for ev in finding.evidence} <= ids

    check()
