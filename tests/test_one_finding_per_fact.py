"""One finding per fact: R4 once per juror and day, R11 only for a juror who stood aside (a tied
juror who evaluates is S3.5's), one finding for an unappointed juror (D3, not R4 as well)."""
from __future__ import annotations

import datetime as dt

from compliance import Location, Session, check_session, parse_event

PLAN = {"type": "session_planned", "at": "2024-01-15T10:00:00+01:00", "title": "TP-00417",
        "title_name": "Cuisinier", "centre": "Centre", "site": "Villeurbanne", "kind": "titre"}


def _appointed(juror: str, title: str = "TP-00417", until: str = "2030-12-31") -> dict:
    return {"type": "juror_appointed", "at": "2024-01-16T10:00:00+01:00", "juror": juror,
            "habilitation_title": title, "habilitation_from": "2020-01-01", "habilitation_until": until}


def _findings(raws: list[dict], as_of: str = "2024-12-31T12:00:00+01:00"):
    events = [parse_event(raw, Location("<test>", event=i + 1), session="S", default_id=f"e{i + 1}")
              for i, raw in enumerate(raws)]
    return check_session(Session(id="S", events=events, source="<test>"),
                         as_of=dt.datetime.fromisoformat(as_of)).findings


def _evaluation(at: str, juror: str = "J1", candidate: str = "C1", test: str = "T1") -> dict:
    return {"type": "evaluation_recorded", "at": at, "juror": juror, "candidate": candidate, "test": test}


def test_r4_speaks_once_a_day_on_the_25_hour_day_of_the_clock_change():
    """27 October 2024 in Paris lasts 25 hours: evaluations at 00:30 (+02:00), 02:30 (+01:00) and
    23:30 (+01:00) are one day, the one at 00:10 on the 28th another. Two findings, each citing
    the day's first evaluation and the appointment."""
    raws = [PLAN, _appointed("J1", title="TP-01281"),
            _evaluation("2024-10-27T00:30:00+02:00"), _evaluation("2024-10-27T02:30:00+01:00", test="T2"),
            _evaluation("2024-10-27T23:30:00+01:00", test="T3"), _evaluation("2024-10-28T00:10:00+01:00", test="T4")]
    r4 = [f for f in _findings(raws) if f.clause == "R4"]
    assert sorted(sorted(e.event_id for e in f.evidence) for f in r4) == [["e2", "e3"], ["e2", "e6"]]


def test_r4_speaks_once_a_day_on_the_23_hour_day_of_the_clock_change():
    """31 March 2024 lasts 23 hours: 00:30 (+01:00) and 23:59 (+02:00) are the same day."""
    raws = [PLAN, _appointed("J1", until="2024-03-30"),
            _evaluation("2024-03-31T00:30:00+01:00"), _evaluation("2024-03-31T23:59:00+02:00", test="T2")]
    r4 = [f for f in _findings(raws) if f.clause == "R4"]
    assert [sorted(e.event_id for e in f.evidence) for f in r4] == [["e2", "e3"]]


def test_a_tied_juror_who_evaluates_is_s35s_finding_and_not_r11s():
    raws = [PLAN, _appointed("J1"), _appointed("J2"),
            {"type": "link_checked", "at": "2024-03-10T08:30:00+01:00", "juror": "J1", "candidate": "C1", "linked": True},
            {"type": "test_started", "at": "2024-03-10T09:00:00+01:00", "test": "T1", "candidate": "C1"},
            _evaluation("2024-03-10T12:00:00+01:00", juror="J1"), _evaluation("2024-03-10T12:00:00+01:00", juror="J2")]
    clauses = sorted(f.rule for f in _findings(raws) if f.clause in ("S3.5", "R11"))
    assert clauses == ["S3.5-jure-lie-evalue"]


def test_a_juror_who_stood_aside_and_evaluates_is_s35s_finding_and_not_r11s():
    raws = [PLAN, _appointed("J1"), _appointed("J2"),
            {"type": "juror_stood_aside", "at": "2024-03-10T08:30:00+01:00", "juror": "J1", "candidate": "C1"},
            {"type": "test_started", "at": "2024-03-10T09:00:00+01:00", "test": "T1", "candidate": "C1"},
            _evaluation("2024-03-10T12:00:00+01:00", juror="J1"), _evaluation("2024-03-10T12:00:00+01:00", juror="J2")]
    clauses = sorted(f.rule for f in _findings(raws) if f.clause in ("S3.5", "R11"))
    assert clauses == ["S3.5-jure-retire-evalue"]


def test_a_tied_juror_who_stands_aside_leaving_one_evaluator_is_r11s_finding():
    raws = [PLAN, _appointed("J1"), _appointed("J2"),
            {"type": "link_checked", "at": "2024-03-10T08:30:00+01:00", "juror": "J1", "candidate": "C1", "linked": True},
            {"type": "test_started", "at": "2024-03-10T09:00:00+01:00", "test": "T1", "candidate": "C1"},
            _evaluation("2024-03-10T12:00:00+01:00", juror="J2")]
    clauses = sorted(f.rule for f in _findings(raws) if f.clause in ("S3.5", "R11"))
    assert clauses == ["R11-jury-insuffisant-apres-deport"]


def test_an_unappointed_juror_is_one_d3_finding_and_no_r4():
    raws = [PLAN] + [_evaluation(f"2024-03-10T1{i}:00:00+01:00", juror="J9", test=f"T{i}") for i in range(5)]
    judged = [(f.clause, len(f.evidence)) for f in _findings(raws) if f.clause in ("D3", "R4") and "J9" in f.message.en]
    assert judged == [("D3", 5)]


def test_a_bad_per_entry_names_day_at_among_what_is_expected(tmp_path):
    import pytest
    from compliance.errors import ProblemList
    from compliance.rulebook import load_rule_files
    path = tmp_path / "S3-x.yaml"
    path.write_text("""section: S3
rules:
  - id: S3.1-x
    clause: S3.1
    severity: violation
    title: {fr: t, en: t}
    reference: {text: r}
    when:
      - first: e
        event: evaluation_recorded
        per: [juror, day(test)]
    message: {fr: m, en: m}
""", encoding="utf-8")
    with pytest.raises(ProblemList) as caught:
        load_rule_files([path])
    assert str(caught.value.problems[0]).startswith(
        f"{path}:11: rule 'S3.1-x': 'per': expected field names of 'evaluation_recorded' or day(at), "
        "got ['juror', 'day(test)']")
