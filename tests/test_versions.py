"""The law as of the session date: rule versions with effective dates, what reports say about
them, and generated sessions of every supported year.

Expectations are written by hand from docs/rules.md ("Versions") and the catalogue's settings:
a session is judged by the law of its first day and by its kind."""
from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings

from compliance import ProblemList, Severity, check_session
from compliance.cli import main
from compliance.errors import Location
from compliance.events import parse_event
from compliance.model import Report, Session, Status
from compliance.reporters import render_html, render_json, render_markdown, render_text
from compliance.rulebook import load_rule_files
from conftest import ROOT
from strategies import COVID_DEROGATIONS, REMOTE_CCP, REMOTE_EXPERIMENT, SUPPORTED, instant, local_day, scenarios

AS_OF = dt.datetime(2029, 1, 1, tzinfo=dt.timezone.utc)
PLAN = {"type": "session_planned", "title": "TP-00417", "title_name": "Cuisinier", "centre": "CFA", "site": "Lyon"}


def _tz(day: str) -> str:
    """Paris's offset on that day (summer time from the last Sunday of March to the last of October)."""
    d = dt.date.fromisoformat(day)
    last_sunday = lambda month: max(dt.date(d.year, month, n) for n in range(25, 32) if dt.date(d.year, month, n).weekday() == 6)
    return "+02:00" if last_sunday(3) <= d < last_sunday(10) else "+01:00"


def _session(day: str, *raws: dict, kind: str = "titre") -> Session:
    """A session opening at 08:00 on ``day``, planned two months before, with these events."""
    opened = {"type": "session_opened", "at": f"{day}T08:00:00{_tz(day)}"}
    planned = dict(PLAN, at=f"{int(day[:4]) - 1}-12-01T09:00:00+01:00", kind=kind)
    events = [parse_event(r, Location("t.jsonl", i + 1), session="S", default_id=f"e{i + 1}")
              for i, r in enumerate([planned, opened, *raws])]
    return Session(id="S", events=events)


def _at(day: str, hour: str) -> str:
    return f"{day}T{hour}:00{_tz(day)}"


def _rules(report: Report) -> set[str]:
    return {f.rule for f in report.findings}


def _clause(report: Report, clause: str):
    return next(c for c in report.clauses if c.clause == clause)


# -- a session on each side of every effective date ----------------------------------------------

def _declared_late(day: str) -> Session:
    return _session(day, {"type": "session_declared", "at": _at(day, "11:00")})


def _convened_ten_days_ahead(day: str) -> Session:
    before = (dt.date.fromisoformat(day) - dt.timedelta(days=10)).isoformat()
    return _session(day, {"type": "candidate_registered", "at": f"{int(day[:4]) - 1}-12-02T10:00:00+01:00",
                          "candidate": "C1", "pathway": "training"},
                    {"type": "candidate_convened", "at": _at(before, "09:00"), "candidate": "C1"})


def _vae_dp_missing(day: str) -> Session:
    return _session(day, {"type": "candidate_registered", "at": f"{int(day[:4]) - 1}-12-02T10:00:00+01:00",
                          "candidate": "C1", "pathway": "vae"},
                    {"type": "dossier_reviewed", "at": _at(day, "15:05"), "candidate": "C1", "results": True,
                     "ecf": False, "dp": False, "final_interview": True},
                    {"type": "decision_recorded", "at": _at(day, "15:25"), "candidate": "C1", "outcome": "title"})


def _trainer_evaluates(day: str, kind: str) -> Session:
    return _session(day, {"type": "juror_appointed", "at": f"{int(day[:4]) - 1}-12-02T10:00:00+01:00", "juror": "J1",
                          "habilitation_title": "TP-00417", "habilitation_from": "2015-01-01",
                          "habilitation_until": "2030-12-31", "organisation": "AFPA Lyon", "trainer": True},
                    {"type": "candidate_registered", "at": f"{int(day[:4]) - 1}-12-02T10:00:00+01:00",
                     "candidate": "C1", "pathway": "training", "organisation": "AFPA Lyon"},
                    {"type": "evaluation_recorded", "at": _at(day, "12:10"), "juror": "J1", "candidate": "C1",
                     "test": "T1"}, kind=kind)


