"""One severity policy (docs/rules.md, "Severity"): each clause's basis bounds its breach and
no-evidence columns, and each rule's severity is one of its clause's columns; the loader
refuses a clause or a rule that breaks it, at its line."""
from __future__ import annotations

import pytest

from compliance import load_rulebook
from compliance._problems import Problems
from compliance._yaml import load_yaml
from compliance.catalogue import read_catalogue
from compliance.model import Severity

RULEBOOK = load_rulebook()


def _catalogue(basis: str, breach: str, no_evidence: str) -> tuple[dict, list[str]]:
    text = ("settings: {}\nclauses:\n  - id: X1\n    section: X\n    title: {fr: a, en: b}\n"
            f"    basis: {basis}\n    breach: {breach}\n    no_evidence: {no_evidence}\n")
    problems = Problems()
    clauses, _ = read_catalogue("c.yaml", load_yaml(text), problems)
    return clauses, [str(p) for p in problems.items]


@pytest.mark.parametrize("basis", ["superseded", "guidance"])
def test_a_superseded_or_guidance_clause_giving_violations_is_refused_at_its_breach_line(basis):
    clauses, problems = _catalogue(basis, "violation", "none")
    assert problems == [f"c.yaml:7: clause X1: 'breach' disagrees with 'basis: {basis}': "
                        f"expected warning (a {basis} basis gives warnings), got 'violation'"]
    assert clauses == {}


@pytest.mark.parametrize("basis", ["superseded", "guidance"])
def test_a_superseded_or_guidance_clause_may_not_make_a_missing_record_a_violation(basis):
    clauses, problems = _catalogue(basis, "warning", "violation")
    assert problems == [f"c.yaml:8: clause X1: 'no_evidence' disagrees with 'basis: {basis}': "
                        f"expected warning, pending or none (a {basis} basis gives warnings), got 'violation'"]


@pytest.mark.parametrize("basis", ["current", "case_law", "record"])
def test_a_clause_on_a_text_in_force_may_not_give_a_breach_as_a_warning(basis):
    clauses, problems = _catalogue(basis, "warning", "warning")
    assert problems == [f"c.yaml:7: clause X1: 'breach' disagrees with 'basis: {basis}': "
                        f"expected violation (a {basis} basis gives violations), got 'warning'"]


@pytest.mark.parametrize("basis, breach, no_evidence", [
    ("current", "violation", "warning"), ("current", "violation", "violation"),
    ("superseded", "warning", "warning"), ("guidance", "warning", "none"), ("guidance", "warning", "pending"),
    ("seed", "warning", "violation"), ("seed", "violation", "none"), ("record", "violation", "none"),
])
def test_columns_within_the_policy_are_read(basis, breach, no_evidence):
    clauses, problems = _catalogue(basis, breach, no_evidence)
    assert problems == [] and clauses["X1"].basis == basis


def test_an_unknown_basis_is_refused_with_the_known_ones():
    _, problems = _catalogue("rumour", "warning", "none")
    assert problems == ["c.yaml:6: clause X1: 'basis': expected current | case_law | superseded | guidance "
                        "| seed | record, got 'rumour'"]


def test_a_clause_without_basis_is_refused():
    problems = Problems()
    read_catalogue("c.yaml", load_yaml("settings: {}\nclauses:\n  - id: X1\n    section: X\n    title: {fr: a, en: b}\n"
                                       "    breach: violation\n    no_evidence: none\n"), problems)
    assert len(problems.items) == 1 and "basis" in str(problems.items[0])


def test_a_rule_outside_its_clause_columns_is_refused_at_its_severity_line(tmp_path):
    """S8.1 gives violations only: a pending rule is refused, naming the file and the severity
    line. S8.3 is a post-session duty (pending_before_due): the same pending rule is read."""
    from pathlib import Path
    from compliance.errors import ProblemList
    from compliance.rulebook import load_rule_files
    shipped = Path(__file__).parent / "data" / "bad_rules" / "ordering-as-pending.yaml"
    (rule,) = [r for r in load_rule_files([shipped]).checks if r.id == "S8.3-test"]
    assert rule.severity is Severity.PENDING
    path = tmp_path / "s81-pending.yaml"
    path.write_text(shipped.read_text(encoding="utf-8").replace("S8.3", "S8.1"), encoding="utf-8")
    with pytest.raises(ProblemList) as caught:
        load_rule_files([path])
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:5: rule 'S8.1-test': severity 'pending' disagrees with clause S8.1 in rules/clauses.yaml: "
        "expected violation (breach and no_evidence), got 'pending'"]


@pytest.mark.parametrize("clause, flagged", [("S8.3", True), ("S8.4", True), ("S8.5", False), ("S8.6", True),
                                             ("S8.7", True), ("S8.1", False), ("S1.1", False)])
def test_the_post_session_duties_may_be_pending_before_they_are_due(clause, flagged):
    """Regulation reading: S8.3, S8.4, S8.6 and S8.7 are due by the end of the closing day,
    pending before (S8.5 is pending by its own column)."""
    assert RULEBOOK.clause(clause).pending_before_due is flagged


# The shipped catalogue, as the policy reads it (hand-written from the domain notes, §0 and §6).
SHIPPED = {
    "R7": ("current", Severity.VIOLATION, None),          # Code du travail D5211-2 and following
    "R9": ("superseded", Severity.WARNING, None),         # 2008 text only
    "R11": ("current", Severity.VIOLATION, None),         # two habilitated jurors: arrêté 2015
    "S1.3": ("seed", Severity.WARNING, Severity.WARNING),  # made known (2016); display is the guide's
    "S8.3": ("seed", Severity.WARNING, Severity.VIOLATION),  # ordering: the guide's; not entered: violation
    "R5": ("superseded", Severity.WARNING, Severity.WARNING),
    "R8": ("guidance", Severity.WARNING, Severity.WARNING),
}


@pytest.mark.parametrize("clause", sorted(SHIPPED))
def test_the_shipped_catalogue_follows_the_decided_readings(clause):
    c = RULEBOOK.clause(clause)
    assert (c.basis, c.breach, c.no_evidence) == SHIPPED[clause]


@pytest.mark.parametrize("rule, severity", [
    ("R9-incident-sans-rapport-ecrit", Severity.WARNING), ("R9-incident-absent-du-pv", Severity.WARNING),
    ("R9-incident-non-signale", Severity.WARNING), ("S1.3-affichage-incomplet", Severity.WARNING),
    ("S8.3-ceres-avant-signatures", Severity.WARNING), ("S8.3-ceres-saisi-par-un-tiers", Severity.WARNING),
    ("S8.3-ceres-non-saisi", Severity.VIOLATION),
])
def test_the_rules_whose_severity_the_policy_changed(rule, severity):
    assert RULEBOOK.rule(rule).severity is severity
