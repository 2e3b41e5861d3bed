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