def _remote_test(day: str, ccp: str = REMOTE_CCP, declared: bool = True, on_pv: bool = True) -> Session:
    raws = [{"type": "session_declared", "at": f"{int(day[:4]) - 1}-12-05T10:00:00+01:00", "remote": declared},
            {"type": "test_scheduled", "at": f"{int(day[:4]) - 1}-12-06T10:00:00+01:00", "test": "T1",
             "candidate": "C1", "kind": "questionnaire", "duration_minutes": 60, "starts_at": _at(day, "09:00"),
             "ccp": ccp, "remote": True},
            {"type": "test_started", "at": _at(day, "09:00"), "test": "T1", "candidate": "C1", "remote": True}]
    if on_pv:
        raws.append({"type": "modality_recorded_on_pv", "at": _at(day, "17:00"), "candidate": "C1",
                     "modality": "remote"})
    return _session(day, *raws, kind="ccp")


SIDES = [
    # (what, session, rule expected or not, hand-written)
    ("art. 8: the day before", _vae_dp_missing("2016-05-31"), "R16-dp-non-etudie", False),
    ("art. 8: the day it came into force", _vae_dp_missing("2016-06-01"), "R16-dp-non-etudie", True),
    ("règlement général: the day before", _declared_late("2016-08-31"), "R2-declaration-tardive", False),
    ("règlement général: the day it came into force", _declared_late("2016-09-01"), "R2-declaration-tardive", True),
    ("CCP jury composition: the day before", _trainer_evaluates("2016-12-31", "ccp"),
     "R14-formateur-evalue-son-candidat", False),
    ("CCP jury composition: the day it came into force", _trainer_evaluates("2017-01-01", "ccp"),
     "R14-formateur-evalue-son-candidat", True),
    ("a title session before 2017", _trainer_evaluates("2016-12-31", "titre"), "R14-formateur-evalue-son-candidat", True),
    ("Covid derogations: the day before", _convened_ten_days_ahead("2020-05-24"), "R5-convocation-tardive", True),
    ("Covid derogations: their first day", _convened_ten_days_ahead("2020-05-25"), "R5-convocation-tardive", False),
    ("Covid derogations: their last day", _convened_ten_days_ahead("2021-12-31"), "R5-convocation-tardive", False),
    ("Covid derogations: the day after", _convened_ten_days_ahead("2022-01-01"), "R5-convocation-tardive", True),
    ("remote experiment: the day before", _remote_test("2024-11-25"), "R12-epreuve-a-distance", True),
    ("remote experiment: its first day", _remote_test("2024-11-26"), "R12-epreuve-a-distance", False),
    ("remote experiment: its first day (no other R12 finding)", _remote_test("2024-11-26"),
     "R12-epreuve-a-distance-hors-experimentation", False),
    ("remote experiment: its last day", _remote_test("2027-12-31"), "R12-epreuve-a-distance-hors-experimentation", False),
    ("remote experiment: the day after", _remote_test("2028-01-01"), "R12-epreuve-a-distance", True),
    ("remote experiment: a CCP it does not admit", _remote_test("2025-03-10", ccp="CCP2"),
     "R12-epreuve-a-distance-hors-experimentation", True),
    ("remote experiment: not declared remote", _remote_test("2025-03-10", declared=False),
     "R12-epreuve-a-distance-hors-experimentation", True),
    ("remote experiment: the modality not on the PV", _remote_test("2025-03-10", on_pv=False),
     "R12-epreuve-a-distance-hors-experimentation", True),
]


@pytest.mark.parametrize("what, session, rule, fires", SIDES, ids=[s[0] for s in SIDES])
def test_a_session_on_each_side_of_every_effective_date(what, session, rule, fires):
    assert (rule in _rules(check_session(session, as_of=AS_OF))) is fires


def test_during_the_experiment_a_remote_test_meeting_its_conditions_gives_no_r12_finding():
    report = check_session(_remote_test("2025-03-10"), as_of=AS_OF)
    assert not [f for f in report.findings if f.clause == "R12"]
    assert _clause(report, "R12").status is Status.COMPLIANT


# -- what the report says ----------------------------------------------------------------------

def test_a_clause_not_yet_in_force_says_so_and_from_when():
    report = check_session(_declared_late("2016-08-31"), as_of=AS_OF)
    r2 = _clause(report, "R2")
    assert r2.status is Status.NOT_APPLICABLE and r2.versions == ()
    assert [(n.reason, n.since, n.until, n.kind) for n in r2.not_applicable] == [("not_yet_in_force", "2016-09-01", "", "")]


