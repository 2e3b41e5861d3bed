"""Deadlines in calendar days of the session's zone, French public holidays, and the settings
that choose the counting (compliance/deadlines.py, rules/clauses.yaml)."""
from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, strategies as st

from compliance import deadlines
from oracle import _easter as gauss_easter

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
CALENDAR = {"deadline_counting": "calendar_days", "deadline_shift_to_working_day": False}


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _epoch(text: str) -> int:
    return int(_at(text).timestamp())


@pytest.mark.parametrize("year, sunday", [(2016, "2016-03-27"), (2024, "2024-03-31"), (2025, "2025-04-20"),
                                          (2026, "2026-04-05"), (2038, "2038-04-25"), (2285, "2285-03-22")])
def test_easter_sundays_known_from_the_calendar(year, sunday):
    assert deadlines.easter(year) == dt.date.fromisoformat(sunday)


@given(st.integers(1583, 4099))
def test_easter_agrees_with_gauss_algorithm(year):
    assert deadlines.easter(year) == gauss_easter(year)


def test_french_public_holidays_of_2026():
    assert sorted(d.isoformat() for d in deadlines.public_holidays(2026)) == [
        "2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14", "2026-05-25",
        "2026-07-14", "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25"]


@pytest.mark.parametrize("closing, last_second", [
    ("2026-03-10T16:10:00+01:00", "2026-03-25T23:59:59+01:00"),   # the example: day 15 is 25 March
    ("2026-03-10T00:00:00+01:00", "2026-03-25T23:59:59+01:00"),   # any hour of day 0
    ("2026-03-20T18:00:00+01:00", "2026-04-04T23:59:59+02:00"),   # across the March change
    ("2026-10-20T18:00:00+02:00", "2026-11-04T23:59:59+01:00"),   # across the October change
    ("2026-03-10T23:30:00+00:00", "2026-03-26T23:59:59+01:00"),   # 00:30 on 11 March in Paris
])
def test_fifteen_calendar_days_end_at_midnight_of_day_15_in_the_session_zone(closing, last_second):
    assert deadlines.due(_at(closing), 15, PARIS, CALENDAR) == _epoch(last_second)


def test_hours_counting_is_fifteen_times_24_hours():
    closing = _at("2026-03-20T18:00:00+01:00")
    assert deadlines.due(closing, 15, PARIS, {"deadline_counting": "hours"}) == _epoch("2026-04-04T19:00:00+02:00")


def test_a_deadline_on_a_holiday_moves_to_the_next_working_day_only_when_asked():
    closing = _at("2026-04-23T17:00:00+02:00")          # day 15: Friday 8 May, a public holiday
    assert deadlines.due(closing, 15, PARIS, CALENDAR) == _epoch("2026-05-08T23:59:59+02:00")
    shifted = dict(CALENDAR, deadline_shift_to_working_day=True)
    assert deadlines.due(closing, 15, PARIS, shifted) == _epoch("2026-05-11T23:59:59+02:00")   # Monday
    working = _at("2026-04-20T17:00:00+02:00")          # day 15: Tuesday 5 May, a working day
    assert deadlines.due(working, 15, PARIS, shifted) == _epoch("2026-05-05T23:59:59+02:00")


@pytest.mark.parametrize("key, value, expected", [
    ("deadline_counting", "working_days", "calendar_days or hours"),
    ("pv_deadline_days", '"15"', "a whole number of days"),        # quoted: text
    ("deadline_shift_to_working_day", "yes", "true or false"),
    ("post_session_grace_days", "-1", "a whole number of days (0 to 3650)"),
    ("post_session_grace_days", "1.5", "a whole number of days (0 to 3650)"),
])
def test_a_setting_of_the_wrong_kind_is_refused_with_its_line(tmp_path, key, value, expected):
    from compliance.rulebook import _Loader
    from conftest import ROOT
    lines = (ROOT / "rules" / "clauses.yaml").read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(f"  {key}:"))
    lines[index] = f"  {key}: {value}"
    catalogue = tmp_path / "clauses.yaml"
    catalogue.write_text("\n".join(lines) + "\n", encoding="utf-8")
    loader = _Loader()
    loader.load_catalogue(catalogue)
    (problem,) = loader.problems.items
    assert f"clauses.yaml:{index + 1}" in str(problem) and expected in str(problem)


