"""Record integrity: D2–D4 findings, and a bad line never hides the rest of a log."""
from __future__ import annotations

import json

from compliance import check_session
from compliance.readers import read_file
from strategies import scenarios
from hypothesis import given

AS_OF = "2026-04-30T00:00:00+02:00"


def _write_log(tmp_path, lines):
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _clauses(report):
    return sorted((f.clause, f.rule) for f in report.findings if f.clause.startswith("D"))


@given(scenarios())
def test_generated_sessions_are_intact(scenario):
    """A compliant generated session has no record-integrity finding."""
    report = check_session(scenario.session(), as_of=scenario.as_of)
    assert _clauses(report) == []


def test_invalid_json_line_is_a_d2_of_its_session_and_the_rest_is_checked(tmp_path, clean_session):
    lines = [json.dumps(e.to_record(), ensure_ascii=False) for e in clean_session.events]
    lines[20] = lines[20][:-5]            # truncated: invalid JSON, session still readable
    other = dict(clean_session.events[0].to_record(), session="AUTRE")
    lines.append(json.dumps(other, ensure_ascii=False))
    result = read_file(_write_log(tmp_path, lines))
    assert result.problems == []
    sessions = {s.id: s for s in result.sessions}
    assert set(sessions) == {clean_session.id, "AUTRE"}
    broken = sessions[clean_session.id]
    assert len(broken.events) == len(clean_session.events) - 1
    ((clause, error),) = broken.problems
    assert clause == "D2" and str(error).startswith(f"{tmp_path / 'log.jsonl'}:21")
    import datetime as dt
    report = check_session(broken, as_of=dt.datetime.fromisoformat(AS_OF))
    assert ("D2", "D2-evenement-mal-forme") in _clauses(report)


def test_line_without_session_is_a_file_problem(tmp_path):
    result = read_file(_write_log(tmp_path, ['{"type": "session_opened", "at": "2026-03-10T08:00:00+01:00"}']))
    assert result.sessions == []
    assert "expected a JSON object with a 'session' text field" in str(result.problems[0])


def test_duplicate_id_is_a_d4_and_the_first_event_is_kept(tmp_path):
    line = '{"type": "session_opened", "at": "2026-03-10T08:00:00+01:00", "session": "S", "id": "e1"}'
    path = _write_log(tmp_path, [line, line])
    (session,) = read_file(path).sessions
    assert len(session.events) == 1
    ((clause, error),) = session.problems
    assert clause == "D4" and str(error).startswith(f"{path}:2") and "duplicate event id 'e1'" in str(error)


def _record(tmp_path, events):
    lines = ["session: S", "events:"] + [f"  - {e}" for e in events]
    path = tmp_path / "r.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (session,) = read_file(path).sessions
    import datetime as dt
    return check_session(session, as_of=dt.datetime.fromisoformat(AS_OF))


def test_undeclared_candidate_is_a_d3(tmp_path):
    report = _record(tmp_path, ['{type: identity_checked, at: "2026-03-10T08:30:00+01:00", candidate: C9}'])
    (d3,) = [f for f in report.findings if f.clause == "D3"]
    assert "C9" in d3.message.fr and d3.evidence[0].line == 3


def test_an_undeclared_test_is_worded_with_its_article_and_gender(tmp_path):
    """French elides and agrees: « cite l'épreuve 'T9', jamais déclarée » (not « le épreuve »),
    and one other event is said in the singular."""
    report = _record(tmp_path, [
        '{type: test_started, at: "2026-03-10T09:00:00+01:00", test: T9, candidate: ""}',
        '{type: test_ended, at: "2026-03-10T10:00:00+01:00", test: T9, candidate: ""}'])
    (d3,) = [f for f in report.findings if f.clause == "D3"]
    assert d3.message.fr == ("L'événement L3 (test_started) cite l'épreuve 'T9', jamais déclarée "
                             "(test_scheduled) ; un autre événement la cite aussi.")
    assert d3.message.en == ("Event L3 (test_started) names test 'T9', never declared "
                             "(test_scheduled); one other event names it too.")


def test_an_undeclared_candidate_named_once_says_nothing_of_others(tmp_path):
    report = _record(tmp_path, ['{type: identity_checked, at: "2026-03-10T08:30:00+01:00", candidate: C9}'])
    (d3,) = [f for f in report.findings if f.clause == "D3"]
    assert d3.message.fr == "L'événement L3 (identity_checked) cite le candidat 'C9', jamais déclaré (candidate_registered)."


