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
    ("empty.yaml", 1, "empty rule file"),
    ("only-comment.yaml", 1, "empty rule file"),
    ("unknown-section.yaml", 1, "unknown 'section': expected a section of the clause catalogue: D, R, S1"),
    ("event-list.yaml", 10, "event type: expected an event type name, got ['session_opened']"),
    ("clause-list.yaml", 4, "'clause': expected a clause id of rules/clauses.yaml, got ['S1.1']"),
    ("span-overflow.yaml", 13, "number 99999999999999999999… has too many digits"),
    ("span-too-long.yaml", 13, "duration 10001 days is too long: at most 10,000 days"),
    ("chain-too-long.yaml", 13, "arithmetic with more than 20 terms"),
    ("number-out-of-range.yaml", 11, "number 2147483648 is out of range (at most ±2,147,483,647)"),
    ("unconstrained-joins.yaml", 15, "'match: d' is related to no earlier match by a condition "
                                     "(unconstrained join number 3): expected at most 2"),
    ("derived-end.yaml", 7, "field 'seen' may not read 'end'"),
    ("severity-disagrees.yaml", 5, "severity 'violation' disagrees with clause S2.3 in rules/clauses.yaml: "
                                   "expected warning (breach and no_evidence), got 'violation'"),
    ("pending-without-deadline.yaml", 5, "severity 'pending' disagrees with clause S1.1 in rules/clauses.yaml: "
                                         "expected violation (breach) or warning (no_evidence), got 'pending'"),
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
    severity: warning
    title: {fr: "Affichage non vérifié (règle locale)", en: "Display not checked (local rule)"}
    reference: {text: "Règle locale du centre"}
    when:
      - match: o
        event: session_opened
      - absent: display_checked
    message: {fr: "Pas de contrôle d'affichage.", en: "No display check."}
""", encoding="utf-8")
    rulebook = load_rulebook(tmp_path)
    assert rulebook.rule("S1.3-affichage-non-verifie").title.fr == "Affichage non vérifié (règle locale)"
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


def _one_rule(tmp_path, when: str, name: str = "S1-local.yaml"):
    """A rule file with one S1.1 rule whose 'when' is the given YAML block."""
    path = tmp_path / name
    path.write_text("""section: S1
rules:
  - id: S1.1-local
    clause: S1.1
    severity: violation
    title: {fr: "t", en: "t"}
    reference: {text: "r"}
    when:
""" + when + """    message: {fr: "m", en: "m"}
""", encoding="utf-8")
    return path


def test_two_unconstrained_joins_load_a_third_is_refused(tmp_path):
    """The limit is on 'match' entries related to no earlier match; a condition on a literal
    or on 'end' does not relate, an absence is not a join, one reference to an earlier alias does."""
    two = """      - match: a
        event: test_started
      - match: b
        event: test_started
        where: ["test == T1", "at < end.at"]
      - absent: test_ended
      - match: c
        event: test_started
      - match: d
        event: test_started
        where: ["at > b.at"]
"""
    assert load_rule_files([_one_rule(tmp_path, two)]).rule("S1.1-local")
    three = two + """      - match: f
        event: test_ended
"""
    with pytest.raises(ProblemList) as caught:
        load_rule_files([_one_rule(tmp_path, three)])
    assert str(caught.value).startswith(f"{tmp_path / 'S1-local.yaml'}:20:")
    assert "'match: f'" in str(caught.value) and "at most 2 unconstrained joins" in str(caught.value)


@pytest.mark.parametrize("condition", [
    "at > t.at + 10000 days",
    "at > t.at - 240000 hours",
    "at > t.at" + " + 10000 days" * 19,            # 20 terms
])
def test_time_arithmetic_at_its_bounds_loads(tmp_path, condition):
    when = f"""      - match: t
        event: test_started
      - match: u
        event: test_ended
        where: ["{condition}"]
"""
    rule = load_rule_files([_one_rule(tmp_path, when)]).rule("S1.1-local")
    assert rule.patterns[1].conditions[0].text == condition


@pytest.mark.parametrize("value", ["2147483647", "-2147483647", "0"])
def test_numbers_within_the_engine_range_load(tmp_path, value):
    when = f"""      - match: s
        event: session_planned
        where: ["convocation_lead_days == {value}"]
