"""The session manager's duty: who holds it, and when nobody on site does.

The manager, or a substitute, is on site from each day's opening to its closing (S1.1). The duty
may be relayed: a substitute takes over while the manager is away, by a ``duty_handover``. This
module folds, in time order, the arrivals and departures of people, the hand-overs, and the
openings and closings, into what rules read: one ``duty_gap`` fact per stretch of an open day
during which nobody on duty was on site, carried by the event that ends it (an arrival, a
hand-over, or the closing):

* ``from`` and ``until`` (instants): the stretch, never empty;
* ``left``: who left at ``from`` (empty when the day opened with nobody on duty);
* ``by``: who took the duty at ``until`` (empty when the closing ended the stretch).

On duty: whoever is on site having arrived as manager or substitute, and whoever is on site and
received the duty by a hand-over while on site (until they hand it on or leave). A juror's
check-in (``juror_checked_in``) puts them on site, as ``person_arrived`` with role juror does: a
juror designated substitute may receive the duty (the check-in, an act of the centre, still ends
a night's quiet below). A hand-over to
someone not on site moves nothing; a relay who already left covers nothing. A day with no
closing on record has no end, so a stretch still open at the end of the record is not a fact.

A night is no part of the session's working time. Many centres record a session of several days
with one opening and one closing: the manager leaves in the evening once every test has stopped
and comes back the next morning. Such a stretch is not a gap when it holds a night (local
midnight to 05:00, the core of night work in the Code du travail, L3122-2), no test was running
when it began, nothing but arrivals, departures and hand-overs happened in it, and it ended with
someone taking up the duty (not with the closing). A break around midnight is still a gap.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from . import _time
from .events import (DutyHandover, Event, JurorCheckedIn, PersonArrived, PersonLeft, Role, SessionClosed, SessionOpened,
                     TestEnded, TestPaused, TestResumed, TestStarted)

GAP_TYPE = "duty_gap"
GAP_FIELDS = {"at": "time", "session": "text", "id": "text", "from": "time", "until": "time",
              "left": "text", "by": "text"}
_ON_DUTY_ROLES = (Role.MANAGER, Role.SUBSTITUTE)


@attrs.define
class _Gap:
    since: int            # epoch seconds
    began_by: int         # index of the event that began it
    left: str             # who left ("" at an opening)
    quiet: bool           # no test running, nothing but arrivals, departures and hand-overs, so far


class DutyCover:
    """Fold people and day events in time order (``observe``); one instance per session."""

    def __init__(self, tz: dt.tzinfo) -> None:
        self._tz = tz                          # the session's zone: where its nights fall
        self._on_site: set[str] = set()
        self._by_role: set[str] = set()        # on site, arrived as manager or substitute
        self._by_handover: set[str] = set()    # on site, handed the duty
        self._running: set[str] = set()        # tests whose clock runs
        self._open = False
        self._gap: _Gap | None = None

    def _covered(self) -> bool:
        return bool(self._by_role or self._by_handover)

    def observe(self, event: Event, index: int) -> list[dict[str, Any]]:
        """The duty gaps ``event`` ends (at most one): dicts of from, until, left, by, src."""
        now = _time.epoch(event.at)
        was_covered = self._covered()
        taker = ""
        self._follow_tests(event)
        if self._gap is not None and not isinstance(event, (PersonArrived, PersonLeft, DutyHandover)):
            self._gap.quiet = False
        if isinstance(event, JurorCheckedIn):       # on site from then; the check-in is an act of the day too
            self._on_site.add(event.juror)
            return []
        if isinstance(event, PersonArrived):
            self._on_site.add(event.person)
            if event.role in _ON_DUTY_ROLES:
                self._by_role.add(event.person)
            taker = event.person
        elif isinstance(event, PersonLeft):
            for people in (self._on_site, self._by_role, self._by_handover):
                people.discard(event.person)
        elif isinstance(event, DutyHandover):
            if event.to in self._on_site:
                self._by_handover.discard(event.from_)
                self._by_handover.add(event.to)
                taker = event.to
        elif isinstance(event, SessionOpened):
            if not self._open:
                self._open = True
                if not self._covered():
                    self._gap = _Gap(now, index, "", quiet=False)
            return []
        elif isinstance(event, SessionClosed):
            gap, self._gap, self._open = self._gap, None, False
            return self._ended(gap, now, index, "") if gap is not None else []
        else:
            return []
        if not self._open:
            return []
        if was_covered and not self._covered():
            self._gap = _Gap(now, index, event.person if isinstance(event, PersonLeft) else "",
                             quiet=not self._running)
        elif self._gap is not None and self._covered():
            gap, self._gap = self._gap, None
            return self._ended(gap, now, index, taker)
        return []

    def _follow_tests(self, event: Event) -> None:
        if isinstance(event, (TestStarted, TestResumed)):
            self._running.add(event.test)
        elif isinstance(event, (TestPaused, TestEnded)):
            self._running.discard(event.test)

    def _ended(self, gap: _Gap, now: int, index: int, by: str) -> list[dict[str, Any]]:
        if now <= gap.since:        # nobody missed: the relay came the same second
            return []
        if gap.quiet and by and now >= self._five_am_after(gap.since):
            return []               # a night between two working days (see the module docstring)
        return [{"from": gap.since, "until": now, "left": gap.left, "by": by,
                 "src": sorted({gap.began_by, index})}]

    def _five_am_after(self, seconds: int) -> int:
        """05:00 local after the first midnight at or after ``seconds``: a stretch reaching it
        holds the night's midnight-to-five, as the Code du travail reads night (L3122-2)."""
        moment = _time.from_epoch(seconds, self._tz)
        day = moment.date() if moment.time() == dt.time(0, 0) else moment.date() + dt.timedelta(days=1)
        return _time.epoch(dt.datetime.combine(day, dt.time(5, 0), tzinfo=self._tz))
