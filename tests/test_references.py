"""References a reader can follow: the catalogue lists each text with its date and status, every
rule's reference names texts of that list (an unknown id is refused at its line), and a
finding's source carries the main text's date and status."""
from __future__ import annotations

import datetime as dt

import pytest

from compliance import Location, Session, check_session, load_rulebook, parse_event
from compliance._problems import Problems
from compliance._yaml import load_yaml
from compliance.catalogue import read_texts

RULEBOOK = load_rulebook()


@pytest.mark.parametrize("rule", [r.id for r in RULEBOOK.checks])
def test_every_rule_names_at_least_one_text_of_the_catalogue(rule):
    assert RULEBOOK.rule(rule).reference.texts != ()


def test_the_catalogue_dates_the_texts_and_says_which_are_superseded():
    texts = {t.id: t for r in RULEBOOK.checks for t in r.reference.texts}
    assert (texts["arrete-2015-12-22"].date, texts["arrete-2015-12-22"].status) == ("2015-12-22", "in_force")
    assert (texts["arrete-2008-12-08"].date, texts["arrete-2008-12-08"].status) == ("2008-12-08", "superseded")
    assert texts["guide-session"].status == "guidance"
    assert texts["code-education-r338"].url == "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000032887451"


def test_a_reference_naming_an_unknown_text_is_refused_at_its_line(tmp_path):
    from compliance.errors import ProblemList
    rules = tmp_path / "rules"
    rules.mkdir()
    catalogue = (RULEBOOK_DIR / "clauses.yaml").read_text(encoding="utf-8")
    (rules / "clauses.yaml").write_text(catalogue, encoding="utf-8")
    (rules / "S1-x.yaml").write_text("""section: S1
rules:
  - id: S1.1-x
    clause: S1.1
    severity: violation
    title: {fr: t, en: t}
    reference: {texts: [arrete-2015-12-23], text: "Arrêté"}
    when:
      - match: o
        event: session_opened
    message: {fr: m, en: m}
""", encoding="utf-8")
    with pytest.raises(ProblemList) as caught:
        load_rulebook(rules)
    assert [str(p) for p in caught.value.problems] == [
        f"{rules / 'S1-x.yaml'}:7: rule 'S1.1-x': reference: unknown text 'arrete-2015-12-23' "
        "(did you mean 'arrete-2015-12-22'?)"]


@pytest.mark.parametrize("entry, line, problem", [
    ("{title: t, status: repealed}", 2, "text 'x': 'status': expected in_force | superseded | guidance, got 'repealed'"),
    ("{title: t, status: in_force, date: '22/12/2015'}", 2, "text 'x': 'date': expected a day YYYY-MM-DD, got '22/12/2015'"),
    ("{title: t, status: in_force, year: 2015}", 2, "text 'x': unknown key 'year'"),
])
def test_a_bad_text_entry_is_refused_at_its_line(entry, line, problem):
    problems = Problems()
    texts = read_texts("c.yaml", load_yaml(f"texts:\n  x: {entry}\n"), problems)
    assert texts == {} and str(problems.items[0]).startswith(f"c.yaml:{line}: {problem}")


def test_a_finding_source_carries_its_main_texts_date_and_status():
    raws = [{"type": "session_planned", "at": "2026-01-15T10:00:00+01:00", "title": "TP-00417",
             "title_name": "Cuisinier", "centre": "Centre", "site": "Lyon", "kind": "titre"},
            {"type": "juror_appointed", "at": "2026-01-16T10:00:00+01:00", "juror": "J1",
             "habilitation_title": "TP-01281", "habilitation_from": "2020-01-01", "habilitation_until": "2030-12-31"},
            {"type": "evaluation_recorded", "at": "2026-03-10T10:00:00+01:00", "juror": "J1", "candidate": "C1", "test": "T1"}]
    events = [parse_event(raw, Location("<test>", event=i + 1), session="S", default_id=f"e{i + 1}")
              for i, raw in enumerate(raws)]
    report = check_session(Session(id="S", events=events, source="<test>"),
                           as_of=dt.datetime.fromisoformat("2026-04-30T00:00:00+02:00"))
    (r4,) = [f for f in report.findings if f.clause == "R4"]
    assert (r4.source.date, r4.source.status) == ("2016-07-11", "in_force")      # Code de l'éducation, R338-6


from pathlib import Path  # noqa: E402
RULEBOOK_DIR = Path(__file__).resolve().parent.parent / "rules"


# What the main text of each rule's reference must be, by its clause's basis (docs/rules.md,
# "Severity"): a violation rests on a text in force, a warning on a superseded text or guidance.
MAIN_TEXT_STATUS = {"current": {"in_force"}, "case_law": {"in_force"}, "superseded": {"superseded"},
                    "guidance": {"guidance"}, "seed": {"guidance", "in_force"}}


@pytest.mark.parametrize("rule", [r.id for r in RULEBOOK.checks])
def test_a_rules_main_text_agrees_with_its_clauses_basis(rule):
    check = RULEBOOK.rule(rule)
    basis = RULEBOOK.clause(check.clause).basis
    assert check.reference.texts[0].status in MAIN_TEXT_STATUS[basis], (basis, check.reference.texts[0].id)