"""
    (cond,) = load_rule_files([_one_rule(tmp_path, when)]).rule("S1.1-local").patterns[0].conditions
    assert cond.operand.value == int(value)


def test_a_span_at_the_bound_is_computed_exactly_by_the_engine(tmp_path):
    """No wrap-around: 10,000 days after the test start is judged to the minute."""
    import datetime as dt

    from compliance import check_session, load_rulebook
    from compliance.events import parse_event
    from compliance.errors import Location
    from compliance.model import Session

    rulebook = load_rulebook(_one_rule(tmp_path, """      - match: t
        event: test_started
      - match: u
        event: test_ended
        where: ["test == t.test", "at > t.at + 9999 days + 24 hours"]
""").parent)
    start = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.timezone.utc)

    def fired(after: dt.timedelta) -> bool:
        raws = [{"type": "test_started", "at": start.isoformat(), "test": "T1", "candidate": "C1"},
                {"type": "test_ended", "at": (start + after).isoformat(), "test": "T1", "candidate": "C1"}]
        session = Session(id="S", events=[parse_event(r, Location("t"), session="S", default_id=str(i))
                                          for i, r in enumerate(raws)])
        report = check_session(session, rulebook, as_of=start + after + dt.timedelta(days=1))
        return any(f.rule == "S1.1-local" for f in report.findings)

    assert not fired(dt.timedelta(days=10_000))
    assert fired(dt.timedelta(days=10_000, minutes=1))
    assert not fired(dt.timedelta(minutes=1))


def test_a_file_of_rules_with_an_example_count_that_is_not_a_number_is_refused(tmp_path):
    path = _one_rule(tmp_path, """      - match: o
        event: session_opened
""")
    path.write_text(path.read_text(encoding="utf-8") + """    examples:
      - expect: fire
        count: [1]
        events: []