def test_a_ccp_session_before_2017_is_outside_r14_and_a_title_session_is_not():
    ccp = _clause(check_session(_trainer_evaluates("2016-12-31", "ccp"), as_of=AS_OF), "R14")
    assert ccp.status is Status.NOT_APPLICABLE
    assert [(n.reason, n.since, n.kind) for n in ccp.not_applicable] == [("not_yet_in_force", "2017-01-01", "ccp")]
    titre = _clause(check_session(_trainer_evaluates("2016-12-31", "titre"), as_of=AS_OF), "R14")
    assert titre.status is Status.VIOLATION and titre.not_applicable == ()


def test_a_clause_without_the_events_it_judges_says_which():
    s33 = _clause(check_session(_declared_late("2026-03-10"), as_of=AS_OF), "S3.3")
    assert s33.status is Status.NOT_APPLICABLE
    assert [(n.reason, n.events) for n in s33.not_applicable] == [("session_kind", ("absence_noted",))]


def test_the_versions_applied_are_named_with_their_span_and_text():
    report = check_session(_remote_test("2025-03-10"), as_of=AS_OF)
    (version,) = _clause(report, "R12").versions
    assert (version.rule, version.since, version.until, version.text_date) == (
        "R12-epreuve-a-distance-hors-experimentation", "2024-11-26", "2027-12-31", "2024-11-14")
    r5 = _clause(report, "R5").versions
    assert [(v.rule, v.since, v.until, v.suspended) for v in r5] == [
        ("R5-convocation-tardive", "", "", (("2020-05-25", "2021-12-31"),))]
    s31 = _clause(report, "S3.1")
    assert s31.versions == () and s31.not_applicable == ()       # undated rules: one version, not listed


def test_a_clause_suspended_by_a_derogation_gives_the_span_and_the_text():
    report = check_session(_convened_ten_days_ahead("2021-02-01"), as_of=AS_OF)
    (why,) = _clause(report, "R5").not_applicable
    assert (why.reason, why.since, why.until) == ("suspended", "2020-05-25", "2021-12-31")
    assert why.text.startswith("Arrêté du 25 mai 2020")


def test_the_json_report_carries_versions_and_reasons_and_reads_back():
    report = check_session(_trainer_evaluates("2016-12-31", "ccp"), as_of=AS_OF)
    data = json.loads(render_json([report]))["reports"][0]
    r14 = next(c for c in data["clauses"] if c["clause"] == "R14")
    assert r14["not_applicable"] == [{"reason": "not_yet_in_force", "since": "2017-01-01", "until": "", "kind": "ccp",
                                      "text": "", "events": []}]
    r16 = next(c for c in data["clauses"] if c["clause"] == "R16")
    assert [(v["rule"], v["since"]) for v in r16["versions"]] == [("R16-dp-etudie-apres-decision", "2016-06-01"),
                                                                  ("R16-dp-non-etudie", "2016-06-01")]
    assert Report.from_json(data).clauses == report.clauses


def _note_after(lines: list[str], clause: str) -> str:
    """The line under a clause's line of the text report's checklist."""
    index = next(i for i, line in enumerate(lines) if re.match(rf"  {re.escape(clause)} +", line))
    return lines[index + 1].strip()


def test_the_text_report_says_why_in_french_and_in_english():
    report = check_session(_convened_ten_days_ahead("2021-02-01"), as_of=AS_OF)
    fr = render_text([report], "fr").splitlines()
    assert _note_after(fr, "R5").startswith("non applicable : suspendue (du 2020-05-25 au 2021-12-31, Arrêté du 25 mai 2020")
    en = render_text([report], "en").splitlines()
    assert _note_after(en, "R5").startswith("not applicable: suspended (from 2020-05-25 to 2021-12-31, Arrêté du 25 mai 2020")
    assert _note_after(en, "R16") == ("version applied: R16-dp-etudie-apres-decision, R16-dp-non-etudie "
                                      "(from 2016-06-01; Arrêté du 22 décembre 2015 relatif aux conditions de "
                                      "délivrance du titre professionnel, art. 8 (en vigueur le 1er juin 2016))")


def test_the_markdown_and_html_reports_carry_the_same_note():
    report = check_session(_declared_late("2016-08-31"), as_of=AS_OF)
    row = next(line for line in render_markdown([report], "en").splitlines() if re.match(r"\| \S+ \| R2 \|", line))
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    assert cells[3] == ("The session is declared to the territorial representative before it opens"
                        "<br>*not applicable: not yet in force (from 2016-09-01)*")
    html = render_html([report], "fr")
    row = next(r for r in html.split("<tr") if '<td class="id">R2</td>' in r)
    assert re.search(r'<div class="version">non applicable : pas encore en vigueur \(à compter du 2016-09-01\)</div>', row)


