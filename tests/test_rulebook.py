"""The rule loader: the shipped rule base loads; every broken file is named with its line."""
from __future__ import annotations

import pytest

from compliance import ProblemList, load_rulebook
from compliance.rulebook import load_rule_files
from conftest import ROOT

BAD = ROOT / "tests" / "data" / "bad_rules"


def test_default_rule_base_loads_with_a_rule_per_catalogue_section():
    rulebook = load_rulebook()
    assert rulebook.checks
    assert all(r.clause in {c.id for c in rulebook.clauses} for r in rulebook.checks)


@pytest.mark.parametrize("name, line, fragment", [
    ("yaml-syntax.yaml", 5, "YAML"),
    ("unknown-key.yaml", 12, "unknown key 'sevrity'"),
    ("unknown-clause.yaml", 4, "unknown clause 'S1.9'"),
    ("missing-severity.yaml", 3, "missing key 'severity'"),
    ("missing-clause.yaml", 3, "missing key 'clause'"),
    ("unknown-event.yaml", 10, "unknown event type 'session_opend'"),
    ("unknown-field.yaml", 11, "no field 'candidat'"),
    ("bad-condition.yaml", 11, "expected a duration"),
    ("bad-placeholder.yaml", 11, "placeholder '{t.candidat}'"),
    ("duplicate-id.yaml", 12, "duplicate rule id 'S1.1-test'"),
    ("kind-mismatch.yaml", 13, "field 'at' holds an instant, compared with a text or choice"),
    ("python-tag.yaml", 2, "YAML"),
    ("alias-bomb.yaml", 2, "anchors (&name) are not allowed"),
])
def test_broken_rule_file_names_file_line_and_problem(name, line, fragment):
    with pytest.raises(ProblemList) as caught:
        load_rule_files([BAD / name])
    first = str(caught.value.problems[0])
    assert first.startswith(f"{BAD / name}:{line}"), first
    assert fragment in first


def test_unknown_key_suggests_the_right_spelling():
    with pytest.raises(ProblemList) as caught:
        load_rule_files([BAD / "unknown-key.yaml"])
    assert "did you mean 'severity'?" in str(caught.value)


def test_a_rule_directory_overrides_a_default_rule_by_id(tmp_path):
    """A user directory can replace a shipped rule (same id) and add new ones."""
    (tmp_path / "S1-local.yaml").write_text("""section: S1
rules:
  - id: S1.3-affichage-non-verifie
    clause: S1.3
    severity: violation
    title: {fr: "Affichage non vérifié (règle locale)", en: "Display not checked (local rule)"}
    reference: {text: "Règle locale du centre"}
    when:
      - match: o
        event: session_opened
      - absent: display_checked
    message: {fr: "Pas de contrôle d'affichage.", en: "No display check."}
""", encoding="utf-8")
    rulebook = load_rulebook(tmp_path)
    assert rulebook.rule("S1.3-affichage-non-verifie").severity == "violation"
    assert rulebook.fingerprint != load_rulebook().fingerprint


def test_a_rule_applies_only_to_sessions_held_while_in_force(tmp_path):
    """Old archives are judged by the law of their day: the 2016 witness rule does not apply
    to a 2015 session."""
    import datetime as dt

    from compliance import check_session
    from compliance.events import parse_event
    from compliance.errors import Location
    from compliance.model import Session

    def session(year):
        raws = [{"type": "session_opened", "at": f"{year}-03-10T08:00:00+01:00"},
                {"type": "seal_checked", "at": f"{year}-03-10T08:50:00+01:00", "witness": "SV1", "sealed": True}]
        return Session(id="S", events=[parse_event(r, Location("t"), session="S", default_id=str(i))
                                       for i, r in enumerate(raws)])
    as_of = dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)
    rules = lambda r: {f.rule for f in r.findings}
    assert "S4.1-temoin-non-inscrit" in rules(check_session(session(2026), as_of=as_of))
    assert "S4.1-temoin-non-inscrit" not in rules(check_session(session(2015), as_of=as_of))