""", encoding="utf-8")
    with pytest.raises(ProblemList) as caught:
        load_rule_files([path])
    assert str(caught.value).startswith(f"{path}:14:") and "'count': expected a whole number" in str(caught.value)


def test_the_rule_language_doc_states_the_limits_the_code_enforces():
    from compliance import engine, expressions, rulebook
    from compliance.readers._result import MAX_EVENTS
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for phrase in [f"A rule may have at most **{rulebook.MAX_UNCONSTRAINED_JOINS}**",
                   f"at most ±{expressions.MAX_NUMBER:,}",
                   f"at most {expressions.MAX_SPAN_DAYS:,} days",
                   f"has at most {expressions.MAX_TERMS} terms",
                   f"at most **{MAX_EVENTS:,} events**",
                   f"at most **{engine.MAX_COMPARISONS:,} comparisons**",
                   f"at most **{engine.MAX_MATCHES:,} rule matches**"]:
        assert phrase in text, phrase


@pytest.mark.parametrize("name, place, message", [
    ("kind-mismatch.yaml", "13:17", "condition 'at > t.candidate': field 'at' holds an instant, "
                                    "compared with a text or choice"),
    ("where-item.yaml", "14:15", "condition 'valid == yes': field 'valid' holds true/false, "
                                 "compared with a text or choice"),
    ("bad-condition.yaml", "11:17", "expected a duration (e.g. 15 days) or alias.field after + or -"),
])
def test_a_bad_condition_is_reported_at_its_own_line_and_column(name, place, message):
    """Not at the 'where:' key: the item itself, as written, so an editor can jump to it."""
    with pytest.raises(ProblemList) as caught:
        load_rule_files([BAD / name])
    first = str(caught.value.problems[0])
    assert first.startswith(f"{BAD / name}:{place}: rule "), first
    assert first.endswith(message), first


def test_section_titles_come_from_the_rule_files():
    """One home: each section's title is its rule file's (D has a file for its title alone)."""
    from compliance.model import Text
    sections = load_rulebook().sections
    assert dict(sections) == {
        "D": Text("Le dossier de session lui-même", "The record itself"),
        "R": Text("Réglementation complémentaire", "Further regulation"),
        "S1": Text("Le responsable de session", "The session manager"),
        "S2": Text("Le jury", "The jury"),
        "S3": Text("Les candidats", "The candidates"),
        "S4": Text("Les plis et le DTE", "Sealed envelopes and the DTE"),
        "S5": Text("Le déroulement des épreuves", "Conduct of the tests"),
        "S6": Text("La délibération", "Deliberation"),
        "S7": Text("Le dossier et la décision", "Dossier and decision"),
        "S8": Text("Après la délibération", "After the deliberation"),
    }
    with pytest.raises(TypeError):
        sections["S1"] = Text("x", "y")     # read-only


def test_an_override_directory_may_retitle_a_section(tmp_path):
    (tmp_path / "S1-local.yaml").write_text(
        'section: S1\ntitle: {fr: "Responsable", en: "Manager"}\nrules: []\n', encoding="utf-8")
    assert load_rulebook(tmp_path).sections["S1"].en == "Manager"


def test_two_shipped_files_may_not_title_one_section_differently(tmp_path):
    for name, title in (("a.yaml", "Un"), ("b.yaml", "Deux")):
        (tmp_path / name).write_text(f'section: S1\ntitle: {{fr: "{title}", en: "x"}}\nrules: []\n',
                                     encoding="utf-8")
    with pytest.raises(ProblemList) as caught:
        load_rule_files([tmp_path / "a.yaml", tmp_path / "b.yaml"])
    assert str(caught.value) == (f"{tmp_path / 'b.yaml'}:2: section 'S1' titled differently: "
                                 f"expected the title given in {tmp_path / 'a.yaml'}, got 'Deux'")


def test_checks_and_derivations_are_two_types():
    """A check always has its clause, texts, reference and a Severity; a derivation its type and fields."""
    from compliance.model import Severity
    from compliance.rulebook import Certainty, Check, Derivation, Expect
    rulebook = load_rulebook()
    assert rulebook.checks and all(isinstance(r, Check) for r in rulebook.checks)
    assert {r.id for r in rulebook.derivations} == {
        "entretien-final-passe", "autre-evaluateur-habilite", "deux-autres-evaluateurs-habilites",
        "jure-habilite-pour-le-titre", "jury-habilite-present", "jury-quorum-atteint",
        "entretien-final-manque-par-absence", "epreuve-evaluee-par-le-jury", "acte-de-releve",
        "acte-de-suppleant-admission", "acte-de-suppleant-contreseing", "acte-de-suppleant-ceres",
        "acte-de-suppleant-transmission", "jury-habilite-arrive",
        "autre-evaluateur-habilite-apres-retrait", "formateur-declare-du-candidat",
        "formateur-de-l-organisme-du-candidat", "evaluation-par-un-jure-habilite",
        "deux-jures-habilites-par-epreuve", "jure-en-retrait-pour-un-candidat", "jure-lie-a-un-candidat",
        "epreuve-a-distance-experimentale", "dossier-complet", "entretien-final-manque-par-exclusion",
        "depart-effectif-d-une-epreuve"}
    assert set(rulebook.rules) == set(rulebook.checks) | set(rulebook.derivations)
    quorum = rulebook.rule("jury-quorum-atteint")
    assert isinstance(quorum, Derivation)
    assert (quorum.type, [(name, str(ref)) for name, ref in quorum.fields]) == (
        "jury_quorum", [("first", "j1.juror"), ("second", "j2.juror"), ("since", "j1.checked_in")])
    late = rulebook.rule("S8.5-pv-en-attente")
    assert isinstance(late, Check)
    assert (late.severity, late.certainty) == (Severity.PENDING, Certainty.FINISH)
    assert {e.expect for e in late.examples} == {Expect.FIRE, Expect.PASS}
    duration = rulebook.rule("S5.2-duree-depassee")
    assert [(v.name, v.family) for v in duration.values] == [("duree", "duration"), ("pauses", "duration"),
                                                             ("limite", "duration")]


def test_rulebook_and_compiler_do_not_import_each_other():
    """The vocabulary lives on the events side: no cycle, hidden or not."""
    import ast
    def imports(module):
        tree = ast.parse((ROOT / "compliance" / f"{module}.py").read_text(encoding="utf-8"))
        return {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert "compiler" not in imports("rulebook") | imports("_rule_reader") | imports("rule_model")
    assert "rulebook" not in imports("compiler")


def _rule_file_schema():
    import importlib.resources
    import json
    text = (importlib.resources.files("compliance") / "schemas" / "rules.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@pytest.mark.parametrize("path", sorted(p.name for p in (ROOT / "rules").glob("*.yaml") if p.name != "clauses.yaml"))
def test_every_shipped_rule_file_follows_the_published_schema(path):
    import jsonschema
    from compliance._yaml import load_yaml
    schema = _rule_file_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    doc = load_yaml((ROOT / "rules" / path).read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in jsonschema.Draft202012Validator(schema).iter_errors(doc)]
    assert errors == []


@pytest.mark.parametrize("name, path", [
    ("unknown-key.yaml", ["rules", 0]),            # 'sevrity'
    ("missing-severity.yaml", ["rules", 0]),
    ("event-list.yaml", ["rules", 0]),             # a list where an event type is expected
])
def test_the_schema_refuses_what_the_loader_refuses_by_shape(name, path):
    import jsonschema
    from compliance._yaml import load_yaml
    doc = load_yaml((BAD / name).read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft202012Validator(_rule_file_schema()).iter_errors(doc))
    assert [list(e.absolute_path)[:2] for e in errors] == [path]


def test_first_is_a_match_and_the_absence_of_an_earlier_one(tmp_path):
    """'first: start, per: [candidate]' reads as the start with no earlier start of its candidate."""
    from compliance.rulebook import Pattern
    from compliance.expressions import parse_condition
    (tmp_path / "S3-local.yaml").write_text("""section: S3