# -- the loader --------------------------------------------------------------------------------

RULE = """section: S1
rules:
  - id: S1.1-local
    clause: S1.1
    severity: violation
    title: {fr: "t", en: "t"}
    reference: {text: "r"}
    in_force: IN_FORCE
    when:
      - match: opening
        event: session_opened
    message: {fr: "m", en: "m"}
"""


def _load(tmp_path, in_force: str):
    path = tmp_path / "S1-local.yaml"
    path.write_text(RULE.replace("IN_FORCE", in_force), encoding="utf-8")
    return load_rule_files([path]), path


def test_an_in_force_bound_may_name_a_day_setting(tmp_path):
    rulebook, _ = _load(tmp_path, '{from: "2020-05-25", until: {setting: covid_derogations_until}}')
    rule = rulebook.rule("S1.1-local")
    assert rule.in_force == (dt.date(2020, 5, 25), dt.date(2021, 12, 31))
    assert rule.validity.span.until_setting == "covid_derogations_until"


@pytest.mark.parametrize("in_force, message", [
    ("{until: {setting: covid_derogation_until}}",
     "'in_force.until': unknown setting 'covid_derogation_until': expected a day setting of rules/clauses.yaml: "
     "covid_derogations_until, remote_experiment_until (did you mean 'covid_derogations_until'?)"),
    ("{until: {setting: pv_deadline_days}}",
     "'in_force.until': unknown setting 'pv_deadline_days': expected a day setting of rules/clauses.yaml: "
     "covid_derogations_until, remote_experiment_until"),
    ('{from: "2021-01-01", until: "2020-01-01"}', "'in_force': 'until' (2020-01-01) is before 'from' (2021-01-01)"),
    ('{suspended: [{from: "2020-05-25", until: "2020-06-01", text: arrete-2020}]}',
     "'in_force.suspended': unknown text 'arrete-2020'"),
    ('{ccp: "2017-01-01"}', "'in_force.ccp': expected a mapping with 'from' and/or 'until', got '2017-01-01'"),
])
def test_a_bad_in_force_is_one_located_error(tmp_path, in_force, message):
    with pytest.raises(ProblemList) as caught:
        _load(tmp_path, in_force)
    problems = str(caught.value).splitlines()
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'S1-local.yaml'}:8: rule 'S1.1-local': ") and message in problems[0]


def test_a_day_setting_that_is_not_a_day_is_refused_at_its_line(tmp_path):
    catalogue = (ROOT / "rules" / "clauses.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "clauses.yaml"
    broken.write_text(catalogue.replace('covid_derogations_until: "2021-12-31"', "covid_derogations_until: 2021"),
                      encoding="utf-8")
    line = next(i for i, text in enumerate(broken.read_text().splitlines(), 1) if text.startswith("  covid_derogations_until"))
    with pytest.raises(ProblemList) as caught:
        load_rule_files([broken])
    assert f"{broken}:{line}: setting 'covid_derogations_until': expected a day YYYY-MM-DD in quotes, got 2021" \
        in str(caught.value).splitlines()


# -- compliance explain ------------------------------------------------------------------------

def _explain(*argv: str) -> list[str]:
    out, err = io.StringIO(), io.StringIO()
    assert main(["explain", *argv], out, err) == 0, err.getvalue()
    return out.getvalue().splitlines()


def _section(lines: list[str], title: str) -> list[str]:
    start = lines.index(title) + 1
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("  - "))
    return lines[start:end]


def test_explain_gives_a_clauses_basis_texts_and_versions_by_date():
    lines = _explain("R5", "--lang", "en")
    assert "  Basis: superseded (a superseded text only: warnings)" in lines
    texts = _section(lines, "Texts")
    assert texts[0].startswith("  - Arrêté du 8 décembre 2008") and texts[0].endswith("(2008-12-08, superseded)")
    assert texts[1].startswith("  - Arrêté du 25 mai 2020") and texts[1].endswith("(2020-05-25, superseded)")
    assert _section(lines, "Versions in force by date") == [
        "  - before 2020-05-25: R5-convocation-tardive",
        "  - from 2020-05-25 to 2021-12-31: no rule in force",
        "  - from 2022-01-01: R5-convocation-tardive"]