def test_an_unknown_setting_is_refused_with_a_suggestion(tmp_path):
    from compliance.rulebook import _Loader
    from conftest import ROOT
    text = (ROOT / "rules" / "clauses.yaml").read_text(encoding="utf-8")
    catalogue = tmp_path / "clauses.yaml"
    catalogue.write_text(text.replace("  pv_deadline_days: 15", "  pv_deadline_day: 15"), encoding="utf-8")
    loader = _Loader()
    loader.load_catalogue(catalogue)
    (problem,) = loader.problems.items
    assert "unknown setting 'pv_deadline_day'" in str(problem) and "pv_deadline_days" in str(problem)


# -- the deadlines as the rules apply them, end to end (hand-written sessions) -----------------

def _session(*raws: dict, zone: str = ""):
    from compliance import Location, Session, parse_event
    head = [{"type": "session_planned", "at": "2026-01-15T09:00:00+01:00", "title": "TP-00417",
             "title_name": "Cuisinier", "centre": "C", "site": "S", "kind": "titre", "time_zone": zone}] if zone else []
    events = [parse_event(raw, Location("t.yaml", event=i + 1), session="S", default_id=f"e{i + 1}")
              for i, raw in enumerate([*head, *raws])]
    return Session(id="S", events=events, source="t.yaml")


def _findings(session, as_of: str | None = None, rulebook=None, watched=None) -> list[tuple[str, list[str]]]:
    """The watched findings, audited at ``as_of`` (default: an hour after the last event)."""
    from compliance import check_session
    audit = _at(as_of) if as_of else max(e.at for e in session.events) + dt.timedelta(hours=1)
    report = check_session(session, rulebook, as_of=audit)
    return sorted((f.rule, [e.event_id for e in f.evidence]) for f in report.findings if f.rule in (watched or DUTY_RULES))


# a closing on an ordinary day, on the 23-hour day of the March change and on the 25-hour day
# of the October change (Europe/Paris), then 23:59:59 that day and 00:00:01 the next
CLOSING_DAYS = [
    ("2026-03-10T16:10:00+01:00", "2026-03-10T23:59:59+01:00", "2026-03-11T00:00:01+01:00"),
    ("2026-03-29T16:10:00+02:00", "2026-03-29T23:59:59+02:00", "2026-03-30T00:00:01+02:00"),
    ("2026-10-25T16:10:00+01:00", "2026-10-25T23:59:59+01:00", "2026-10-26T00:00:01+01:00"),
]
# each post-session duty: its event, and the rules for "done late" and "never done"
DUTIES = [
    ({"type": "results_recorded_ceres", "person": "RS1"}, "S8.3-ceres-saisi-en-retard", "S8.3-ceres-non-saisi",
     "S8.3-ceres-en-attente"),
    ({"type": "pv_countersigned", "person": "RS1"}, "S8.4-pv-contresigne-en-retard", "S8.4-pv-non-contresigne",
     "S8.4-contreseing-en-attente"),
    ({"type": "grids_archived"}, "S8.6-grilles-archivees-en-retard", "S8.6-grilles-non-archivees",
     "S8.6-archivage-en-attente"),
    ({"type": "documents_destroyed"}, "S8.7-materiel-detruit-en-retard", "S8.7-documents-non-detruits",
     "S8.7-destruction-en-attente"),
]
# the rules these tests watch: the deadlines' (who acted, the order of signatures: elsewhere)
DUTY_RULES = {rule for _, *rules in DUTIES for rule in rules}
PV_RULES = {"S8.5-pv-transmis-hors-delai", "S8.5-pv-en-attente"}


def _closed_with_duties(closing: str, late: dict | None = None, at: str = "") -> list[dict]:
    """A closing day with C1 tested and every duty done a minute after the closing, but for
    ``late``, done at ``at`` instead, last (or never, when ``at`` is empty)."""
    close = _at(closing)
    minute = (close + dt.timedelta(minutes=1)).isoformat()
    raws = [{"type": "test_started", "at": (close - dt.timedelta(hours=6)).isoformat(), "test": "T1", "candidate": "C1"},
            {"type": "deliberation_ended", "at": (close - dt.timedelta(minutes=30)).isoformat()},
            {"type": "session_closed", "at": closing}]
    raws += [{**duty, "at": minute} for duty, *_ in DUTIES if late is None or duty["type"] != late["type"]]
    if late is not None and at:
        raws.append({**late, "at": at})
    return raws


@pytest.mark.parametrize("closing, last_second, next_second", CLOSING_DAYS)
@pytest.mark.parametrize("duty, late_rule, never_rule, pending_rule", DUTIES)
def test_a_post_session_duty_is_due_by_the_last_second_of_the_closing_day(
        closing, last_second, next_second, duty, late_rule, never_rule, pending_rule):
    in_time = _session(*_closed_with_duties(closing, duty, last_second))
    assert _findings(in_time) == []
    late = _session(*_closed_with_duties(closing, duty, next_second))
    # e3 is the closing, e7 the late duty
    assert _findings(late) == [(late_rule, ["e3", "e7"])]