def test_test_that_ends_before_it_starts_is_a_d4(tmp_path):
    report = _record(tmp_path, [
        '{type: test_started, at: "2026-03-10T10:00:00+01:00", test: T1, candidate: C1}',
        '{type: test_ended, at: "2026-03-10T09:00:00+01:00", test: T1, candidate: C1}'])
    (d4,) = [f for f in report.findings if f.rule == "D4-fin-avant-debut"]
    assert [(e.file, e.line) for e in d4.evidence] == [(str(tmp_path / "r.yaml"), 3), (str(tmp_path / "r.yaml"), 4)]


def test_leaving_without_arriving_is_a_d4(tmp_path):
    report = _record(tmp_path, ['{type: person_left, at: "2026-03-10T17:00:00+01:00", person: RS1, role: manager}'])
    assert ("D4", "D4-depart-sans-arrivee") in _clauses(report)


def test_record_findings_carry_the_catalogue_titles(tmp_path):
    """D3 and D4 findings are titled as their clauses in rules/clauses.yaml, in both languages."""
    report = _record(tmp_path, [
        '{type: identity_checked, at: "2026-03-10T08:30:00+01:00", candidate: C9}',
        '{type: person_left, at: "2026-03-10T17:00:00+01:00", person: RS1, role: manager}'])
    titles = {f.clause: f.title for f in report.findings if f.clause in ("D3", "D4")}
    assert titles["D3"].fr == "Les événements ne citent que des personnes et épreuves déclarées"
    assert titles["D3"].en == "Events only cite declared people and tests"
    assert titles["D4"].fr == "Les événements ne se contredisent pas"
    assert titles["D4"].en == "Events do not contradict each other"