rules:
  - id: S3.1-premiere-epreuve
    clause: S3.1
    severity: violation
    title: {fr: "t", en: "t"}
    reference: {text: "r"}
    when:
      - first: start
        event: test_started
        per: [candidate]
        where: ["remote == false"]
    message: {fr: "{start.candidate}", en: "{start.candidate}"}
    examples:
      - expect: fire
        count: 2
        events:
          - {type: test_started, at: "2026-03-10T09:00:00+01:00", test: T1, candidate: C1}
          - {type: test_started, at: "2026-03-10T10:00:00+01:00", test: T2, candidate: C1}
          - {type: test_started, at: "2026-03-10T11:00:00+01:00", test: T3, candidate: C2}
      - expect: pass
        events:
          - {type: test_started, at: "2026-03-10T09:00:00+01:00", test: T1, candidate: C1, remote: true}
""", encoding="utf-8")
    rulebook = load_rulebook(tmp_path)
    rule = rulebook.rule("S3.1-premiere-epreuve")
    assert rule.patterns == (
        Pattern(alias="start", event="test_started", conditions=(parse_condition("remote == false"),), absent=False),
        Pattern(alias=None, event="test_started", absent=True, conditions=(
            parse_condition("remote == false"), parse_condition("candidate == start.candidate"),
            parse_condition("at < start.at"))),
    )
    from compliance.selfcheck import run_examples
    assert [(r.fired, r.ok) for r in run_examples(rulebook, [rule])] == [(2, True), (0, True)]


@pytest.mark.parametrize("entry, message", [
    ('{first: start, event: test_started, per: [candidat]}',
     "rule 'S3.1-x': 'per': expected field names of 'test_started' or day(at), got ['candidat'] "
     "(did you mean 'candidate'?)"),
    ('{first: start, event: test_started, wher: ["at > 1"]}',
     "rule 'S3.1-x': 'when' entry: unknown key 'wher' (did you mean 'where'?)"),
    ('{match: appointment, event: juror_appointed, where: ["habilitation_until >= day(start.at)"]}',
     "rule 'S3.1-x': unknown alias 'start' (aliases are bound by an earlier 'match' entry)"),
])
def test_first_and_day_errors_say_what_was_expected(tmp_path, entry, message):
    path = tmp_path / "S3-x.yaml"
    path.write_text(f"""section: S3
rules:
  - id: S3.1-x
    clause: S3.1
    severity: violation
    title: {{fr: "t", en: "t"}}
    reference: {{text: "r"}}
    when:
      - {entry}
    message: {{fr: "m", en: "m"}}
""", encoding="utf-8")
    with pytest.raises(ProblemList) as caught:
        load_rule_files([path])
    assert str(caught.value.problems[0]).split(": ", 1)[1] == message


def test_day_compares_calendar_days_only(tmp_path):
    path = tmp_path / "R-x.yaml"
    path.write_text("""section: R
rules:
  - id: R4-x
    clause: R4
    severity: violation
    title: {fr: "t", en: "t"}
    reference: {text: "r"}
    when:
      - match: evaluation
        event: evaluation_recorded
      - absent: juror_appointed
        where: ["at >= day(evaluation.at)"]
    message: {fr: "m", en: "m"}
""", encoding="utf-8")
    with pytest.raises(ProblemList) as caught:
        load_rule_files([path])
    assert str(caught.value) == (f"{path}:12:17: rule 'R4-x': condition 'at >= day(evaluation.at)': "
                                 "day(...) compares a calendar day, and 'at' is time "
                                 "(compare an instant directly: at <= t.at)")


def test_a_rule_base_pickles_for_spawned_audit_workers():
    """Audit workers may be spawned (beside another thread): the rule base must pickle whole."""
    import pickle
    rulebook = load_rulebook()
    copy = pickle.loads(pickle.dumps(rulebook))
    assert copy == rulebook
    assert dict(copy.sections) == dict(rulebook.sections)
    assert [r.id for r in copy.rules] == [r.id for r in rulebook.rules]
    with pytest.raises(TypeError):
        rulebook.sections["S1"] = rulebook.sections["S2"]   # type: ignore[index]