@pytest.mark.parametrize("closing, last_second, next_second", CLOSING_DAYS)
@pytest.mark.parametrize("duty, late_rule, never_rule, pending_rule", DUTIES)
def test_a_post_session_duty_never_done_is_pending_until_its_last_second_then_found(
        closing, last_second, next_second, duty, late_rule, never_rule, pending_rule):
    never = _session(*_closed_with_duties(closing, duty))
    assert _findings(never, last_second) == [(pending_rule, ["e3"])]
    assert _findings(never, next_second) == [(never_rule, ["e3"])]


def test_the_closing_day_is_the_session_zone_s_day():
    """In New York (UTC-4 in May), a closing at 20:00 local is past midnight in Paris: the
    duties are due by 23:59:59 New York time, not Paris time."""
    ny = "America/New_York"
    closing = "2026-05-12T20:00:00-04:00"
    in_time = _session(*_closed_with_duties(closing, DUTIES[0][0], "2026-05-12T23:59:59-04:00"), zone=ny)
    assert _findings(in_time) == []
    late = _session(*_closed_with_duties(closing, DUTIES[0][0], "2026-05-13T00:00:01-04:00"), zone=ny)
    assert _findings(late) == [("S8.3-ceres-saisi-en-retard", ["e4", "e8"])]


def _rulebook_with(tmp_path, key: str, value: str):
    """The shipped rule base over a catalogue whose setting ``key`` is ``value``."""
    from compliance.rulebook import load_rule_files
    from conftest import ROOT
    text = (ROOT / "rules" / "clauses.yaml").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith(f"  {key}:"))
    catalogue = tmp_path / "clauses.yaml"
    catalogue.write_text(text.replace(line, f"  {key}: {value}"), encoding="utf-8")
    return load_rule_files([catalogue, *sorted(p for p in (ROOT / "rules").glob("*.yaml") if p.name != "clauses.yaml")])


def test_grace_days_move_the_due_instant_by_calendar_days_across_the_march_change(tmp_path):
    """One day of grace after a closing on Saturday 28 March 2026 (winter time): due at
    23:59:59 on Sunday 29 March, summer time (the 23-hour day), not 24 hours after midnight."""
    rulebook = _rulebook_with(tmp_path, "post_session_grace_days", "1")
    closing, duty = "2026-03-28T16:10:00+01:00", DUTIES[1][0]
    assert _findings(_session(*_closed_with_duties(closing, duty, "2026-03-29T23:59:59+02:00")), None, rulebook) == []
    late = _session(*_closed_with_duties(closing, duty, "2026-03-30T00:00:01+02:00"))
    assert _findings(late, None, rulebook) == [("S8.4-pv-contresigne-en-retard", ["e3", "e7"])]
    never = _session(*_closed_with_duties(closing, duty))
    assert _findings(never, "2026-03-29T23:59:59+02:00", rulebook) == [("S8.4-contreseing-en-attente", ["e3"])]
    # without grace, the same record is late the next day
    assert _findings(_session(*_closed_with_duties(closing, duty, "2026-03-29T09:00:00+02:00"))) == [
        ("S8.4-pv-contresigne-en-retard", ["e3", "e7"])]


@pytest.mark.parametrize("closing, last_second, next_second", [
    ("2026-03-10T16:10:00+01:00", "2026-03-25T23:59:59+01:00", "2026-03-26T00:00:01+01:00"),
    ("2026-03-20T18:00:00+01:00", "2026-04-04T23:59:59+02:00", "2026-04-05T00:00:01+02:00"),   # March change
    ("2026-10-20T18:00:00+02:00", "2026-11-04T23:59:59+01:00", "2026-11-05T00:00:01+01:00"),   # October change
])
def test_the_pvs_are_due_by_the_last_second_of_day_15(closing, last_second, next_second):
    done = _closed_with_duties(closing)          # every post-session duty done on the closing day
    assert _findings(_session(*done, {"type": "pv_transmitted", "at": last_second}), watched=PV_RULES) == []
    assert _findings(_session(*done, {"type": "pv_transmitted", "at": next_second}), watched=PV_RULES) == [
        ("S8.5-pv-transmis-hors-delai", ["e3"])]
    assert _findings(_session(*done), last_second, watched=PV_RULES) == [("S8.5-pv-en-attente", ["e3"])]
    assert _findings(_session(*done), next_second, watched=PV_RULES) == [("S8.5-pv-transmis-hors-delai", ["e3"])]