def test_explain_splits_the_versions_by_kind_of_session_where_they_differ():
    lines = _explain("R14")
    assert _section(lines, "Versions en vigueur par date") == [
        "  - avant le 2017-01-01, session titre : R14-formateur-delibere-sur-son-candidat, R14-formateur-evalue-son-candidat",
        "  - avant le 2017-01-01, session CCP : aucune règle en vigueur",
        "  - à partir du 2017-01-01 : R14-formateur-delibere-sur-son-candidat, R14-formateur-evalue-son-candidat"]
    assert "  Fondement : current (texte en vigueur : des violations)" in lines


def test_explain_names_the_setting_a_bound_comes_from():
    lines = _explain("R12-epreuve-a-distance-hors-experimentation", "--lang", "en")
    assert "  In force: from 2024-11-26 to 2027-12-31 (setting remote_experiment_until)" in lines
    assert "  Texts" not in lines


# -- generated sessions of every supported year ------------------------------------------------

ERAS = {
    "before the règlement général (June to August 2016)": lambda s: _first_day(s) < dt.date(2016, 9, 1),
    "a CCP session before 2017": lambda s: s.kind == "ccp" and _first_day(s) < dt.date(2017, 1, 1),
    "a candidate convened late during the Covid derogations": lambda s: _convened_late(s),
    "a session of the current law's years": lambda s: _first_day(s) >= dt.date(2024, 1, 8),
}


def _first_day(s) -> dt.date:
    return min(local_day(instant(e)) for e in s.find("session_opened"))


def _convened_late(s) -> bool:
    opening = min(instant(e) for e in s.find("session_opened"))
    return any(opening - instant(e) < dt.timedelta(days=15) for e in s.find("candidate_convened"))


@pytest.mark.parametrize("era", ERAS)
def test_the_generator_reaches_every_era_of_the_law(era):
    """The compliant generator draws sessions of every era (searched for, as the mutations'
    edges are: a fixed sample would tie the test to the generator's other draws)."""
    found = find(scenarios(), ERAS[era], settings=settings(max_examples=600, database=None, deadline=None,
                                                           phases=[Phase.generate],
                                                           suppress_health_check=list(HealthCheck)))
    assert SUPPORTED[0] <= _first_day(found) <= SUPPORTED[1] + dt.timedelta(days=3)
    assert ERAS[era](found)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(era=COVID_DEROGATIONS))
def test_a_compliant_session_of_the_covid_years_is_silent(scenario):
    """Compliant under the law of its day, which relaxed the convocation lead time."""
    report = check_session(scenario.session(), as_of=scenario.as_of)
    assert [(f.rule, f.message.en) for f in report.findings if f.severity is not Severity.PENDING] == []
    assert _clause(report, "R5").status in (Status.NOT_APPLICABLE, Status.COMPLIANT)
    if _convened_late(scenario):
        assert _clause(report, "R5").status is Status.NOT_APPLICABLE


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(era=(REMOTE_EXPERIMENT[0], SUPPORTED[1]), kind="ccp", remote=True))
def test_a_compliant_remote_session_within_the_experiment_is_silent(scenario):
    report = check_session(scenario.session(), as_of=scenario.as_of)
    assert any(e.get("remote") for e in scenario.find("test_started"))
    assert [(f.rule, f.message.en) for f in report.findings if f.severity is not Severity.PENDING] == []
    assert _clause(report, "R12").versions[0].rule == "R12-epreuve-a-distance-hors-experimentation"


def test_the_oracle_reads_every_rules_dates_as_the_checker_does():
    """tests/oracle.py's reading of in_force (written from docs/rules.md) agrees with the
    rule base's on each side of every date a shipped rule carries, for both kinds of session."""
    import oracle
    from compliance.checker import default_rulebook
    checks = default_rulebook().checks
    days = {dt.date(2015, 1, 1), dt.date(2030, 1, 1)}
    for rule in checks:
        v = rule.validity
        for span in [v.span, *(s for _, s in v.by_kind), *(p.span for p in v.suspended)]:
            for bound in (span.start, span.until):
                if bound is not None:
                    days |= {bound - dt.timedelta(days=1), bound, bound + dt.timedelta(days=1)}
    assert len(days) > 10
    for rule in checks:
        for day in sorted(days):
            for kind in ("titre", "ccp", None):
                assert oracle.applies(rule, day, kind) is rule.applies_on(day, kind), (rule.id, day, kind)
