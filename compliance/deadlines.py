"""Deadlines counted as French law counts them: calendar days in the session's time zone.

"Dans les 15 jours" (S8.5): the day of the act does not count (day 0), the last day counts
whole, so the deadline ends at midnight at the end of day 15; ``due`` is its last second,
23:59:59 local time (events carry whole seconds: an act at ``due`` is in time, one second later
is late), on the 23- and 25-hour days of the clock changes too. Settings of the catalogue
(``rules/clauses.yaml``):

* ``deadline_counting``: ``calendar_days`` (the default) or ``hours`` (N × 24 hours from the act,
  the reading of earlier versions);
* ``deadline_shift_to_working_day`` (off by default): a deadline whose last day is a Saturday,
  a Sunday or a French public holiday moves to the end of the next working day (as the Code de
  procédure civile does for procedural deadlines).

French public holidays are computed for any year (``public_holidays``): the eight fixed ones and
the three that follow Easter (Easter Monday, Ascension, Whit Monday); the Alsace-Moselle days
(Good Friday, 26 December) are not national and are not counted.
"""
from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Mapping

from . import _time

COUNTINGS = ("calendar_days", "hours")
_FIXED = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))


def easter(year: int) -> dt.date:
    """Easter Sunday of the Gregorian calendar (the anonymous algorithm of 1876).

    >>> easter(2024), easter(2025), easter(2026)
    (datetime.date(2024, 3, 31), datetime.date(2025, 4, 20), datetime.date(2026, 4, 5))
    """
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@functools.lru_cache(maxsize=256)
def public_holidays(year: int) -> frozenset[dt.date]:
    """The French national public holidays of ``year``."""
    sunday = easter(year)
    moving = (sunday + dt.timedelta(days=1), sunday + dt.timedelta(days=39), sunday + dt.timedelta(days=50))
    return frozenset([dt.date(year, m, d) for m, d in _FIXED] + list(moving))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def last_second_of(day: dt.date, tz: dt.tzinfo) -> int:
    """Epoch seconds of 23:59:59 on ``day`` in ``tz`` (the second before the next midnight)."""
    return _time.day_start(day + dt.timedelta(days=1), tz) - 1


def due(act: dt.datetime, days: int, tz: dt.tzinfo, settings: Mapping[str, Any]) -> int:
    """The last second (epoch) of a deadline of ``days`` days from ``act``, per the settings."""
    if settings.get("deadline_counting", "calendar_days") == "hours":
        return _time.epoch(act) + days * _time.DAY
    last_day = act.astimezone(tz).date() + dt.timedelta(days=days)
    if settings.get("deadline_shift_to_working_day", False):
        while not is_working_day(last_day):
            last_day += dt.timedelta(days=1)
    return last_second_of(last_day, tz)