def test_malformed_event_finding_carries_the_catalogue_title(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text('session: S\nevents:\n  - {type: session_opened, at: "not a time"}\n', encoding="utf-8")
    (session,) = read_file(path).sessions
    import datetime as dt
    report = check_session(session, as_of=dt.datetime.fromisoformat(AS_OF))
    (d2,) = [f for f in report.findings if f.clause == "D2"]
    assert (d2.title.fr, d2.title.en) == ("Chaque événement est bien formé", "Every event is well formed")


def test_record_findings_cite_the_events_fields(tmp_path):
    """Like every other finding, a D3 or D4 finding's evidence shows the cited event's fields."""
    report = _record(tmp_path, ['{type: person_left, at: "2026-03-10T17:00:00+01:00", person: RS1, role: manager}'])
    (d4,) = [f for f in report.findings if f.rule == "D4-depart-sans-arrivee"]
    assert d4.evidence[0].details == (("person", "RS1"), ("role", "manager"))
    assert d4.message.fr == "RS1 quitte le site sans y être arrivé."


def test_test_ending_before_it_starts_says_when_it_ended(tmp_path):
    report = _record(tmp_path, [
        '{type: test_started, at: "2026-03-10T10:00:00+01:00", test: T1, candidate: C1}',
        '{type: test_ended, at: "2026-03-10T08:00:00Z", test: T1, candidate: C1}'])
    (d4,) = [f for f in report.findings if f.rule == "D4-fin-avant-debut"]
    assert d4.message.fr == "L'épreuve T1 se termine (2026-03-10 09:00 (+01:00)) sans avoir commencé avant."
    assert d4.message.en == "Test T1 ends (2026-03-10 09:00 (+01:00)) without having started before."


def _clock(tmp_path, *moves):
    """A record of test T1's clock: (type, local time on 10 March 2026) pairs, in record order."""
    return _record(tmp_path, [f'{{type: {kind}, at: "2026-03-10T{hhmm}:00+01:00", test: T1, candidate: C1}}'
                              for kind, hhmm in moves])


def _clock_findings(report):
    return [(f.rule, f.evidence[0].line, f.message.fr, f.message.en)
            for f in report.findings if f.rule in ("D4-pause-hors-deroulement", "D4-reprise-sans-pause")]


def test_a_paused_and_resumed_test_ended_while_paused_is_no_contradiction(tmp_path):
    report = _clock(tmp_path, ("test_started", "09:00"), ("test_paused", "12:00"), ("test_resumed", "13:00"),
                    ("test_paused", "15:00"), ("test_ended", "17:00"))
    assert _clock_findings(report) == []


def test_a_resume_of_a_running_test_is_a_d4(tmp_path):
    report = _clock(tmp_path, ("test_started", "09:00"), ("test_resumed", "10:00"), ("test_ended", "12:00"))
    assert _clock_findings(report) == [
        ("D4-reprise-sans-pause", 4, "L'épreuve T1 reprend (2026-03-10 10:00 (+01:00)) alors qu'elle n'est pas suspendue.",
         "Test T1 resumes (2026-03-10 10:00 (+01:00)) while it is not paused.")]


def test_a_resume_before_the_start_and_after_the_end_are_two_d4s(tmp_path):
    report = _clock(tmp_path, ("test_resumed", "08:00"), ("test_started", "09:00"), ("test_ended", "12:00"),
                    ("test_resumed", "13:00"))
    assert [(rule, line, en) for rule, line, _fr, en in _clock_findings(report)] == [
        ("D4-reprise-sans-pause", 3, "Test T1 resumes (2026-03-10 08:00 (+01:00)) before it started."),
        ("D4-reprise-sans-pause", 6, "Test T1 resumes (2026-03-10 13:00 (+01:00)) after it ended.")]


def test_pauses_of_a_test_that_is_not_running_are_d4s_one_each(tmp_path):
    report = _clock(tmp_path, ("test_paused", "08:00"), ("test_started", "09:00"), ("test_paused", "10:00"),
                    ("test_paused", "10:30"), ("test_resumed", "11:00"), ("test_ended", "12:00"),
                    ("test_paused", "12:30"))
    assert _clock_findings(report) == [
        ("D4-pause-hors-deroulement", 3, "L'épreuve T1 est suspendue (2026-03-10 08:00 (+01:00)) alors qu'elle n'a pas commencé.",
         "Test T1 is paused (2026-03-10 08:00 (+01:00)) before it started."),
        ("D4-pause-hors-deroulement", 6, "L'épreuve T1 est suspendue (2026-03-10 10:30 (+01:00)) alors qu'elle est déjà suspendue.",
         "Test T1 is paused (2026-03-10 10:30 (+01:00)) while already paused."),
        ("D4-pause-hors-deroulement", 9, "L'épreuve T1 est suspendue (2026-03-10 12:30 (+01:00)) alors qu'elle est terminée.",
         "Test T1 is paused (2026-03-10 12:30 (+01:00)) after it ended.")]


def test_clock_events_of_one_instant_are_read_in_record_order(tmp_path):
    """Paused and resumed in the same second: read as recorded, a pause then a resume is fine; a
    resume then a pause resumes a running test."""
    fine = _clock(tmp_path, ("test_started", "09:00"), ("test_paused", "10:00"), ("test_resumed", "10:00"),
                  ("test_ended", "12:00"))
    assert _clock_findings(fine) == []
    wrong = _clock(tmp_path, ("test_started", "09:00"), ("test_resumed", "10:00"), ("test_paused", "10:00"),
                   ("test_ended", "12:00"))
    assert [rule for rule, *_ in _clock_findings(wrong)] == ["D4-reprise-sans-pause"]


def test_an_undeclared_juror_is_one_finding_citing_every_event_that_names_them(tmp_path):
    """One fact, one finding: a juror never appointed who checks in and evaluates three times
    is one D3 finding citing the four events, and R4 (habilitation) says nothing more."""
    report = _record(tmp_path, [
        '{type: session_planned, at: "2026-01-15T09:00:00+01:00", title: TP-00417, title_name: Cuisinier, centre: CFA, site: Lyon, kind: titre}',
        '{type: juror_checked_in, at: "2026-03-10T08:00:00+01:00", juror: J9}',
        '{type: evaluation_recorded, at: "2026-03-10T10:00:00+01:00", juror: J9, candidate: C1, test: T1}',
        '{type: evaluation_recorded, at: "2026-03-10T11:00:00+01:00", juror: J9, candidate: C1, test: T2}',
        '{type: evaluation_recorded, at: "2026-03-11T10:00:00+01:00", juror: J9, candidate: C1, test: T3}'])
    jurors = [f for f in report.findings if f.clause == "D3" and "J9" in f.message.en]
    assert [[e.line for e in f.evidence] for f in jurors] == [[4, 5, 6, 7]]
    assert jurors[0].message.en == ("Event L4 (juror_checked_in) names juror 'J9', never declared "
                                    "(juror_appointed); 3 other events name it too.")
    assert jurors[0].message.fr == ("L'événement L4 (juror_checked_in) cite le juré 'J9', jamais déclaré "
                                    "(juror_appointed) ; 3 autres événements le citent aussi.")
    assert [f for f in report.findings if f.clause == "R4"] == []
